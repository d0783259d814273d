package io.domainautomation.logic.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.ManualClock;
import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.testsupport.Diagnoses;

/**
 * The one step that asks DNS and diagnoses (domain-status, Domain Validation Stuck, Domain Linked): its lookups start
 * only when they fit before the deadline, an app host's answer known already is not asked again, and DNS not asked is
 * said as a finding, never left out or thrown. The scripted resolver's worst case is 12 s a lookup.
 */
class DnsCheckTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";

    private ManualClock clock;
    private ScriptedDns dns;
    private DnsCheck check;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
        dns = new ScriptedDns().address(HOST, "185.0.0.10");
        check = new DnsCheck(dns, clock);
    }

    /** A check of {@code domain} for the app at {@code HOST}, with {@code left} before its deadline. */
    private DnsCheck.Result of(String domain, boolean letsencrypt, Map<String, DnsAnswer> known, Duration left) {
        return check.of(domain, HOST, letsencrypt, known, clock.deadlineIn(left));
    }

    private static List<String> codes(List<Map<String, Object>> diagnosis) {
        return diagnosis.stream().map(f -> (String) f.get("code")).toList();
    }

    @Test
    void itsThreeLookupsStartOnlyWhenAllOfThemFitBeforeTheDeadline() {
        dns.cname("www.acme.example", "elsewhere.example").address("elsewhere.example", "52.1.2.3");

        DnsCheck.Result late = of("www.acme.example", true, new HashMap<>(), Duration.ofSeconds(35));

        assertFalse(late.checked());
        assertEquals(0, dns.lookups(), "no lookup started with less than 3 x 12 s left");
        assertNull(late.answer());
        assertEquals(Diagnoses.NOT_ASKED_IN_TIME, late.diagnosis());

        DnsCheck.Result inTime = of("www.acme.example", true, new HashMap<>(), Duration.ofSeconds(36));

        assertTrue(inTime.checked());
        assertEquals(List.of("cname-elsewhere"), codes(inTime.diagnosis()));
        assertEquals(3, dns.lookups(), "the domain's, the app host's and the CAA climb");
    }

    @Test
    void anAppHostAnsweredBeforeIsTakenAsItIsAndOneResolvedHereIsKept() {
        dns.cname("www.acme.example", HOST);
        Map<String, DnsAnswer> known = new HashMap<>();

        of("www.acme.example", true, known, Duration.ofSeconds(36));
        assertEquals(Set.of(HOST), known.keySet(), "the app host's answer kept for the app's next domains");
        assertEquals(3, dns.lookups(), "the domain's, the app host's and the CAA climb");

        // two lookups left to make: 2 x 12 s are enough
        DnsCheck.Result again = of("api.acme.example", true, known, Duration.ofSeconds(24));
        assertTrue(again.checked());
        assertEquals(5, dns.lookups(), "the domain and its CAA climb, not the app host again");
        assertEquals(List.of("record-missing"), codes(again.diagnosis()));
    }

    @Test
    void theCaaRecordsMatterOnlyToADomainWaitingForLetsEncrypt() {
        dns.cname("www.acme.example", HOST).caa("acme.example", List.of("digicert.com"), List.of());

        DnsCheck.Result awaited = of("www.acme.example", true, new HashMap<>(), Duration.ofMinutes(1));
        DnsCheck.Result custom = of("www.acme.example", false, new HashMap<>(), Duration.ofMinutes(1));

        assertEquals(List.of("caa-forbids-letsencrypt"), codes(awaited.diagnosis()));
        assertEquals(List.of(), codes(custom.diagnosis()), "a custom certificate: CAA does not concern it");
    }

    @Test
    void aResolverSettingThatCannotBeUsedIsSaidNotThrown() {
        DnsResolver unusable = new DnsResolver() {
            @Override
            public DnsAnswer resolve(String hostname) {
                throw new IllegalStateException("dns.resolver (DNS_RESOLVER) is not a usable host: nowhere");
            }

            @Override
            public CaaAnswer caa(String hostname) {
                throw new IllegalStateException("not reached");
            }

            @Override
            public io.domainautomation.logic.port.TxtAnswer txt(String name) {
                throw new IllegalStateException("not reached");
            }

            @Override
            public Duration worstCase() {
                return Duration.ofSeconds(12);
            }
        };

        DnsCheck.Result result = new DnsCheck(unusable, clock).of("www.acme.example", HOST, true, new HashMap<>(),
                clock.deadlineIn(Duration.ofMinutes(1)));

        assertEquals(Optional.of("the DNS resolver is not usable as configured"), result.notChecked(),
                "said without the setting itself: the diagnosis goes to customers");
        assertEquals(List.of("resolver-failed"), codes(result.diagnosis()));
    }

    @Test
    void aLookupWithoutAnswerIsDiagnosedAsOne() throws Exception {
        dns.failing("www.acme.example", true);

        DnsCheck.Result result = of("www.acme.example", true, new HashMap<>(), Duration.ofMinutes(1));

        assertTrue(result.checked(), "asked: the answer is that there was none");
        assertEquals(new DnsAnswer(List.of(), Set.of(), true), result.answer());
        assertEquals(Set.of(InetAddress.getByName("185.0.0.10")), result.platform().addresses());
        assertEquals(List.of("resolver-failed"), codes(result.diagnosis()));
    }
}
