package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import io.domainautomation.dns.DnsAnswer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.domainautomation.scalingo.Domain;

/** Each decision of the cleanup on its own: rules, DNS verdict, per-domain verdict, caps. */
class CleanupRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration GRACE = Duration.ofDays(14);

    private static Domain domain(String status, boolean ssl, Instant created) {
        return new Domain("id", "app", "d.example", created == null ? null : OffsetDateTime.ofInstant(created, ZoneOffset.UTC),
                null, null, ssl, null, null, false, true, false, status, null, null, null, null);
    }

    @ParameterizedTest(name = "{0}, ssl={1}, {2} days old -> {3}")
    @CsvSource({ "pending_dns,false,15,true", "dns_required,false,30,true", "error,false,15,true",
            "created,false,30,false", "new,false,30,false", "pending_dns,true,30,false", "some_future_state,false,30,false" })
    void neverValidated(String status, boolean ssl, int daysOld, boolean stale) {
        assertEquals(stale, StaleRules.neverValidated(domain(status, ssl, NOW.minus(Duration.ofDays(daysOld))), NOW, GRACE));
    }

    @Test
    void theGracePeriodEdge() {
        assertFalse(StaleRules.neverValidated(domain("pending_dns", false, NOW.minus(GRACE)), NOW, GRACE), "exactly the grace: kept");
        assertTrue(StaleRules.neverValidated(domain("pending_dns", false, NOW.minus(GRACE).minusSeconds(1)), NOW, GRACE));
        assertFalse(StaleRules.neverValidated(domain("pending_dns", false, null), NOW, GRACE), "no creation date: kept");
    }

    @Test
    void protectedPatternsAndScope() {
        List<String> patterns = List.of("*.internal.example", "www.*", "exact.example");
        assertTrue(StaleRules.isProtected("a.internal.example", patterns));
        assertTrue(StaleRules.isProtected("a.b.INTERNAL.example", patterns));
        assertTrue(StaleRules.isProtected("www.anything.example", patterns));
        assertTrue(StaleRules.isProtected("exact.example", patterns));
        assertFalse(StaleRules.isProtected("internal.example", patterns));
        assertFalse(StaleRules.isProtected("exact.example.org", patterns));
        assertTrue(StaleRules.inScope("shop", List.of(), null));
        assertTrue(StaleRules.inScope("shop", List.of("shop", "blog"), null));
        assertFalse(StaleRules.inScope("other", List.of("shop"), null));
        assertTrue(StaleRules.inScope("cust-1", List.of(), "cust-"));
        assertFalse(StaleRules.inScope("shop", List.of(), "cust-"));
    }

    @Test
    void dnsVerdicts() throws Exception {
        InetAddress platform = InetAddress.getByName("10.0.0.1");
        InetAddress elsewhere = InetAddress.getByName("192.0.2.7");
        DnsAnswer app = new DnsAnswer(List.of("my-app.osc-fr1.scalingo.io"), Set.of(platform), false);
        List<String> platforms = List.of("scalingo.io");
        String host = "my-app.osc-fr1.scalingo.io";
        assertEquals(DnsVerdict.ACTIVE, DnsVerdict.decide(new DnsAnswer(List.of("d.example", host), Set.of(platform), false), app, host, platforms));
        assertEquals(DnsVerdict.ACTIVE, DnsVerdict.decide(new DnsAnswer(List.of("d.example", "other-app.osc-fr1.scalingo.io"), Set.of(), false), app, host, platforms),
                "a CNAME into the platform is active even for another app: unlinking would leave it claimable");
        assertEquals(DnsVerdict.ACTIVE, DnsVerdict.decide(new DnsAnswer(List.of("d.example"), Set.of(platform), false), app, host, platforms));
        assertEquals(DnsVerdict.GONE, DnsVerdict.decide(new DnsAnswer(List.of(), Set.of(), false), app, host, platforms));
        assertEquals(DnsVerdict.GONE, DnsVerdict.decide(new DnsAnswer(List.of("d.example"), Set.of(elsewhere), false), app, host, platforms));
        assertEquals(DnsVerdict.UNKNOWN, DnsVerdict.decide(new DnsAnswer(List.of(), Set.of(), true), app, host, platforms));
        assertEquals(DnsVerdict.UNKNOWN, DnsVerdict.decide(new DnsAnswer(List.of("d.example"), Set.of(elsewhere), false),
                new DnsAnswer(List.of(), Set.of(), true), host, platforms), "without the app's addresses, no verdict");
    }

    @Test
    void domainVerdicts() {
        assertEquals("canonical", DomainVerdict.decide(true, false, true, DnsVerdict.GONE).keptBecause());
        assertEquals("protected", DomainVerdict.decide(false, true, true, DnsVerdict.GONE).keptBecause());
        DomainVerdict both = DomainVerdict.decide(false, false, true, DnsVerdict.GONE);
        assertTrue(both.removable());
        assertEquals(List.of("never-validated", "dns-gone"), both.rules());
        DomainVerdict active = DomainVerdict.decide(false, false, true, DnsVerdict.ACTIVE);
        assertFalse(active.removable());
        assertEquals("stale-but-dns-active", active.keptBecause());
        assertEquals("dns-unknown", DomainVerdict.decide(false, false, true, DnsVerdict.UNKNOWN).keptBecause());
        DomainVerdict healthy = DomainVerdict.decide(false, false, false, DnsVerdict.ACTIVE);
        assertFalse(healthy.stale());
        assertNull(healthy.keptBecause());
        assertTrue(DomainVerdict.decide(false, false, false, DnsVerdict.GONE).removable(), "DNS gone alone is stale");
    }

    @Test
    void caps() {
        ScanState.Planned a1 = new ScanState.Planned("a", "a.osc-fr1.scalingo.io", "1", "a1.example", List.of("dns-gone"));
        ScanState.Planned a2 = new ScanState.Planned("a", "a.osc-fr1.scalingo.io", "2", "a2.example", List.of("dns-gone"));
        ScanState.Planned a3 = new ScanState.Planned("a", "a.osc-fr1.scalingo.io", "3", "a3.example", List.of("dns-gone"));
        ScanState.Planned b1 = new ScanState.Planned("b", "b.osc-fr1.scalingo.io", "4", "b1.example", List.of("dns-gone"));
        RemovalCaps.Split within = RemovalCaps.apply(List.of(a1, a2, b1), 3, 10, 2);
        assertEquals(List.of(a1, a2, b1), within.allowed());
        RemovalCaps.Split perApp = RemovalCaps.apply(List.of(a1, a2, a3, b1), 4, 10, 2);
        assertEquals(List.of(b1), perApp.allowed());
        assertEquals(List.of(a1, a2, a3), perApp.capped());
        RemovalCaps.Split perRun = RemovalCaps.apply(List.of(a1, b1), 11, 10, 2);
        assertEquals(List.of(), perRun.allowed(), "above the run cap nothing at all");
        assertTrue(perRun.reason().contains("above the run cap of 10"));
    }
}
