package io.domainautomation.logic.cleanup;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;

/**
 * One look at a domain, at scan time and again just before its removal: the verdict ({@link DomainVerdict}) and the
 * evidence it rests on (what the ledger and a tombstone keep). The app host's DNS is resolved once per app, and only
 * when a domain needs it (canonical, protected and young domains need no DNS).
 */
@ApplicationScoped
public class DomainLook {

    /** The verdict, and the evidence it rests on. */
    public record Look(DomainVerdict verdict, Map<String, Object> evidence) {
    }

    private final DnsResolver dns;
    private final CleanupConfig config;

    public DomainLook(DnsResolver dns, CleanupConfig config) {
        this.dns = dns;
        this.config = config;
    }

    /** @param appAnswers the app host's answer, filled on first need and shared by the app's domains */
    public Look look(Domain domain, String appHost, Map<String, DnsAnswer> appAnswers, Instant now) {
        boolean canonical = domain.isCanonical();
        boolean isProtected = StaleRules.isProtected(domain.name(), config.protectedPatterns().orElse(List.of()));
        boolean young = StaleRules.withinGracePeriod(domain, now, config.gracePeriod());
        Map<String, Object> evidence = new LinkedHashMap<>();
        DnsVerdict dnsVerdict = DnsVerdict.UNKNOWN;
        if (!canonical && !isProtected && !young) {
            DnsAnswer answer = dns.resolve(domain.name());
            DnsAnswer appAnswer = appHost.isEmpty() ? new DnsAnswer(List.of(), Set.of(), true)
                    : appAnswers.computeIfAbsent(appHost, dns::resolve);
            dnsVerdict = DnsVerdict.decide(answer, appAnswer, appHost, Hostname.PLATFORM_DOMAINS);
            evidence.put("dns", appHost.isEmpty() ? "unknown: the app has no base_url" : dnsVerdict.label());
            evidence.put("cnameChain", answer.cnameChain());
            evidence.put("addresses", answer.addresses().stream().map(InetAddress::getHostAddress).sorted().toList());
            evidence.put("letsencryptStatus", domain.letsencryptStatus());
            evidence.put("validity", domain.validity() == null ? null : domain.validity().toString());
            evidence.put("customCertificate", domain.hasCustomCertificate());
        }
        DomainVerdict verdict = DomainVerdict.decide(canonical, isProtected, young, StaleRules.neverValidated(domain),
                dnsVerdict, TrafficEvidence.of(domain, now));
        return new Look(verdict, evidence);
    }

    /** The host of an app's {@code base_url}; empty when it has none. */
    public static String hostOf(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return "";
        }
        String host = baseUrl.replaceFirst("^[a-z]+://", "");
        int slash = host.indexOf('/');
        return slash < 0 ? host : host.substring(0, slash);
    }
}
