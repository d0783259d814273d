package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Domain;

/** set-canonical's core: each change recorded before it is made, announced after, and owed until announced. */
class CanonicalDomainsTest {

    private static final OffsetDateTime LINKED_AT = OffsetDateTime.of(2026, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    static Stream<Arguments> owedTable() {
        CanonicalLedger.Change toWww = new CanonicalLedger.Change("shop", "r1", "www.acme.example", null, "www.acme.example",
                "alice", false, null, "shop");
        CanonicalLedger.Change removed = new CanonicalLedger.Change("shop", "r2", "www.acme.example", "www.acme.example", null,
                "alice", false, null, "shop");
        return Stream.of(
                Arguments.of("no change recorded", Optional.empty(), "www.acme.example", false),
                Arguments.of("announced already", Optional.of(toWww.announcedNow()), "www.acme.example", false),
                Arguments.of("unannounced, Scalingo shows it made", Optional.of(toWww), "www.acme.example", true),
                Arguments.of("unannounced, Scalingo shows another canonical", Optional.of(toWww), "api.acme.example", false),
                Arguments.of("unannounced, Scalingo shows none", Optional.of(toWww), null, false),
                Arguments.of("a removal, Scalingo shows none", Optional.of(removed), null, true),
                Arguments.of("a removal, Scalingo shows one", Optional.of(removed), "www.acme.example", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("owedTable")
    void anEarlierChangeIsOwedOnlyWhenUnannouncedAndShownMade(String row, Optional<CanonicalLedger.Change> last,
            String canonicalNow, boolean owed) {
        Optional<Domain> now = Optional.ofNullable(canonicalNow).map(name -> new Domain("d-" + name, "app-1", name, LINKED_AT,
                null, null, false, null, null, true, true, null, null, null, null, null, null));
        assertEquals(owed, CanonicalDomains.owed(last, now).isPresent());
    }

    private SignupWorld world;
    private boolean eventBridgeDown;

    @BeforeEach
    void setUp() {
        world = new SignupWorld(Instant.parse("2026-04-01T09:00:00Z"));
        world.scalingo.addApp("shop");
        world.scalingo.seedDomain("shop", "www.acme.example", LINKED_AT);
        world.scalingo.seedDomain("shop", "api.acme.example", LINKED_AT);
        world.events.rejecting(event -> eventBridgeDown);
    }

    private CanonicalDomains.Change set(String domain, String requestId) throws Exception {
        return world.canonical.set("shop", Hostname.parse("domain", domain), false, "alice", requestId, world.requestDeadline());
    }

    @Test
    void aChangeWhoseInvocationDiedBeforeItsEventIsAnnouncedByTheNextRequestUnderItsOwnId() throws Exception {
        world.events.faults(new Faults() {
            @Override
            public void before(String call) {
                throw new IllegalStateException("the invocation is killed");
            }
        });
        assertThrows(IllegalStateException.class, () -> set("www.acme.example", "r1"));
        world.events.faults(Faults.NONE);

        CanonicalDomains.Change retry = set("www.acme.example", "r2");
        assertEquals(false, retry.changed(), "the caller's retry finds the change made");
        List<DomainEvent> published = world.events.published();
        assertEquals(1, published.size());
        assertEquals("r1", ((java.util.Map<?, ?>) published.get(0).detail().get("correlation")).get("requestId"),
                "announced as the first request's change");
        assertEquals(java.util.UUID.nameUUIDFromBytes("canonical-changed|shop|r1".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString(), published.get(0).eventId(), "under the id the first request's event would have had");
        set("www.acme.example", "r3");
        assertEquals(1, world.events.published().size(), "announced once");
    }

    @Test
    void aNewChangeWaitsWhileTheLastOneCannotBeAnnounced() throws Exception {
        eventBridgeDown = true;
        CanonicalDomains.Change first = set("www.acme.example", "r1");
        assertEquals(1, first.unpublished().size());
        CanonicalDomains.Unsettled refused = assertThrows(CanonicalDomains.Unsettled.class, () -> set("api.acme.example", "r2"));
        assertEquals(true, refused.isTransient());
        assertEquals(1, refused.unpublished().size(), "the owed event, for the reply and the log");
        assertEquals("www.acme.example", world.canonical.get("shop", world.requestDeadline()).current().orElseThrow().name(),
                "nothing was changed");

        eventBridgeDown = false;
        set("api.acme.example", "r3");
        assertEquals(List.of("r1", "r3"), world.events.published().stream()
                .map(e -> String.valueOf(((java.util.Map<?, ?>) e.detail().get("correlation")).get("requestId"))).toList());
    }

    @Test
    void aChangeThatCannotBeRecordedIsNotMade() {
        world.canonicals.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("canonicals.record")) {
                    throw new LedgerUnavailable("ledger: " + call + ": ThrottlingException", true, null);
                }
            }
        });
        CanonicalDomains.Unsettled refused = assertThrows(CanonicalDomains.Unsettled.class, () -> set("www.acme.example", "r1"));
        assertEquals(true, refused.getMessage().contains("nothing was changed"), refused.getMessage());
        assertEquals(0, world.scalingo.calls("updateDomain"));
    }

    @Test
    void aChangeScalingoRefusedIsClosedSoTheSameStateReachedByHandIsNeverAnnouncedAsIt() throws Exception {
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.updateDomain")) {
                    throw io.domainautomation.logic.port.ScalingoException.reply(422, "canonical refused");
                }
            }
        });
        assertThrows(io.domainautomation.logic.port.ScalingoException.class, () -> set("www.acme.example", "r1"));
        world.scalingo.faults(Faults.NONE);
        Domain www = world.scalingo.domain("shop", "www.acme.example").orElseThrow();
        world.scalingo.updateDomain("shop", www.id(), io.domainautomation.logic.port.DomainChanges.canonical(true),
                world.requestDeadline()); // by hand
        set("www.acme.example", "r2");
        assertEquals(List.of(), world.events.published());
    }

    @Test
    void anAppNamedByItsIdIsKeyedAndAnnouncedByItsName() throws Exception {
        String id = world.scalingo.apps().stream().filter(a -> a.name().equals("shop")).findFirst().orElseThrow().id();
        world.canonical.set(id, Hostname.parse("domain", "www.acme.example"), false, "alice", "r1", world.requestDeadline());
        assertEquals("shop", world.events.published().get(0).detail().get("app"));
        assertEquals(true, world.canonicals.stored(id).isPresent(), "keyed by the ID");
    }

    @Test
    void anotherRequestsChangeInFlightMakesANewChangeWait() throws Exception {
        Instant until = world.clock.instant().plusSeconds(20);
        world.canonicals.record(new CanonicalLedger.Change(shopId(), "r0", "api.acme.example", null, "api.acme.example", "bob",
                false, until, "shop"), Optional.empty());
        CanonicalDomains.Unsettled wait = assertThrows(CanonicalDomains.Unsettled.class, () -> set("www.acme.example", "r1"));
        assertEquals(true, wait.isTransient());
        assertEquals(21, wait.retryAfter().toSeconds(), "until the other invocation's end");
        assertEquals(0, world.scalingo.calls("updateDomain"));

        world.clock.advance(java.time.Duration.ofSeconds(21)); // that invocation is over: its change was never made
        assertEquals(true, set("www.acme.example", "r2").changed());
    }

    /**
     * Another request's change, recorded, is made on Scalingo after this request's list, and that request's time runs
     * out before this one looks at the ledger: looked at with that stale list, the change was neither shown made nor in
     * flight, and this request's record replaced it, never announced. A change whose invocation ran past the start of
     * the list is in flight: the request waits, and the next one sees it made and announces it (found by
     * LinkingSimulation, seed 4190).
     */
    @Test
    void aChangeMadeAfterThisRequestsListWhileItsRequestEndedIsStillAnnounced() throws Exception {
        world.canonicals.record(new CanonicalLedger.Change(shopId(), "r0", "api.acme.example", null, "api.acme.example", "bob",
                false, world.clock.instant().plusSeconds(5), "shop"), Optional.empty());
        world.scalingo.faults(new Faults() {
            private boolean first = true;

            @Override
            public void after(String call) {
                if (call.equals("scalingo.listDomains") && first) {
                    first = false; // the list is read: r0's PATCH lands now, then its invocation ends, its event not out
                    world.scalingo.change("shop", "api.acme.example", d -> new Domain(d.id(), d.appId(), d.name(),
                            d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                            d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), d.acmeDnsFqdn(), d.acmeDnsValue(),
                            d.acmeDnsError(), d.acmeChallengeError()));
                    world.clock.advance(java.time.Duration.ofSeconds(6));
                }
            }
        });
        CanonicalDomains.Unsettled wait = assertThrows(CanonicalDomains.Unsettled.class, () -> set("www.acme.example", "r1"),
                "r0's invocation ran past the start of r1's list: in flight, r1 waits");
        assertTrue(wait.isTransient());
        world.scalingo.faults(Faults.NONE);
        set("www.acme.example", "r2");
        assertEquals(true, world.events.published().stream()
                .anyMatch(e -> "r0".equals(((java.util.Map<?, ?>) e.detail().get("correlation")).get("requestId"))),
                "r0's change announced; published: " + world.events.published());
    }

    @Test
    void aChangeWhoseReplyWasLostIsSettledByLookingAndAnnouncedAtOnce() throws Exception {
        world.scalingo.faults(new Faults() {
            @Override
            public void after(String call) {
                if (call.equals("scalingo.updateDomain")) {
                    throw io.domainautomation.logic.port.ScalingoException.transport(call,
                            new java.net.SocketTimeoutException("Read timed out"));
                }
            }
        });
        CanonicalDomains.Change change = set("www.acme.example", "r1");
        assertEquals(true, change.changed());
        assertEquals("www.acme.example", change.current().orElseThrow().name());
        assertEquals(1, world.events.published().size());
    }

    @Test
    void aChangeWithoutAReplyThatLookingShowsNotMadeIsClosed() throws Exception {
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.updateDomain")) {
                    throw io.domainautomation.logic.port.ScalingoException.transport(call,
                            new java.net.SocketTimeoutException("connect timed out"));
                }
            }
        });
        assertThrows(io.domainautomation.logic.port.ScalingoException.class, () -> set("www.acme.example", "r1"));
        assertEquals(true, world.canonicals.stored(shopId()).orElseThrow().announced(), "closed: nothing owed");
    }

    @Test
    void aLedgerThatRefusesThisFunctionIsAConfigurationFaultNotALaterRetry() {
        world.canonicals.faults(new Faults() {
            @Override
            public void before(String call) {
                throw new LedgerUnavailable("ledger: " + call + ": AccessDeniedException", false, null);
            }
        });
        CanonicalDomains.Unsettled refused = assertThrows(CanonicalDomains.Unsettled.class, () -> set("www.acme.example", "r1"));
        assertEquals(false, refused.isTransient());
    }

    @Test
    void tooLittleTimeForALedgerCallChangesNothing() {
        world.scalingo.oneRequest(java.time.Duration.ofSeconds(2)); // Scalingo's requests fit in 7 s, a ledger call does not
        CanonicalDomains.Unsettled late = assertThrows(CanonicalDomains.Unsettled.class, () -> world.canonical.set("shop",
                Hostname.parse("domain", "www.acme.example"), false, "alice", "r1", world.clock.deadlineIn(
                        java.time.Duration.ofSeconds(7))));
        assertEquals(true, late.isTransient());
        assertEquals(0, world.scalingo.calls("updateDomain"));
    }

    @Test
    void aChangeIsRecordedOnlyWithTheTimeToMakeIt() {
        // 20 s: enough to list and read the ledger, not to record (a ledger call, 8 s at its longest), send the PATCH
        // and look at what it did should its reply be lost (13 s each at their longest here)
        world.scalingo.oneRequest(java.time.Duration.ofSeconds(13));
        CanonicalDomains.Unsettled late = assertThrows(CanonicalDomains.Unsettled.class, () -> world.canonical.set("shop",
                Hostname.parse("domain", "www.acme.example"), false, "alice", "r1", world.clock.deadlineIn(
                        java.time.Duration.ofSeconds(20))));
        assertEquals(true, late.isTransient());
        assertTrue(late.getMessage().contains("too little of this request's time is left to record and make the change"),
                late.getMessage());
        assertEquals(1, world.scalingo.calls("listDomains"), "it looked");
        assertEquals(0, world.scalingo.calls("updateDomain"));
        assertEquals(Optional.empty(), world.canonicals.stored(shopId()), "nothing recorded");
    }

    @Test
    void aGetAnnouncesAChangeOwedSinceItsInvocationDied() throws Exception {
        world.events.faults(new Faults() {
            @Override
            public void before(String call) {
                throw new IllegalStateException("the invocation is killed");
            }
        });
        assertThrows(IllegalStateException.class, () -> set("www.acme.example", "r1"));
        world.events.faults(Faults.NONE);
        assertEquals("www.acme.example", world.canonical.get("shop", world.requestDeadline()).current().orElseThrow().name());
        assertEquals(1, world.events.published().size());
    }

    private String shopId() {
        return world.scalingo.apps().stream().filter(a -> a.name().equals("shop")).findFirst().orElseThrow().id();
    }
}
