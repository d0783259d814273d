package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.domainautomation.logic.port.Domain;

/** The small, pure decisions of the cleanup: what is stale, what is protected, which apps are in scope. */
public final class StaleRules {

    /** Let's Encrypt states of a domain whose DNS never validated. */
    public static final Set<String> UNVALIDATED = Set.of("pending_dns", "dns_required", "error");

    private StaleRules() {
    }

    /** Never validated: Let's Encrypt still waits for DNS (or failed), and there is no custom certificate. */
    public static boolean neverValidated(Domain domain) {
        return domain.letsencryptStatus() != null && UNVALIDATED.contains(domain.letsencryptStatus())
                && !domain.hasCustomCertificate();
    }

    /**
     * No rule applies to a domain younger than the grace period: the customer whose domain was linked a minute ago
     * has not set their DNS yet. A domain of unknown age counts as young.
     */
    public static boolean withinGracePeriod(Domain domain, Instant now, Duration grace) {
        return domain.createdAt() == null || !domain.createdAt().toInstant().plus(grace).isBefore(now);
    }

    public static boolean isProtected(String domainName, List<String> patterns) {
        String name = domainName.toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(pattern -> glob(pattern).matcher(name).matches());
    }

    public static boolean inScope(String appName, List<String> allowList, String prefix) {
        return (allowList.isEmpty() || allowList.contains(appName)) && (prefix == null || appName.startsWith(prefix));
    }

    private static Pattern glob(String pattern) {
        return Pattern.compile(Arrays.stream(pattern.trim().toLowerCase(Locale.ROOT).split("\\*", -1))
                .map(Pattern::quote).collect(Collectors.joining(".*")));
    }
}
