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

    /**
     * A DNS server on this loopback UDP port that knows only the records set with {@code POST /_sandbox/dns} (every
     * other name: NXDOMAIN): dev mode's {@code dns.resolver}. Absent: none (tests start their own).
     */
    Optional<Integer> dnsPort();

    @WithDefault("scalingo-domain-ledger")
    String dynamodbTable();

    /** IAM as deployed: the template whose policies the sandbox enforces on the functions' AWS calls. */
    Iam iam();

    interface Iam {

        /** template.yaml, relative to the project's root; unset, the sandbox lets every AWS call through. */
        Optional<String> template();

        /** The stack name the template's names are made from ({@code ${AWS::StackName}-cleanup-stale}...). */
        @WithDefault("local")
        String stackName();

        /** The stack's parameters, as {@code Name=value}; those left out take the template's defaults. */
        Optional<List<String>> parameters();

        /** Names of resources the template leaves unnamed, as {@code LogicalId=name} (the ledger's table...). */
        Optional<List<String>> physicalNames();
    }
}
