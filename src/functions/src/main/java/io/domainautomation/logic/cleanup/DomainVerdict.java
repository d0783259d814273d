package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cleanup's look at one domain, pure: healthy; stale and a candidate for removal (which the ledger must then
 * confirm over time); or kept, with why. A domain is a candidate only when it is past the grace period, a rule makes
 * it stale, its DNS no longer points at the platform (unlinking a domain still pointed at Scalingo would leave a
 * dangling record someone else could claim), and nothing shows that traffic still reaches the platform.
 */
public record DomainVerdict(List<String> rules, String keptBecause, DnsVerdict dns) {

    public static final String NEVER_VALIDATED = "never-validated";
    public static final String DNS_GONE = "dns-gone";
    public static final String GRACE_PERIOD = "grace-period";
    public static final String DNS_UNKNOWN = "dns-unknown";

    /** What this look means for the ledger's memory of the domain. */
    public enum Effect {
        /** A candidate: one more sighting. */
        STALE,
        /** Healthy, young, protected, canonical or with traffic: forget any earlier sighting. */
        HEALTHY,
        /** Nothing can be said (DNS unknown): leave the memory as it is. */
        UNDECIDED
    }

    public boolean stale() {
        return !rules.isEmpty();
    }

    /** A candidate for removal, once confirmed over time. */
    public boolean candidate() {
        return stale() && keptBecause == null;
    }

    public Effect effect() {
        if (candidate()) {
            return Effect.STALE;
        }
        return DNS_UNKNOWN.equals(keptBecause) ? Effect.UNDECIDED : Effect.HEALTHY;
    }

    public static DomainVerdict decide(boolean canonical, boolean isProtected, boolean withinGracePeriod,
            boolean neverValidated, DnsVerdict dns, Optional<String> traffic) {
        if (canonical) {
            return new DomainVerdict(List.of(), "canonical", dns);
        }
        if (isProtected) {
            return new DomainVerdict(List.of(), "protected", dns);
        }
        if (withinGracePeriod) {
            return new DomainVerdict(List.of(), GRACE_PERIOD, dns);
        }
        List<String> rules = new ArrayList<>();
        if (neverValidated) {
            rules.add(NEVER_VALIDATED);
        }
        if (dns.gone()) {
            rules.add(DNS_GONE);
        }
        if (rules.isEmpty()) {
            // no rule applies as far as can be told; with DNS unknown, that is not far enough to call it healthy
            return new DomainVerdict(List.of(), dns == DnsVerdict.UNKNOWN ? DNS_UNKNOWN : null, dns);
        }
        if (traffic.isPresent()) {
            return new DomainVerdict(rules, "traffic:" + traffic.get(), dns);
        }
        return switch (dns) {
            case NO_RECORDS, ELSEWHERE -> new DomainVerdict(rules, null, dns);
            case ACTIVE -> new DomainVerdict(rules, "stale-but-dns-active", dns);
            case UNKNOWN -> new DomainVerdict(rules, DNS_UNKNOWN, dns);
        };
    }
}
