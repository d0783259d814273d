package io.domainautomation.logic.cleanup;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.status.DnsCheck;

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

    /** No time is left in the invocation for the lookups a look needs: the domain is looked at by the next one. */
    public static final class OutOfTime extends RuntimeException {
        private final boolean beforeAnyDomain;

        OutOfTime(String message) {
            this(message, true);
        }

        private OutOfTime(String message, boolean beforeAnyDomain) {
            super(message, null, false, false);
            this.beforeAnyDomain = beforeAnyDomain;
        }

        /** The invocation could not look at one domain of the app: no progress at all. */
        public boolean beforeAnyDomain() {
            return beforeAnyDomain;
        }

        /** Thrown between two domains of an app: the ones before were looked at. */
        static OutOfTime partWay(String message) {
            return new OutOfTime(message, false);
        }
    }

    private final DnsResolver dns;
    private final CleanupConfig config;
    private final Ticker ticker;
    private final DnsCheck check;

    public DomainLook(DnsResolver dns, CleanupConfig config, Ticker ticker) {
        this.dns = dns;
        this.config = config;
        this.ticker = ticker;
        this.check = new DnsCheck(dns, ticker);
    }

    /**
     * @param appAnswers the app host's answer, filled on first need and shared by the app's domains
     * @throws OutOfTime when the lookups could run past the invocation's deadline (none is started then)
     */
    public Look look(Domain domain, String appHost, Map<String, DnsAnswer> appAnswers, Instant now, Deadline deadline) {
        boolean canonical = domain.isCanonical();
        boolean isProtected = StaleRules.isProtected(domain.name(), config.protectedPatterns().orElse(List.of()));
        boolean young = StaleRules.withinGracePeriod(domain, now, config.gracePeriod());
        Map<String, Object> evidence = new LinkedHashMap<>();
        DnsVerdict dnsVerdict = DnsVerdict.UNKNOWN;
        if (!canonical && !isProtected && !young) {
            if (!timeFor(appHost, appAnswers, deadline)) {
                throw new OutOfTime("no time left before the invocation's deadline to resolve " + domain.name());
            }
            DnsAnswer answer = dns.resolve(domain.name());
            DnsAnswer appAnswer = appHost.isEmpty() ? new DnsAnswer(List.of(), Set.of(), true)
                    : appAnswers.computeIfAbsent(appHost, dns::resolve);
            dnsVerdict = DnsVerdict.decide(answer, appAnswer, appHost, Hostname.PLATFORM_DOMAINS);
            evidence.put("dns", appHost.isEmpty() ? "unknown: the app has no base_url" : dnsVerdict.label());
            evidence.put("cnameChain", answer.cnameChain());
            if (!answer.danglingTargets().isEmpty()) {
                evidence.put("danglingCname", answer.danglingTargets());
            }
            evidence.put("addresses", answer.addresses().stream().map(InetAddress::getHostAddress).sorted().toList());
            evidence.put("letsencryptStatus", domain.letsencryptStatus());
            evidence.put("validity", domain.validity() == null ? null : domain.validity().toString());
            evidence.put("customCertificate", domain.hasCustomCertificate());
        }
        DomainVerdict verdict = DomainVerdict.decide(canonical, isProtected, young, StaleRules.neverValidated(domain),
                dnsVerdict, TrafficEvidence.of(domain, now));
        return new Look(verdict, evidence);
    }

    /**
     * What keeps a domain's certificate from coming, told from its DNS as {@code Domain Validation Stuck} carries it
     * ({@link DnsCheck}): the app host's answer shared with the app's looks, the lookups started only when they and
     * the domain's own look after them still fit before the deadline; otherwise it says DNS was not asked, and why.
     *
     * @param appHost the app's host, never empty (an app without {@code base_url}: the host its DNS instructions name)
     */
    public List<Map<String, Object>> diagnosis(Domain domain, String appHost, Map<String, DnsAnswer> appAnswers,
            Deadline deadline) {
        return check.diagnosis(domain, appHost, appAnswers, deadline.less(dns.worstCase()));
    }

    /** Whether a stuck certificate's diagnosis ({@link #diagnosis}) and the look after it fit before the deadline. */
    public boolean timeForDiagnosis(String appHost, Map<String, DnsAnswer> appAnswers, Deadline deadline) {
        return check.timeFor(appHost, appAnswers, deadline.less(dns.worstCase()));
    }

    /** Whether the lookups of one more look (the domain's, and the app host's if not resolved yet) fit before the deadline. */
    public boolean timeFor(String appHost, Map<String, DnsAnswer> appAnswers, Deadline deadline) {
        int lookups = appHost.isEmpty() || appAnswers.containsKey(appHost) ? 1 : 2;
        return ticker.nanoTime() + dns.worstCase().toNanos() * lookups <= deadline.nanoTime();
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
