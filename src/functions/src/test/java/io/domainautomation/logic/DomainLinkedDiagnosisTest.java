package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.testsupport.Diagnoses;
import io.domainautomation.testsupport.EventSchemas;
import io.domainautomation.testsupport.TestCertificates;

/**
 * {@code Domain Linked} says what keeps the new link from working, told from DNS just after the link (link-on-signup's
 * core on the in-memory ports and a scripted DNS, without Quarkus), and says so when DNS was not asked: its lookups
 * (3 x 12 s at their longest) start only with the time for them and for the event's publication (8 s) left.
 */
class DomainLinkedDiagnosisTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";
    private static final String BODY = "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}";

    private SignupWorld world;
    private boolean eventBridgeDown;

    @BeforeEach
    void setUp() {
        world = new SignupWorld(Instant.parse("2026-04-01T09:00:00Z"));
        world.scalingo.addApp("shop");
        world.events.rejecting(event -> eventBridgeDown);
        world.dns.address(HOST, "185.0.0.10");
        Diagnoses.misconfigure(world.dns);
    }

    /** The last event published, of this type, its detail checked against the schema both link events share. */
    private Map<String, Object> last(String detailType) {
        List<DomainEvent> published = world.events.published();
        DomainEvent event = published.get(published.size() - 1);
        assertEquals(detailType, event.detailType(), published.toString());
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-linked.schema.json", event.detail()),
                event.detail().toString());
        return event.detail();
    }

    @Test
    void aLinkedDomainCarriesWhatKeepsItFromReachingItsAppAndFromItsCertificate() {
        assertEquals(SignupLinking.Kind.LINKED, world.deliver("m1", BODY, world.batchDeadline()).kind());

        assertEquals(Diagnoses.MISCONFIGURED, Diagnoses.of(last(LinkEvents.DOMAIN_LINKED)));
    }

    @Test
    void aDomainAlreadyPointedAtItsAppHasAnEmptyDiagnosis() {
        world.dns.remove("www.acme.example").cname("www.acme.example", HOST);
        world.dns.caa("acme.example", List.of("letsencrypt.org"), List.of());

        world.deliver("m1", BODY, world.batchDeadline());

        assertEquals(List.of(), Diagnoses.of(last(LinkEvents.DOMAIN_LINKED)));
    }

    @Test
    void withTooLittleTimeLeftTheLinkIsAnnouncedSayingDnsWasNotAsked() {
        // 40 s: enough for the link and the ledger's calls, not for 3 x 12 s of DNS and 8 s to publish after them
        Deadline deadline = world.clock.deadlineIn(Duration.ofSeconds(40));

        assertEquals(SignupLinking.Kind.LINKED, world.deliver("m1", BODY, deadline).kind());

        assertEquals(Diagnoses.NOT_ASKED_IN_TIME, Diagnoses.of(last(LinkEvents.DOMAIN_LINKED)));
        assertEquals(0, world.dns.lookups(), "no lookup started");
    }

    @Test
    void aResolverThatGivesNoAnswerIsSaidAsSuch() {
        world.dns.failing("www.acme.example", true);

        world.deliver("m1", BODY, world.batchDeadline());

        Map<String, Object> detail = last(LinkEvents.DOMAIN_LINKED);
        assertEquals(List.of("resolver-failed"), Diagnoses.codes(detail));
        String message = (String) Diagnoses.of(detail).get(0).get("message");
        assertTrue(message.startsWith("the resolver gave no answer for www.acme.example"), message);
    }

    @Test
    void aDomainAlreadyLinkedIsAnnouncedWithoutDiagnosisAndWithoutAskingDns() {
        world.scalingo.seedDomain("shop", "www.acme.example", OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC));

        assertEquals(SignupLinking.Kind.ALREADY_LINKED, world.deliver("m1", BODY, world.batchDeadline()).kind());

        assertFalse(last(LinkEvents.DOMAIN_ALREADY_LINKED).containsKey("diagnosis"));
        assertEquals(0, world.dns.lookups());
    }

    /**
     * A link announced by the next delivery of its message, its secret gone meanwhile (the announcement made before
     * the rejection): the same diagnosis, without CAA, which does not concern a domain with its own certificate.
     */
    @Test
    void aLinkAnnouncedByALaterDeliveryCarriesTheDiagnosisToo() {
        var issued = TestCertificates.selfSigned(TestCertificates.ec("secp256r1"), "CN=www.acme.example",
                List.of("www.acme.example"), world.clock.instant().minus(Duration.ofDays(1)), Duration.ofDays(90));
        world.secrets.put("certs/www", issued.certificatePem(), issued.privateKeyPem(), Map.of("scalingo:app", "shop"));
        String body = "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"tlsSecretId\":\"certs/www\"}";
        eventBridgeDown = true;
        assertEquals(SignupLinking.Kind.RETRY, world.deliver("m1", body, world.batchDeadline()).kind());
        world.secrets.delete("certs/www");
        eventBridgeDown = false;

        assertEquals(SignupLinking.Kind.REJECTED, world.deliver("m1", body, world.batchDeadline()).kind());

        DomainEvent linked = world.events.published().stream()
                .filter(e -> e.detailType().equals(LinkEvents.DOMAIN_LINKED)).findFirst().orElseThrow();
        assertEquals(List.of("cname-elsewhere"), Diagnoses.codes(linked.detail()));
    }
}
