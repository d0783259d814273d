package io.domainautomation.dns;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The resolver cleanup-stale asks ({@code CLEANUP_DNS_RESOLVER}, {@code CLEANUP_DNS_TIMEOUT}), and with it domain-status
 * and link-on-signup (the DNS diagnosis).
 */
@ConfigMapping(prefix = "cleanup.dns")
public interface DnsConfig {

    /** host or host:port of the resolver to ask; the system's resolver when absent. */
    Optional<String> resolver();

    @WithDefault("3s")
    Duration timeout();
}
