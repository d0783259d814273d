package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.ScalingoException;

/** link-on-signup's core for one message on the in-memory platform: one identity per app, each link announced once. */
class SignupLinkingTest {

    private SignupWorld world;
    private String shopId;
    private boolean eventBridgeDown;

    @BeforeEach
    void setUp() {
        world = new SignupWorld(Instant.parse("2026-04-01T09:00:00Z"));
        shopId = world.scalingo.addApp("shop").id();
        world.events.rejecting(event -> eventBridgeDown);
    }

    private SignupLinking.Outcome deliver(String messageId, String body) {
        return world.deliver(messageId, body, world.batchDeadline());
    }

    private DomainEvent lastEvent() {
        List<DomainEvent> published = world.events.published();
        return published.get(published.size() - 1);
    }

    @Test
    void aMessageDeliveredAgainAfterItsEventFailedAnnouncesItsLinkAsLinkedUnderTheSameId() {
        eventBridgeDown = true;
        SignupLinking.Outcome first = deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.RETRY, first.kind());
        assertEquals(true, first.eventUnpublished());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"), "the link was made");

        eventBridgeDown = false;
        SignupLinking.Outcome again = deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.LINKED, again.kind());
        assertEquals(LinkEvents.DOMAIN_LINKED, lastEvent().detailType());
        assertEquals(1, world.scalingo.calls("linkDomain"));
    }

    /**
     * A message links with its certificate, its event refused; its secret is deleted before it comes back: the link is
     * announced as linked, then the message is rejected for its certificate (review of 2026-12-07).
     */
    @Test
    void aLinkWhoseSecretWentBeforeItsEventIsStillAnnouncedThenTheMessageRejected() {
        var issued = io.domainautomation.testsupport.TestCertificates.selfSigned(
                io.domainautomation.testsupport.TestCertificates.ec("secp256r1"), "CN=www.acme.example",
                List.of("www.acme.example"), world.clock.instant().minus(java.time.Duration.ofDays(1)), java.time.Duration.ofDays(90));
        world.secrets.put("certs/www", issued.certificatePem(), issued.privateKeyPem(), java.util.Map.of("scalingo:app", "shop"));
        String body = "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"tlsSecretId\":\"certs/www\"}";
        eventBridgeDown = true;
        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", body).kind());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"), "linked, with its certificate");
        world.secrets.delete("certs/www");

        eventBridgeDown = false;
        SignupLinking.Outcome again = deliver("m1", body);

        assertEquals(SignupLinking.Kind.REJECTED, again.kind(), again.reason());
        List<String> types = world.events.published().stream().map(DomainEvent::detailType).toList();
        assertEquals(List.of(LinkEvents.DOMAIN_LINKED, LinkEvents.DOMAIN_REJECTED), types, "announced, then rejected");
        assertEquals(1, world.scalingo.calls("linkDomain"));
    }

    @Test
    void theOnboardingSystemSendingTheSameRequestTwiceLinksOnceAndAnnouncesTheLinkUnderOneId() {
        deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        SignupLinking.Outcome second = deliver("m2", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.LINKED, second.kind(), "the same request: the same announcement");
        assertEquals(1, world.events.published().stream().map(DomainEvent::eventId).distinct().count());
        SignupLinking.Outcome other = deliver("m3",
                "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"signup-2\"}");
        assertEquals(SignupLinking.Kind.ALREADY_LINKED, other.kind(), "another request for the same name");
        assertEquals(1, world.scalingo.calls("linkDomain"));
    }

    @Test
    void aLinkMadeByHandAfterThisRequestsAttemptEndedIsNotAnnouncedAsItsLink() {
        // m1's attempt is recorded, then its POST fails before it is applied; a day later someone links the name by hand
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.linkDomain")) {
                    throw ScalingoException.reply(503, "service unavailable");
                }
            }
        });
        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}").kind());
        world.scalingo.faults(Faults.NONE);
        world.clock.advance(java.time.Duration.ofDays(1));
        world.scalingo.seedDomain("shop", "www.acme.example", java.time.OffsetDateTime.ofInstant(world.clock.instant(),
                java.time.ZoneOffset.UTC));
        assertEquals(SignupLinking.Kind.ALREADY_LINKED, deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}").kind());
    }

    @Test
    void aLinkMadeByAnotherMessageAfterThisOnesAttemptFailedIsAnnouncedByOneOfThemOnly() {
        // m1's POST fails before it is applied; m2 links; m1 comes back: it attempted, but m2 claimed the link
        world.scalingo.faults(new Faults() {
            private boolean failed;

            @Override
            public void before(String call) {
                if (call.equals("scalingo.linkDomain") && !failed) {
                    failed = true;
                    throw ScalingoException.reply(503, "service unavailable");
                }
            }
        });
        String first = "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"signup-1\"}";
        String second = "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"signup-2\"}";
        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", first).kind());
        assertEquals(SignupLinking.Kind.LINKED, deliver("m2", second).kind());
        assertEquals(SignupLinking.Kind.ALREADY_LINKED, deliver("m1", first).kind());
        assertEquals(1, world.events.detailTypes().stream().filter(LinkEvents.DOMAIN_LINKED::equals).count());
    }

    @Test
    void anAppNamedByItsIdIsLinkedAnnouncedAndPointedAtByItsName() {
        SignupLinking.Outcome outcome = deliver("m1", "{\"app\":\"" + shopId + "\",\"domain\":\"www.acme.example\"}");
        deliver("m2", "{\"app\":\"" + shopId + "\",\"domain\":\"api.acme.example\"}");
        assertEquals(SignupLinking.Kind.LINKED, outcome.kind());
        Map<String, Object> detail = world.events.published().get(0).detail();
        assertEquals("shop", detail.get("app"));
        assertEquals(true, String.valueOf(detail.get("dns")).contains("shop.osc-fr1.scalingo.io"), String.valueOf(detail.get("dns")));
        assertEquals(false, String.valueOf(detail.get("dns")).contains(shopId));
        assertEquals(1, world.scalingo.calls("getApp"), "the app is looked up once per container");
    }

    @Test
    void anUnknownAppIsRejectedWithItsNameAsAskedAndKeptInTheDeadLetterQueue() {
        SignupLinking.Outcome outcome = deliver("m1", "{\"app\":\"ghost\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.REJECTED, outcome.kind());
        assertEquals(true, outcome.reason().startsWith("unknown app ghost"), outcome.reason());
        assertEquals("app", world.deadLetters.kept().get(0).field());
        assertEquals(LinkEvents.DOMAIN_REJECTED, lastEvent().detailType());
    }

    @Test
    void aLedgerThatCannotRecordTheAttemptSendsTheMessageBackBeforeAnyLink() {
        world.links.faults(new Faults() {
            @Override
            public void before(String call) {
                throw new LedgerUnavailable("ledger: " + call + ": ThrottlingException", true, null);
            }
        });
        SignupLinking.Outcome outcome = deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.RETRY, outcome.kind());
        assertEquals(false, outcome.configuration());
        assertEquals(0, world.scalingo.calls("linkDomain"));
    }

    @Test
    void aMessageRedrivenFromTheDeadLetterQueueIsTheSameRequestUnderANewId() {
        eventBridgeDown = true;
        String body = "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}";
        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", body).kind());
        eventBridgeDown = false;
        SignupLinking.Outcome redriven = deliver("m1-redriven", body); // SQS gives a redriven message a new id
        assertEquals(SignupLinking.Kind.LINKED, redriven.kind());
        assertEquals(List.of(LinkEvents.DOMAIN_LINKED), world.events.detailTypes());
    }

    @Test
    void anAppRenamedSinceThisContainerLookedItUpIsLookedUpAgainNotRejected() {
        deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        world.scalingo.faults(new Faults() {
            private boolean once;

            @Override
            public void before(String call) {
                if (call.equals("scalingo.listDomains") && !once) {
                    once = true; // the cached identity is stale once: as after a delete and a new app under the name
                    throw ScalingoException.reply(404, List.of("not found"), Map.of(), "app", null);
                }
            }
        });
        SignupLinking.Outcome outcome = deliver("m2", "{\"app\":\"shop\",\"domain\":\"api.acme.example\"}");
        assertEquals(SignupLinking.Kind.RETRY, outcome.kind());
        assertEquals(List.of(), world.deadLetters.kept());
        assertEquals(SignupLinking.Kind.LINKED, deliver("m2", "{\"app\":\"shop\",\"domain\":\"api.acme.example\"}").kind());
        assertEquals(2, world.scalingo.calls("getApp"), "looked up again");
    }

    @Test
    void tooLittleTimeToRecordTheAttemptLinksNothingAndSendsTheMessageBack() {
        SignupLinking.Outcome outcome = world.deliver("m1", "{\"app\":\"shop\",\"domain\":\"www.acme.example\"}",
                world.clock.deadlineIn(java.time.Duration.ofSeconds(5)));
        assertEquals(SignupLinking.Kind.RETRY, outcome.kind());
        assertEquals(0, world.scalingo.calls("linkDomain"));
    }
}
