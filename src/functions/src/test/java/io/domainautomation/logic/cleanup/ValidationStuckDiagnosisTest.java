package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.CleanupWorld;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.testsupport.Diagnoses;
import io.domainautomation.testsupport.EventSchemas;

/**
 * {@code Domain Validation Stuck} says what keeps the certificate from coming, told from DNS as the scan found it
 * (cleanup's core on the in-memory ports and a scripted DNS, without Quarkus), and says so when DNS was not asked.
 * The domains are 3 days old: young (no stale rule looks at their DNS), and awaited longer than the 24 h allowed.
 */
class ValidationStuckDiagnosisTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";

    private CleanupWorld world;

    @BeforeEach
    void setUp() {
        world = new CleanupWorld();
        world.scalingo.addApp("shop");
        world.dns.address(HOST, "185.0.0.10");
        world.scalingo.seedDomain("shop", "www.acme.example",
                OffsetDateTime.ofInstant(world.clock.instant().minus(Duration.ofDays(3)), ZoneOffset.UTC));
    }

    /** One scan invocation with this deadline: its only Domain Validation Stuck's detail, checked against its schema. */
    private Map<String, Object> stuck(Deadline deadline) throws Exception {
        CleanupInvocation.Scanned scanned = (CleanupInvocation.Scanned) world.invocation.handle(new CleanupRequest.Start(false),
                deadline);
        List<DomainEvent> stuck = scanned.published().stream()
                .filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK)).toList();
        assertEquals(1, stuck.size(), scanned.published().toString());
        Map<String, Object> detail = stuck.get(0).detail();
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-validation-stuck.schema.json", detail),
                detail.toString());
        return detail;
    }

    @Test
    void aCnameToAnotherHostAndCaaForbiddingLetsEncryptAreBothSaid() throws Exception {
        Diagnoses.misconfigure(world.dns);

        assertEquals(Diagnoses.MISCONFIGURED, Diagnoses.of(stuck(world.invocationDeadline())));
    }

    @Test
    void aDomainPointedAtItsAppHasAnEmptyDiagnosis() throws Exception {
        world.dns.cname("www.acme.example", HOST);

        assertEquals(List.of(), Diagnoses.of(stuck(world.invocationDeadline())));
    }

    @Test
    void aResolverThatGivesNoAnswerIsSaidAsSuch() throws Exception {
        world.dns.failing("www.acme.example", true);

        Map<String, Object> detail = stuck(world.invocationDeadline());

        assertEquals(List.of("resolver-failed"), Diagnoses.codes(detail));
        String message = (String) Diagnoses.of(detail).get(0).get("message");
        assertTrue(message.startsWith("the resolver gave no answer for www.acme.example"), message);
    }

    @Test
    void withTooLittleTimeLeftDnsIsNotAskedAndTheEventSaysSo() throws Exception {
        world.dns.caa("acme.example", List.of("digicert.com"), List.of());
        // 60 s: 20 kept to finish the step, 40 for the scan; the diagnosis needs 3 x 12 s, and 12 more for the look after it
        Map<String, Object> detail = stuck(world.clock.deadlineIn(Duration.ofSeconds(60)));

        assertEquals(Diagnoses.NOT_ASKED_IN_TIME, Diagnoses.of(detail));
        assertEquals(0, world.dns.lookups(), "no lookup started");
    }

    @Test
    void theAppHostsAnswerIsSharedWithTheAppsOtherDomains() throws Exception {
        world.scalingo.seedDomain("shop", "api.acme.example",
                OffsetDateTime.ofInstant(world.clock.instant().minus(Duration.ofDays(3)), ZoneOffset.UTC));
        world.dns.cname("www.acme.example", HOST).cname("api.acme.example", HOST);

        CleanupInvocation.Scanned scanned = (CleanupInvocation.Scanned) world.invocation.handle(new CleanupRequest.Start(false),
                world.invocationDeadline());

        assertEquals(2, scanned.published().stream().filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK)).count());
        assertEquals(5, world.dns.lookups(), "each domain and its CAA climb, and the app host once");
    }

    /**
     * A stuck certificate is said once per status: a domain after the first whose diagnosis no longer fits is handed to
     * the next invocation, announced there with its diagnosis, not now without one (review of 2026-12-07).
     */
    @Test
    void aLaterDomainWhoseDiagnosisNoLongerFitsIsHandedOnNotAnnouncedWithoutIt() throws Exception {
        world.scalingo.seedDomain("shop", "zz.acme.example",
                OffsetDateTime.ofInstant(world.clock.instant().minus(Duration.ofDays(3)), ZoneOffset.UTC));
        world.dns.cname("www.acme.example", HOST).cname("zz.acme.example", HOST);
        // 80 s: 20 kept to finish the step, 60 for the scan. www's diagnosis and look start with 48 s (3 + 1 lookups
        // of 12 s at their longest) left; its lookups time out (6 s a query here: 30 s in all), so zz's 36 s (the app
        // host known by then: 2 + 1 lookups) no longer fit after it
        world.dns.onTimeout(() -> world.clock.advance(Duration.ofSeconds(6)));
        world.dns.failing("www.acme.example", true);

        CleanupInvocation.Scanned first = (CleanupInvocation.Scanned) world.invocation.handle(new CleanupRequest.Start(false),
                world.clock.deadlineIn(Duration.ofSeconds(80)));

        List<String> stuck = first.published().stream().filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK))
                .map(e -> (String) e.detail().get("domain")).toList();
        assertEquals(List.of("www.acme.example"), stuck, "zz is left to the next invocation");
        world.dns.failing("www.acme.example", false);
        List<Map<String, Object>> later = new java.util.ArrayList<>();
        for (int i = 0; i < 3 && later.isEmpty(); i++) {
            CleanupInvocation.Scanned next = (CleanupInvocation.Scanned) world.invocation.handle(
                    new CleanupRequest.Resume(first.state().scanId(), first.state().step(), false), world.invocationDeadline());
            next.published().stream().filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK))
                    .forEach(e -> later.add(e.detail()));
        }
        assertEquals(1, later.size());
        assertEquals("zz.acme.example", later.get(0).get("domain"));
        assertEquals(List.of(), Diagnoses.of(later.get(0)), "announced with its diagnosis: it points at its app");
    }
}
