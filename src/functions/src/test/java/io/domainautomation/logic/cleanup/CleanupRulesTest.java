package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.Domain;

/** Each decision of the cleanup on its own: rules, DNS verdict, per-domain verdict, caps. */
class CleanupRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration GRACE = Duration.ofDays(14);

    private static Domain domain(String status, boolean ssl, Instant created) {
        return domain(status, ssl, created, null, false);
    }

    private static Domain domain(String status, boolean ssl, Instant created, Instant validity, boolean letsencrypt) {
        return new Domain("id", "app", "d.example", created == null ? null : OffsetDateTime.ofInstant(created, ZoneOffset.UTC),
                null, null, ssl, null, validity == null ? null : OffsetDateTime.ofInstant(validity, ZoneOffset.UTC), false,
                true, letsencrypt, status, null, null, null, null);
    }

    @ParameterizedTest(name = "{0}, ssl={1} -> {2}")
    @CsvSource({ "pending_dns,false,true", "dns_required,false,true", "error,false,true", "created,false,false",
            "new,false,false", "pending_dns,true,false", "some_future_state,false,false" })
    void neverValidated(String status, boolean ssl, boolean stale) {
        assertEquals(stale, StaleRules.neverValidated(domain(status, ssl, NOW.minus(Duration.ofDays(30)))));
    }

    @Test
    void theGracePeriodEdge() {
        assertTrue(StaleRules.withinGracePeriod(domain("pending_dns", false, NOW.minus(GRACE)), NOW, GRACE), "exactly the grace: young");
        assertFalse(StaleRules.withinGracePeriod(domain("pending_dns", false, NOW.minus(GRACE).minusSeconds(1)), NOW, GRACE));
        assertTrue(StaleRules.withinGracePeriod(domain("pending_dns", false, null), NOW, GRACE), "no creation date: young");
    }

    @Test
    void trafficEvidence() {
        Instant future = NOW.plus(Duration.ofDays(40));
        Instant past = NOW.minus(Duration.ofDays(1));
        assertEquals(Optional.of(TrafficEvidence.LETSENCRYPT_VALID),
                TrafficEvidence.of(domain("created", false, NOW.minus(GRACE.multipliedBy(3)), future, true), NOW));
        assertEquals(Optional.of(TrafficEvidence.CUSTOM_CERTIFICATE_VALID),
                TrafficEvidence.of(domain(null, true, NOW.minus(GRACE.multipliedBy(3)), future, false), NOW));
        assertEquals(Optional.empty(), TrafficEvidence.of(domain("created", false, NOW.minus(GRACE.multipliedBy(3)), past, true), NOW),
                "an expired certificate shows nothing");
        assertEquals(Optional.empty(), TrafficEvidence.of(domain("pending_dns", false, NOW.minus(GRACE.multipliedBy(3))), NOW));
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
        assertEquals(DnsVerdict.NO_RECORDS, DnsVerdict.decide(new DnsAnswer(List.of(), Set.of(), false), app, host, platforms));
        assertEquals(DnsVerdict.ELSEWHERE, DnsVerdict.decide(new DnsAnswer(List.of("d.example"), Set.of(elsewhere), false), app, host, platforms));
        assertEquals(DnsVerdict.ELSEWHERE, DnsVerdict.decide(new DnsAnswer(List.of("d.example", "cdn.example.net"), Set.of(), false), app, host, platforms),
                "a CNAME elsewhere, even one that resolves to nothing, points elsewhere");
        assertEquals(DnsVerdict.UNKNOWN, DnsVerdict.decide(new DnsAnswer(List.of(), Set.of(), true), app, host, platforms));
        assertEquals(DnsVerdict.UNKNOWN, DnsVerdict.decide(new DnsAnswer(List.of("d.example"), Set.of(elsewhere), false),
                new DnsAnswer(List.of(), Set.of(), true), host, platforms), "without the app's addresses, no verdict");
        assertEquals(DnsVerdict.UNKNOWN, DnsVerdict.decide(new DnsAnswer(List.of(), Set.of(), false), app, "", platforms),
                "an app without base_url: no verdict, whatever the domain resolves to");
        assertTrue(DnsVerdict.NO_RECORDS.gone() && DnsVerdict.ELSEWHERE.gone());
        assertFalse(DnsVerdict.ACTIVE.gone() || DnsVerdict.UNKNOWN.gone());
    }

    @Test
    void domainVerdicts() {
        Optional<String> none = Optional.empty();
        assertEquals("canonical", DomainVerdict.decide(true, false, false, true, DnsVerdict.NO_RECORDS, none).keptBecause());
        assertEquals("protected", DomainVerdict.decide(false, true, false, true, DnsVerdict.NO_RECORDS, none).keptBecause());
        DomainVerdict young = DomainVerdict.decide(false, false, true, true, DnsVerdict.NO_RECORDS, none);
        assertFalse(young.stale(), "no rule applies within the grace period");
        assertEquals(DomainVerdict.Effect.HEALTHY, young.effect());
        DomainVerdict both = DomainVerdict.decide(false, false, false, true, DnsVerdict.NO_RECORDS, none);
        assertTrue(both.candidate());
        assertEquals(DomainVerdict.Effect.STALE, both.effect());
        assertEquals(List.of("never-validated", "dns-gone"), both.rules());
        DomainVerdict active = DomainVerdict.decide(false, false, false, true, DnsVerdict.ACTIVE, none);
        assertFalse(active.candidate());
        assertEquals("stale-but-dns-active", active.keptBecause());
        DomainVerdict unknown = DomainVerdict.decide(false, false, false, true, DnsVerdict.UNKNOWN, none);
        assertEquals("dns-unknown", unknown.keptBecause());
        assertEquals(DomainVerdict.Effect.UNDECIDED, unknown.effect(), "a resolver failure neither counts nor clears");
        DomainVerdict blind = DomainVerdict.decide(false, false, false, false, DnsVerdict.UNKNOWN, none);
        assertFalse(blind.stale());
        assertEquals(DomainVerdict.Effect.UNDECIDED, blind.effect(), "no rule seen, but DNS unknown: not proof of health either");
        DomainVerdict proxied = DomainVerdict.decide(false, false, false, false, DnsVerdict.ELSEWHERE, Optional.of(TrafficEvidence.LETSENCRYPT_VALID));
        assertEquals("traffic:" + TrafficEvidence.LETSENCRYPT_VALID, proxied.keptBecause());
        assertEquals(DomainVerdict.Effect.HEALTHY, proxied.effect());
        DomainVerdict healthy = DomainVerdict.decide(false, false, false, false, DnsVerdict.ACTIVE, none);
        assertFalse(healthy.stale());
        assertNull(healthy.keptBecause());
        assertTrue(DomainVerdict.decide(false, false, false, false, DnsVerdict.ELSEWHERE, none).candidate(), "DNS gone alone is stale");
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
