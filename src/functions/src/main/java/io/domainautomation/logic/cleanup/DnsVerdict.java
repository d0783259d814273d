package io.domainautomation.logic.cleanup;

import java.util.List;
import java.util.Locale;

import io.domainautomation.logic.port.DnsAnswer;

/**
 * Where a hostname's DNS points, decided from what was resolved: still at the platform (a CNAME chain reaching the
 * app's host or any host of the platform, or an address in common with the app's host); gone, either with no record
 * at all (NXDOMAIN or no address) or with records pointing elsewhere; or unknown (the resolver failed, or the app has
 * no host to compare with: never a reason to remove anything).
 */
public enum DnsVerdict {
    ACTIVE("active"), NO_RECORDS("no-records"), ELSEWHERE("points-elsewhere"), UNKNOWN("unknown");

    private final String label;

    DnsVerdict(String label) {
        this.label = label;
    }

    /** How reports and the ledger name it. */
    public String label() {
        return label;
    }

    public boolean gone() {
        return this == NO_RECORDS || this == ELSEWHERE;
    }

    public static DnsVerdict decide(DnsAnswer domain, DnsAnswer appHost, String appHostName, List<String> platformDomains) {
        if (domain.failed()) {
            return UNKNOWN;
        }
        String target = appHostName.toLowerCase(Locale.ROOT);
        // A CNAME into the platform keeps the domain even when its target no longer resolves: unlinking it would let
        // whoever takes that target name serve the customer's traffic.
        for (String name : java.util.stream.Stream.concat(domain.cnameChain().stream(), domain.danglingTargets().stream()).toList()) {
            String n = name.toLowerCase(Locale.ROOT);
            if ((!target.isEmpty() && n.equals(target)) || platformDomains.stream().anyMatch(p -> n.equals(p) || n.endsWith("." + p))) {
                return ACTIVE;
            }
        }
        if (target.isEmpty()) {
            return UNKNOWN; // an app without base_url: nothing to compare the addresses with
        }
        if (domain.addresses().isEmpty()) {
            return domain.cnameChain().size() > 1 || !domain.danglingTargets().isEmpty() ? ELSEWHERE : NO_RECORDS;
        }
        if (appHost.failed()) {
            return UNKNOWN;
        }
        return domain.addresses().stream().anyMatch(appHost.addresses()::contains) ? ACTIVE : ELSEWHERE;
    }
}
