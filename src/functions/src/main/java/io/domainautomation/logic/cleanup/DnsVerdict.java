package io.domainautomation.logic.cleanup;

import java.util.List;
import java.util.Locale;

import io.domainautomation.dns.DnsAnswer;

/**
 * Where a hostname's DNS points, decided from what was resolved: still at the platform (a CNAME chain reaching
 * the app's host or any host of the platform, or an address in common with the app's host), gone (no record, or
 * records elsewhere), or unknown (the resolver failed: never a reason to remove anything).
 */
public enum DnsVerdict {
    ACTIVE, GONE, UNKNOWN;

    public static DnsVerdict decide(DnsAnswer domain, DnsAnswer appHost, String appHostName, List<String> platformDomains) {
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
