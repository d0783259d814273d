package io.domainautomation.logic.cleanup;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a hostname's DNS points, decided from what was resolved: still at the platform (a CNAME chain reaching
 * the app's host or any host of the platform, or an address in common with the app's host), gone (no record, or
 * records elsewhere), or unknown (the resolver failed: never a reason to remove anything).
 */
public enum DnsVerdict {
    ACTIVE, GONE, UNKNOWN;

    /** What a lookup found: the CNAME chain (names traversed, in order), the addresses, and whether it failed. */
    public record Evidence(List<String> cnameChain, Set<InetAddress> addresses, boolean failed) {
    }

    public static DnsVerdict decide(Evidence domain, Evidence appHost, String appHostName, List<String> platformDomains) {
        if (domain.failed()) {
            return UNKNOWN;
        }
        String target = appHostName.toLowerCase(Locale.ROOT);
        for (String name : domain.cnameChain()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(target) || platformDomains.stream().anyMatch(p -> n.equals(p) || n.endsWith("." + p))) {
                return ACTIVE;
            }
        }
        if (domain.addresses().isEmpty()) {
            return GONE;
        }
        if (appHost.failed()) {
            return UNKNOWN;
        }
        return domain.addresses().stream().anyMatch(appHost.addresses()::contains) ? ACTIVE : GONE;
    }
}
