package io.domainautomation.logic.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.RecordingRechecks;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.SignupLinking.Kind;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;

/**
 * link-on-signup with OWNERSHIP_PROOF=txt, on the in-memory ports: a name is linked once the customer proved it theirs,
 * the request waits (as delayed re-checks, one at a time) until then, and ends after the window.
 */
class OwnershipProofTest {

    static final String BODY = "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"signup-1\"}";
    static final String TXT_NAME = "_domain-verification.www.acme.example";
    static final String HOST = "shop.osc-fr1.scalingo.io";

    private SignupWorld world;
    private String shopId;

    @BeforeEach
    void setUp() {
        world = new SignupWorld(Instant.parse("2026-05-01T07:00:00Z"), SignupWorld.Ports.MODELS, true, 7);
        shopId = world.scalingo.addApp("shop").id();
    }

    private SignupLinking.Outcome deliver(String messageId) {
        return world.deliver(messageId, world.clock.instant(), BODY, world.batchDeadline());
    }

    /** The re-check sent last, delivered after its delay. */
    private SignupLinking.Outcome deliverRecheck() {
        List<RecordingRechecks.Sent> sent = world.rechecks.take();
        RecordingRechecks.Sent last = sent.get(sent.size() - 1);
        world.clock.advance(last.delay());
        return world.recheck("re-" + last.recheckId(), last.recheckId(), world.clock.instant(), last.body(),
                world.batchDeadline());
    }

    private ProofRecord record() {
        return world.proofs.stored(shopId, "www.acme.example").orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> verification(DomainEvent required) {
        return (Map<String, Object>) required.detail().get("verification");
    }

    @Test
    void aNewNameWaitsForItsProofAndTheCustomerIsToldWhatToSet() {
        SignupLinking.Outcome first = deliver("m1");

        assertEquals(Kind.AWAITING_PROOF, first.kind(), first.reason());
        assertEquals(List.of(), world.scalingo.domainNames("shop"), "not linked before the proof");
        assertEquals(List.of(LinkEvents.VERIFICATION_REQUIRED), world.events.detailTypes());
        Map<String, Object> verification = verification(world.events.published().get(0));
        assertEquals("TXT", verification.get("type"));
        assertEquals(TXT_NAME, verification.get("name"));
        assertEquals("scalingo-domain-automation=" + record().token(), verification.get("value"));
        assertEquals("2026-05-08T07:00:00Z", verification.get("expiresAt"));
        assertEquals(32, record().token().length(), "128 random bits");
        List<RecordingRechecks.Sent> sent = world.rechecks.sent();
        assertEquals(1, sent.size());
        assertEquals(BODY, sent.get(0).body(), "the same request");
        assertEquals(Duration.ofMinutes(1), sent.get(0).delay());
        assertEquals(sent.get(0).recheckId(), record().recheck().orElseThrow(), "the re-check on record carries it on");
        assertEquals(0, world.deadLetters.kept().size());
    }

    @Test
    void theTxtRecordSetLinksTheNameAtTheNextRecheckAndIsOnRecord() {
        deliver("m1");
        world.dns.txt(TXT_NAME, "scalingo-domain-automation=" + record().token());

        SignupLinking.Outcome rechecked = deliverRecheck();

        assertEquals(Kind.LINKED, rechecked.kind(), rechecked.reason());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"));
        assertEquals(List.of(LinkEvents.VERIFICATION_REQUIRED, LinkEvents.DOMAIN_LINKED), world.events.detailTypes());
        assertEquals(ProofRecord.State.PROVEN, record().state());
        assertEquals(ProofRecord.BY_TXT, record().provenBy().orElseThrow());
        assertEquals(List.of(), world.rechecks.sent(), "no more re-checks");
    }

    @Test
    void waitingRechecksGrowLongerAndAreNotAnnouncedAgain() {
        deliver("m1");
        List<Duration> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            assertEquals(Kind.AWAITING_PROOF, deliverRecheck().kind());
            delays.add(world.rechecks.sent().get(0).delay());
        }
        assertEquals(List.of(LinkEvents.VERIFICATION_REQUIRED), world.events.detailTypes(), "said once per window");
        assertTrue(delays.get(7).compareTo(delays.get(0)) > 0, "backs off: " + delays);
        assertTrue(delays.stream().allMatch(d -> d.compareTo(Duration.ofMinutes(15)) <= 0), "within SQS's delay: " + delays);
    }

    @Test
    void aCnameToTheAppsOwnHostProvesTheNameAtOnce() {
        world.dns.cname("www.acme.example", HOST).address(HOST, "203.0.113.10");

        SignupLinking.Outcome first = deliver("m1");

        assertEquals(Kind.LINKED, first.kind(), first.reason());
        assertEquals(ProofRecord.BY_CNAME, record().provenBy().orElseThrow());
        assertEquals(List.of(LinkEvents.DOMAIN_LINKED), world.events.detailTypes(), "nothing to ask the customer");
    }

    @Test
    void anotherAppClaimingTheNameGetsItsOwnTokenAndTheOwnersRecordProvesNothingForIt() {
        String intruderId = world.scalingo.addApp("intruder").id();
        deliver("m1");
        world.dns.txt(TXT_NAME, "scalingo-domain-automation=" + record().token());

        SignupLinking.Outcome claim = world.deliver("m2", world.clock.instant(),
                "{\"app\":\"intruder\",\"domain\":\"www.acme.example\"}", world.batchDeadline());

        assertEquals(Kind.AWAITING_PROOF, claim.kind(), claim.reason());
        assertNotEquals(record().token(), world.proofs.stored(intruderId, "www.acme.example").orElseThrow().token());
        assertEquals(List.of(), world.scalingo.domainNames("intruder"));
    }

    @Test
    void sendingTheMessageAgainLooksAtOnceAndTheOlderRecheckIsDropped() {
        deliver("m1");
        RecordingRechecks.Sent older = world.rechecks.take().get(0);
        world.clock.advance(Duration.ofSeconds(20));

        assertEquals(Kind.AWAITING_PROOF, deliver("m2").kind(), "looked at: still nothing");
        String newer = record().recheck().orElseThrow();
        assertNotEquals(older.recheckId(), newer);

        SignupLinking.Outcome stale = world.recheck("re-old", older.recheckId(), world.clock.instant(), BODY,
                world.batchDeadline());
        assertEquals(Kind.DROPPED, stale.kind(), stale.reason());
        assertEquals(1, world.rechecks.sent().size(), "one chain: the dropped re-check sent none");
        assertEquals(newer, record().recheck().orElseThrow());
    }

    @Test
    void aRequestNotProvenInItsWindowIsRejectedAsOwnershipNotProvenAndSentAgainOpensANewWindowWithTheSameToken() {
        deliver("m1");
        String token = record().token();
        SignupLinking.Outcome last = null;
        for (int i = 0; i < 2000 && (last == null || last.kind() == Kind.AWAITING_PROOF); i++) {
            last = deliverRecheck();
        }
        assertEquals(Kind.REJECTED, last.kind(), last.reason());
        assertTrue(!world.clock.instant().isBefore(Instant.parse("2026-05-08T07:00:00Z")), "not before the window's end");
        assertTrue(world.clock.instant().isBefore(Instant.parse("2026-05-08T07:16:00Z")), "soon after it");
        DomainEvent rejected = world.events.published().get(world.events.published().size() - 1);
        assertEquals(LinkEvents.DOMAIN_REJECTED, rejected.detailType());
        assertEquals("ownership-not-proven", rejected.detail().get("code"));
        assertEquals("domain", rejected.detail().get("field"));
        assertTrue(((String) rejected.detail().get("reason")).startsWith("ownership-not-proven: "));
        assertEquals(1, world.deadLetters.kept().size(), "kept for a redrive");
        assertEquals(List.of(), world.rechecks.sent());

        world.clock.advance(Duration.ofDays(1));
        world.dns.txt(TXT_NAME, "scalingo-domain-automation=" + token);
        SignupLinking.Outcome again = deliver("m3");
        assertEquals(Kind.LINKED, again.kind(), "a new window, the same token, looked at at once: " + again.reason());
    }

    @Test
    void theResolverFailingAtTheWindowsEndDoesNotRejectTheRequestUntilADayLater() {
        deliver("m1");
        world.clock.advance(Duration.ofDays(7).plusMinutes(1));
        world.dns.failing(TXT_NAME, true).failing("www.acme.example", true);
        SignupLinking.Outcome rechecked = world.recheck("r", record().recheck().orElseThrow(), world.clock.instant(), BODY,
                world.batchDeadline());
        assertEquals(Kind.AWAITING_PROOF, rechecked.kind(), "not known is not 'not proven': " + rechecked.reason());
        assertEquals(Duration.ofMinutes(15), world.rechecks.sent().get(world.rechecks.sent().size() - 1).delay(),
                "looked at again as often as before, not every second");
        assertEquals(0, world.deadLetters.kept().size());

        SignupLinking.Outcome last = rechecked;
        for (int i = 0; i < 200 && last.kind() == Kind.AWAITING_PROOF; i++) {
            last = deliverRecheck();
        }
        assertEquals(Kind.REJECTED, last.kind(), last.reason());
        assertTrue(last.reason().contains("DNS did not answer"), last.reason());
        assertTrue(!world.clock.instant().isBefore(Instant.parse("2026-05-09T07:00:00Z")), "a day after the window");
    }

    @Test
    void aNameLinkedToTheAppAlreadyNeedsNoProof() {
        world.scalingo.seedDomain("shop", "www.acme.example", java.time.OffsetDateTime.ofInstant(world.clock.instant()
                .minus(Duration.ofDays(30)), java.time.ZoneOffset.UTC));
        SignupLinking.Outcome again = deliver("m1");
        assertEquals(Kind.ALREADY_LINKED, again.kind(), again.reason());
        assertEquals(List.of(), world.rechecks.sent());
        assertTrue(world.proofs.stored(shopId, "www.acme.example").isEmpty(), "nothing asked of the customer");
    }

    @Test
    void aProofOlderThanAWindowIsLookedAtAgainForANewRequest() {
        world.dns.cname("www.acme.example", HOST).address(HOST, "203.0.113.10");
        assertEquals(Kind.LINKED, deliver("m1").kind());
        world.scalingo.unlinkByHand("shop", "www.acme.example");
        world.dns.remove("www.acme.example"); // the name changed hands
        world.clock.advance(Duration.ofDays(30));

        SignupLinking.Outcome later = world.deliver("m2", world.clock.instant(),
                "{\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"signup-2\"}", world.batchDeadline());
        assertEquals(Kind.AWAITING_PROOF, later.kind(), "not linked on a month-old proof: " + later.reason());
        assertEquals(List.of(), world.scalingo.domainNames("shop"));
    }

    @Test
    void aSignupSentAfterTheOffboardingButProcessedAfterItIsANewRequest() {
        deliver("m1");
        Instant offboardingSent = world.clock.instant().plus(Duration.ofMinutes(1));
        Instant signupSent = offboardingSent.plus(Duration.ofMinutes(1));
        world.clock.advance(Duration.ofMinutes(5)); // both waited in the queue; the offboarding is processed first
        world.deliver("u1", offboardingSent, "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\"}",
                world.batchDeadline());
        world.dns.txt(TXT_NAME, "scalingo-domain-automation=" + record().token());

        SignupLinking.Outcome signup = world.deliver("m2", signupSent, BODY, world.batchDeadline());

        assertEquals(Kind.LINKED, signup.kind(), signup.reason());
    }

    @Test
    void aSignupSentWithinTheClocksSkewOfTheOffboardingIsRejectedForAPersonNotDropped() {
        deliver("m1");
        Instant offboardingSent = world.clock.instant().plus(Duration.ofMinutes(1));
        world.clock.advance(Duration.ofMinutes(5));
        world.deliver("u1", offboardingSent, "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\"}",
                world.batchDeadline());

        SignupLinking.Outcome signup = world.deliver("m2", offboardingSent.plusSeconds(10), BODY, world.batchDeadline());

        assertEquals(Kind.REJECTED, signup.kind(), signup.reason());
        assertTrue(signup.reason().contains("which came first cannot be told"), signup.reason());
        assertEquals(1, world.deadLetters.kept().size(), "kept for a redrive");
    }

    @Test
    void anOffboardingSentBeforeALateProcessedSignupStillWithdrawsIt() {
        Instant signupSent = world.clock.instant();
        Instant offboardingSent = signupSent.plus(Duration.ofMinutes(2));
        world.clock.advance(Duration.ofMinutes(3)); // the signup waited in the queue: processed after the offboarding was sent
        world.deliver("m1", signupSent, BODY, world.batchDeadline());
        world.deliver("u1", offboardingSent, "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\"}",
                world.batchDeadline());

        assertEquals(ProofRecord.State.WITHDRAWN, record().state(), "the signup came first, by SQS's clock");
    }

    @Test
    void anOffboardingWithdrawsTheWaitingRequest() {
        deliver("m1");
        String recheck = record().recheck().orElseThrow();
        world.clock.advance(Duration.ofMinutes(5));
        SignupLinking.Outcome unlink = world.deliver("u1", world.clock.instant(),
                "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\"}", world.batchDeadline());
        assertEquals(Kind.ALREADY_UNLINKED, unlink.kind(), unlink.reason());
        assertEquals(ProofRecord.State.WITHDRAWN, record().state());
        world.dns.txt(TXT_NAME, "scalingo-domain-automation=" + record().token());

        world.clock.advance(Duration.ofMinutes(1));
        assertEquals(Kind.DROPPED, world.recheck("r", recheck, world.clock.instant(), BODY, world.batchDeadline()).kind());
        assertEquals(Kind.DROPPED, world.deliver("m1-late", Instant.parse("2026-05-01T07:00:00Z"), BODY,
                world.batchDeadline()).kind(), "the first message, delivered late");
        assertEquals(List.of(), world.scalingo.domainNames("shop"));

        SignupLinking.Outcome signup = world.deliver("m2", world.clock.instant(), BODY, world.batchDeadline());
        assertEquals(Kind.LINKED, signup.kind(), "a request sent after the offboarding: " + signup.reason());
    }

    @Test
    void aLostReplyOnTheRecordIsSettledByTheNextDeliveryReadingIt() {
        world.proofs.faults(new Faults() {
            private boolean lost;

            @Override
            public void after(String call) {
                if (!lost) {
                    lost = true;
                    throw new LedgerUnavailable("ledger: the reply was lost", true, null);
                }
            }
        });
        assertEquals(Kind.RETRY, deliver("m1").kind(), "the record was opened, its reply lost");
        String token = record().token();

        SignupLinking.Outcome again = deliver("m1");
        assertEquals(Kind.AWAITING_PROOF, again.kind(), again.reason());
        assertEquals(token, record().token(), "the record found is used, not replaced");
        assertEquals(1, world.events.detailTypes().size());
    }

    @Test
    void anUnsentRecheckIsNeverTheOneOnRecordAndTheMessageComesBack() {
        world.rechecks.faults(new Faults() {
            @Override
            public void before(String call) {
                throw new Rechecks.Unsent("the onboarding queue refused the re-check: InternalError");
            }
        });
        SignupLinking.Outcome first = deliver("m1");
        assertEquals(Kind.RETRY, first.kind(), first.reason());
        assertTrue(record().recheck().isEmpty(), "no re-check on record");
        assertTrue(record().isAnnounced(), "the announcement stands");

        world.rechecks.faults(Faults.NONE);
        assertEquals(Kind.AWAITING_PROOF, deliver("m1").kind());
        assertEquals(List.of(LinkEvents.VERIFICATION_REQUIRED), world.events.detailTypes(), "not said twice");
    }

    @Test
    void anEventThatCannotBePublishedBringsTheMessageBackWithoutARecheck() {
        world.events.rejecting(event -> true);
        SignupLinking.Outcome first = deliver("m1");
        assertEquals(Kind.RETRY, first.kind());
        assertTrue(first.eventUnpublished());
        assertEquals(List.of(), world.rechecks.sent());
        assertFalse(record().isAnnounced());
    }

    @Test
    void tooLittleTimeLeftForTheLookBringsTheMessageBackWithNothingSaidOrSent() {
        // 10 s: the app looked up and the record opened (8 s each at their longest), not the DNS look (TXT and chain)
        SignupLinking.Outcome first = world.deliver("m1", world.clock.instant(), BODY,
                world.clock.deadlineIn(Duration.ofSeconds(10)));
        assertEquals(Kind.RETRY, first.kind(), first.reason());
        assertTrue(first.reason().contains("too little of this invocation's time"), first.reason());
        assertEquals(List.of(), world.events.published());
        assertEquals(List.of(), world.rechecks.sent());
        assertEquals(0, world.dns.lookups());
    }
}
