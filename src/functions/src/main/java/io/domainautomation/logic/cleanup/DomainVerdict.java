package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;

/**
 * The cleanup's decision for one domain, pure: not stale; stale and removable; or stale but kept, with why.
 * A domain is removed only when it is stale and its DNS no longer points at the platform: unlinking a domain
 * still pointed at Scalingo would leave a dangling record someone else could claim.
 */
public record DomainVerdict(List<String> rules, String keptBecause) {

    public static final String NEVER_VALIDATED = "never-validated";
    public static final String DNS_GONE = "dns-gone";

    public boolean stale() {
        return !rules.isEmpty();
    }

    public boolean removable() {
        return stale() && keptBecause == null;
    }

    public static DomainVerdict decide(boolean canonical, boolean isProtected, boolean neverValidated, DnsVerdict dns) {
        if (canonical) {
            return new DomainVerdict(List.of(), "canonical");
        }
        if (isProtected) {
            return new DomainVerdict(List.of(), "protected");
        }
        List<String> rules = new ArrayList<>();
        if (neverValidated) {
            rules.add(NEVER_VALIDATED);
        }
        if (dns == DnsVerdict.GONE) {
            rules.add(DNS_GONE);
        }
        if (rules.isEmpty()) {
            return new DomainVerdict(List.of(), null);
        }
        return switch (dns) {
            case GONE -> new DomainVerdict(rules, null);
            case ACTIVE -> new DomainVerdict(rules, "stale-but-dns-active");
            case UNKNOWN -> new DomainVerdict(rules, "dns-unknown");
        };
    }
}
