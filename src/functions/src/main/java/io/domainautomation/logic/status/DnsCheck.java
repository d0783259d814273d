package io.domainautomation.logic.status;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.status.DnsDiagnosis.Finding;

/**
 * A domain's DNS asked and diagnosed ({@link DnsDiagnosis}) in one step, the same for each of its readers:
 * domain-status's answer, cleanup-stale's {@code Domain Validation Stuck}, link-on-signup's {@code Domain Linked}.
 * Three lookups at most (the domain's, the app host's unless known already, the CAA climb), each bounded by the
 * resolver's worst case: none is started unless all of them still fit before the deadline. DNS not asked (too little
 * time, a resolver setting that cannot be used) is said, with why, never thrown and never left out: a failed lookup
 * is an answer already ({@link DnsResolver}), and is diagnosed as one.
 */
public final class DnsCheck {

    /**
     * What one check found: the answers and the findings, most blocking first. DNS not asked ({@code notChecked} says
     * why): no answers (null), and one {@code resolver-failed} finding saying that nothing could be checked, and why.
     */
    public record Result(Optional<String> notChecked, DnsAnswer answer, DnsAnswer platform, CaaAnswer caa,
            List<Finding> findings) {

        public Result {
            findings = List.copyOf(findings);
        }

        public boolean checked() {
            return notChecked.isEmpty();
        }

        /** The findings as the events and domain-status carry them: each a {@code code} and a {@code message}. */
        public List<Map<String, Object>> diagnosis() {
            return findings.stream().map(f -> {
                Map<String, Object> finding = new LinkedHashMap<>();
                finding.put("code", f.code());
                finding.put("message", f.message());
                return finding;
            }).toList();
        }
    }

    private final DnsResolver dns;
    private final Ticker ticker;

    public DnsCheck(DnsResolver dns, Ticker ticker) {
        this.dns = dns;
        this.ticker = ticker;
    }

    /** Whether the domain waits for (or renews) a Let's Encrypt certificate: only then do its CAA records matter. */
    public static boolean awaitsLetsencrypt(Domain domain) {
        return !Boolean.FALSE.equals(domain.letsencryptEnabled()) && !domain.hasCustomCertificate();
    }

    /** A linked domain's diagnosis, as its events carry it ({@link Result#diagnosis()}). */
    public List<Map<String, Object>> diagnosis(Domain domain, String appHost, Deadline deadline) {
        return diagnosis(domain, appHost, new HashMap<>(), deadline);
    }

    /** The same, the app host's answer taken from (or put in) {@code known}, as {@link #of} does. */
    public List<Map<String, Object>> diagnosis(Domain domain, String appHost, Map<String, DnsAnswer> known,
            Deadline deadline) {
        return of(domain.name(), appHost, awaitsLetsencrypt(domain), known, deadline).diagnosis();
    }

    /**
     * @param domain the domain as linked (ASCII; a wildcard's own name)
     * @param appHost the app's host on the platform ({@code <app>.<region>.scalingo.io})
     * @param letsencrypt whether the domain waits for a Let's Encrypt certificate ({@link #awaitsLetsencrypt})
     * @param known answers resolved before, by name: the app host's is taken from it when there, and put in it when
     *        resolved here (cleanup-stale shares one per app between the app's domains)
     * @param deadline when every lookup must have ended (a caller keeps what must follow the check out of it)
     */
    public Result of(String domain, String appHost, boolean letsencrypt, Map<String, DnsAnswer> known, Deadline deadline) {
        if (!timeFor(appHost, known, deadline)) {
            return notChecked(domain, "too little of the invocation's time was left to ask DNS");
        }
        try {
            DnsAnswer answer = dns.resolve(domain);
            DnsAnswer platform = known.computeIfAbsent(appHost, dns::resolve);
            CaaAnswer caa = dns.caa(domain);
            return new Result(Optional.empty(), answer, platform, caa,
                    DnsDiagnosis.diagnose(domain, answer, appHost, platform, caa, letsencrypt));
        } catch (IllegalStateException | IllegalArgumentException misconfigured) {
            // the resolver setting (DNS_RESOLVER) is not usable: said, not thrown, and without the setting itself (the
            // events go to customers)
            return notChecked(domain, "the DNS resolver is not usable as configured");
        } catch (RuntimeException unexpected) {
            // the diagnosis is advice: a lookup failing in a way nobody foresaw never keeps an event from going out
            return notChecked(domain, "the DNS lookup failed (" + unexpected.getClass().getSimpleName() + ")");
        }
    }

    /** Whether the check's lookups (the domain's, the app host's unless known, the CAA climb) fit before the deadline. */
    public boolean timeFor(String appHost, Map<String, DnsAnswer> known, Deadline deadline) {
        int lookups = known.containsKey(appHost) ? 2 : 3;
        return deadline.allows(dns.worstCase().multipliedBy(lookups), ticker);
    }

    private static Result notChecked(String domain, String reason) {
        return new Result(Optional.of(reason), null, null, null, List.of(new Finding(DnsDiagnosis.RESOLVER_FAILED,
                "DNS was not asked about " + domain + " (" + reason + "): nothing could be checked")));
    }
}
