package io.domainautomation.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the cleanup ledger lives: a DynamoDB table (template.yaml creates it and sets LEDGER_TABLE). */
@ConfigMapping(prefix = "ledger")
public interface LedgerConfig {

    @WithDefault("scalingo-domain-ledger")
    String table();

    /**
     * Where the account's shared rate budget is kept when another stack on the same Scalingo user keeps it (that
     * stack's ledger table; template parameter RateBudgetTable); absent: {@link #table()}.
     */
    Optional<String> budgetTable();

    /** A local DynamoDB (dynalite, in dev mode and tests); absent when deployed. */
    Optional<URI> endpointOverride();

    /** How long a stale record no scan refreshes is kept (the domain went, or its app left the scope). */
    @WithDefault("30d")
    Duration staleRecordRetention();

    /** How long a tombstone is kept, for restores and audits. */
    @WithDefault("365d")
    Duration tombstoneRetention();
}
