package io.domainautomation.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the embedded sandbox (dev and test profiles only). */
@ConfigMapping(prefix = "sandbox")
public interface SandboxConfig {

    @WithDefault("8090")
    int port();

    /** API tokens the sandbox's auth host accepts. */
    Optional<List<String>> apiTokens();

    /** Classpath resource with apps, domains and secrets to start with. */
    Optional<String> seed();

    @WithDefault("1h")
    Duration bearerLifetime();

    @WithDefault("60")
    int rateLimitRequests();

    @WithDefault("60s")
    Duration rateLimitPeriod();

    /** When set, a local DynamoDB (dynalite) is started on this port with the ledger's table. */
    Optional<Integer> dynamodbPort();

    @WithDefault("scalingo-domain-ledger")
    String dynamodbTable();
}
