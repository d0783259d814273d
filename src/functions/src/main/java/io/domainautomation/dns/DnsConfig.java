package io.domainautomation.dns;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The resolver every DNS lookup asks ({@code DNS_RESOLVER}, {@code DNS_TIMEOUT}): cleanup-stale's evidence,
 * domain-status's diagnosis, link-on-signup's proof of ownership and Domain Linked's diagnosis. The names cleanup-stale had before,
 * {@code CLEANUP_DNS_RESOLVER} and {@code CLEANUP_DNS_TIMEOUT}, are still read when the new ones are not set
 * (application.properties).
 */
@ConfigMapping(prefix = "dns")
public interface DnsConfig {

    /** host or host:port of the resolver to ask; the system's resolver when absent. */
    Optional<String> resolver();

    @WithDefault("3s")
    Duration timeout();
}
