package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.ScalingoException;

/**
 * Offboarding through link-on-signup's core on the in-memory ports: an {@code "action": "unlink"} message unlinks the
 * domain with a tombstone and one {@code Domain Removed} (reason offboarding); duplicates and a domain already gone are
 * successes; a lost reply is settled by looking, and the tombstone is never dropped on an unknown.
 */
class OffboardingTest {

    private static final String UNLINK = "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\",\"requestId\":\"churn-42\"}";
    private static final String KEY = "shop www.acme.example";

    private SignupWorld world;
    private boolean eventBridgeDown;

    @BeforeEach
    void setUp() {
        world = new SignupWorld(Instant.parse("2026-04-01T09:00:00Z"));
        world.scalingo.addApp("shop");
        world.scalingo.seedDomain("shop", "www.acme.example", OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC)
                .minusDays(90));
        world.events.rejecting(event -> eventBridgeDown);
    }

    /** Delivered as SQS delivers it: with the time it was sent (now: the links here are older). */
    private SignupLinking.Outcome deliver(String messageId, String body) {
        return world.deliver(messageId, world.clock.instant(), body, world.batchDeadline());
    }

    private List<DomainEvent> removals() {
        return world.events.published().stream().filter(e -> e.detailType().equals("Domain Removed")).toList();
    }

    private void scalingoFails(String operation, boolean afterApplying) {
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (!afterApplying && call.equals("scalingo." + operation)) {
                    throw ScalingoException.reply(503, "service unavailable");
                }
            }

            @Override
            public void after(String call) {
                if (afterApplying && call.equals("scalingo." + operation)) {
                    throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                }
            }
        });
    }

    @Test
    void anUnlinkMessageUnlinksWithATombstoneAndAnnouncesTheRemovalOnce() {
        SignupLinking.Outcome outcome = deliver("m1", UNLINK);

        assertEquals(SignupLinking.Kind.UNLINKED, outcome.kind(), outcome.reason());
        assertEquals(List.of(), world.scalingo.domainNames("shop"));
        Tombstone tombstone = world.tombstones.tombstones().get(KEY);
        assertTrue(tombstone.offboarding());
        assertFalse(tombstone.removalMayBeUnannounced(), "its event published, the tombstone says so");
        assertEquals(List.of("offboarding"), tombstone.rules());
        DomainEvent removed = removals().get(0);
        assertEquals("offboarding", removed.detail().get("reason"));
        assertEquals(Map.of("messageId", "m1", "requestId", "churn-42"), removed.detail().get("correlation"));
        assertEquals(Map.of("restore", Map.of("app", "shop", "domain", "www.acme.example")),
                ((Map<?, ?>) removed.detail().get("restore")).get("payload"), "restorable as cleanup's removals are");

        SignupLinking.Outcome again = deliver("m1", UNLINK);
        SignupLinking.Outcome other = deliver("m2", UNLINK);
        assertEquals(SignupLinking.Kind.ALREADY_UNLINKED, again.kind());
        assertEquals(SignupLinking.Kind.ALREADY_UNLINKED, other.kind());
        assertEquals(1, removals().size(), "one removal, one event");
        assertEquals(1, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void aLateDeliveryOfAnOldRequestLeavesALinkMadeAfterTheMessageWasSent() {
        Instant sent = world.clock.instant();
        assertEquals(SignupLinking.Kind.UNLINKED, world.deliver("m1", sent, UNLINK, world.batchDeadline()).kind());
        world.clock.advance(Duration.ofDays(3));
        world.scalingo.seedDomain("shop", "www.acme.example", OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC));

        // SQS delivers the old message once more (its SentTimestamp is SQS's, not the payload's)
        SignupLinking.Outcome late = world.deliver("m1", sent, UNLINK, world.batchDeadline());

        assertEquals(SignupLinking.Kind.ALREADY_UNLINKED, late.kind());
        assertTrue(late.reason().contains("after this message was sent"), late.reason());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"), "the customer's new link stays");
        assertEquals(1, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void aCanonicalDomainIsMadeNonCanonicalBeforeItIsUnlinked() {
        world.scalingo.change("shop", "www.acme.example", d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(),
                d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        List<String> order = new java.util.ArrayList<>();
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.updateDomain") || call.equals("scalingo.unlinkDomain")) {
                    order.add(call);
                }
            }
        });

        assertEquals(SignupLinking.Kind.UNLINKED, deliver("m1", UNLINK).kind());

        assertEquals(List.of("scalingo.updateDomain", "scalingo.unlinkDomain"), order);
        assertTrue(world.tombstones.tombstones().get(KEY).canonical(), "restored canonical, as it was");
    }

    private void canonical() {
        world.scalingo.change("shop", "www.acme.example", d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(),
                d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
    }

    @Test
    void aDeliveryThatTookTheCanonicalFlagOffBeforeItFailedLeavesItsTombstoneSayingCanonical() {
        canonical();
        // the PATCH is made and its reply lost; the list that would tell fails too: nothing is known
        world.scalingo.faults(new Faults() {
            @Override
            public void after(String call) {
                if (call.equals("scalingo.updateDomain")) {
                    throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                }
            }
        });
        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", UNLINK).kind());
        assertFalse(world.scalingo.listDomainsByHand("shop").get(0).isCanonical(), "the flag was taken off");
        assertTrue(world.tombstones.tombstones().get(KEY).canonical(), "kept: the only record that it was canonical");

        world.scalingo.faults(Faults.NONE);
        assertEquals(SignupLinking.Kind.UNLINKED, deliver("m1", UNLINK).kind());
        assertTrue(world.tombstones.tombstones().get(KEY).canonical(), "the next delivery kept the same tombstone");
        assertEquals(true, ((Map<?, ?>) removals().get(0).detail().get("restore")).get("canonical"));
    }

    @Test
    void anUnlinkScalingoRefusesAfterTheCanonicalFlagWentOffIsRejectedWithTheTombstoneKept() {
        canonical();
        world.scalingo.refuseUnlink("www.acme.example", true);

        SignupLinking.Outcome refused = deliver("m1", UNLINK);

        assertEquals(SignupLinking.Kind.REJECTED, refused.kind());
        assertTrue(refused.reason().contains("made non-canonical first"), refused.reason());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"));
        assertTrue(world.tombstones.tombstones().get(KEY).canonical(), "restore makes it canonical again from it");
    }

    @Test
    void anUnlinkNotFromSqsOrLinkedWithinHalfAMinuteOfItsRequestUnlinksNothing() {
        SignupLinking.Outcome direct = world.deliver("m1", UNLINK, world.batchDeadline());
        assertEquals(SignupLinking.Kind.REJECTED, direct.kind());
        assertTrue(direct.reason().contains("SentTimestamp"), direct.reason());

        world.scalingo.unlinkByHand("shop", "www.acme.example");
        world.scalingo.seedDomain("shop", "www.acme.example", OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC));
        world.clock.advance(Duration.ofSeconds(10));
        SignupLinking.Outcome close = deliver("m2", UNLINK); // sent 10 s after the link
        assertEquals(SignupLinking.Kind.REJECTED, close.kind());
        assertTrue(close.reason().contains("which came first cannot be told"), close.reason());

        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"));
        assertEquals(0, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void anUnlinkWhoseReplyWasLostIsSettledByLookingAndAnnounced() {
        scalingoFails("unlinkDomain", true);

        SignupLinking.Outcome outcome = deliver("m1", UNLINK);

        assertEquals(SignupLinking.Kind.UNLINKED, outcome.kind(), outcome.reason());
        assertEquals(1, removals().size());
        assertEquals(1, world.scalingo.calls("unlinkDomain"), "not sent twice");
    }

    @Test
    void anUnlinkThatDidNotHappenLeavesNoTombstoneAndTheMessageComesBack() {
        scalingoFails("unlinkDomain", false);

        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", UNLINK).kind());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"));
        assertFalse(world.tombstones.tombstones().containsKey(KEY), "looked at: not removed, so no tombstone");
        assertEquals(List.of(), removals());

        world.scalingo.faults(Faults.NONE);
        assertEquals(SignupLinking.Kind.UNLINKED, deliver("m1", UNLINK).kind());
        assertEquals(1, removals().size());
    }

    @Test
    void anUnknownOutcomeKeepsTheTombstoneAndTheNextDeliveryAnnouncesTheRemovalUnderTheSameId() {
        world.scalingo.faults(new Faults() {
            @Override
            public void after(String call) {
                if (call.equals("scalingo.unlinkDomain")) {
                    // applied, its reply lost, and Scalingo unreachable for the look that would tell
                    world.scalingo.faults(new Faults() {
                        @Override
                        public void before(String next) {
                            throw ScalingoException.transport(next, new SocketTimeoutException("connect timed out"));
                        }
                    });
                    throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                }
            }
        });

        assertEquals(SignupLinking.Kind.RETRY, deliver("m1", UNLINK).kind());
        assertTrue(world.tombstones.tombstones().containsKey(KEY), "never dropped on an unknown");
        assertEquals(List.of(), removals());

        world.scalingo.faults(Faults.NONE);
        SignupLinking.Outcome redelivered = deliver("m1", UNLINK);
        assertEquals(SignupLinking.Kind.UNLINKED, redelivered.kind(), redelivered.reason());
        assertEquals(1, removals().size());
        assertEquals(1, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void aRemovalWhoseEventCouldNotBePublishedIsAnnouncedByTheRedeliveryUnderTheSameId() {
        eventBridgeDown = true;
        SignupLinking.Outcome first = deliver("m1", UNLINK);
        assertEquals(SignupLinking.Kind.RETRY, first.kind());
        assertTrue(first.eventUnpublished());
        assertEquals(List.of(), world.scalingo.domainNames("shop"), "the unlink was made");

        eventBridgeDown = false;
        assertEquals(SignupLinking.Kind.UNLINKED, deliver("m1", UNLINK).kind());
        assertEquals(1, removals().size());
        assertFalse(world.tombstones.tombstones().get(KEY).removalMayBeUnannounced());
    }

    @Test
    void anUnknownAppIsRejectedAndAMessageWithAnotherActionTooNothingUnlinked() {
        SignupLinking.Outcome ghost = deliver("m1", "{\"action\":\"unlink\",\"app\":\"ghost\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.REJECTED, ghost.kind());
        assertTrue(ghost.reason().contains("unknown app ghost"), ghost.reason());

        SignupLinking.Outcome delete = deliver("m2", "{\"action\":\"delete\",\"app\":\"shop\",\"domain\":\"www.acme.example\"}");
        assertEquals(SignupLinking.Kind.REJECTED, delete.kind());
        assertTrue(delete.reason().contains("action must be \"unlink\""), delete.reason());

        SignupLinking.Outcome extra = deliver("m3",
                "{\"action\":\"unlink\",\"app\":\"shop\",\"domain\":\"www.acme.example\",\"canonical\":true}");
        assertEquals(SignupLinking.Kind.REJECTED, extra.kind());
        assertEquals(List.of("m1", "m2", "m3"), world.deadLetters.kept().stream().map(k -> k.sourceMessageId()).toList());
        assertEquals(List.of("www.acme.example"), world.scalingo.domainNames("shop"));
        assertEquals(0, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void tooLittleTimeToRecordAndMakeTheRemovalChangesNothing() {
        // a ledger call (8 s) and two requests (8 s each) do not fit in 20 s
        SignupLinking.Outcome late = world.deliver("m1", world.clock.instant(), UNLINK, world.clock.deadlineIn(Duration.ofSeconds(20)));

        assertEquals(SignupLinking.Kind.RETRY, late.kind());
        assertTrue(late.reason().contains("too little of this invocation's time"), late.reason());
        assertFalse(world.tombstones.tombstones().containsKey(KEY));
        assertEquals(0, world.scalingo.calls("unlinkDomain"));
    }
}
