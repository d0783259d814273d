package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.CleanupWorld;
import io.domainautomation.fakes.Faults;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.ScalingoException;

/**
 * cleanup-stale's core on the in-memory ports, without Quarkus: the scan, the confirmation over time, the removal
 * and its tombstone, the restore. The same paths run against the sandbox and dynalite in CleanupStaleTest.
 */
class CleanupCoreTest {

    private CleanupWorld world;

    @BeforeEach
    void setUp() {
        world = new CleanupWorld();
        world.scalingo.addApp("shop");
    }

    private OffsetDateTime daysAgo(int days) {
        return OffsetDateTime.ofInstant(world.clock.instant().minus(Duration.ofDays(days)), ZoneOffset.UTC);
    }

    /** A scan started and followed through its continuations to its end: its last state, and all its events. */
    private record Scan(Optional<ScanState> state, List<DomainEvent> events) {
    }

    private Scan scan() {
        return follow(new CleanupRequest.Start(false));
    }

    private Scan follow(CleanupRequest request) {
        List<DomainEvent> events = new ArrayList<>();
        Optional<ScanState> last = Optional.empty();
        try {
            for (int i = 0; i < 50 && request != null; i++) {
                CleanupInvocation.Scanned scanned = (CleanupInvocation.Scanned) world.invocation.handle(request,
                        world.invocationDeadline());
                events.addAll(scanned.published());
                last = Optional.of(scanned.state());
                List<String> next = world.continuations.take();
                request = next.isEmpty() ? null : new CleanupRequest.Resume(scanned.state().scanId(), scanned.state().step());
            }
        } catch (InvalidInput | CleanupRuns.NotRestorable e) {
            throw new AssertionError(e);
        }
        return new Scan(last, events);
    }

    /** The events of marking and removal (the Let's Encrypt watch announces its own, tested apart). */
    private static List<String> types(Scan scan) {
        return scan.events().stream().map(DomainEvent::detailType)
                .filter(type -> !type.equals(CleanupEvents.VALIDATION_STUCK) && !type.equals(CleanupEvents.CERTIFICATE_ISSUED))
                .toList();
    }

    @Test
    void aNewScanReadsNoStateItCannotHaveAndItsLastStepIsReleasedNotRenewed() {
        List<String> calls = new ArrayList<>();
        Faults recording = new Faults() {
            @Override
            public void before(String call) {
                calls.add(call);
            }
        };
        world.ledger.faults(recording);
        world.scalingo.faults(recording);
        Scan done = scan();
        assertTrue(done.state().orElseThrow().done());
        // Each call before the first Scalingo one is a round trip a cold start waits for: a new scan's id is known to no
        // one, so nothing is read under it; a done scan is released, so its claim is not renewed first.
        assertEquals(List.of("ledger.lastScan", "ledger.claimScan", "ledger.createScan", "ledger.allStaleRecords",
                "ledger.allCertificateProgress", "scalingo.listApps", "scalingo.listDomains", "ledger.saveScan",
                "ledger.releaseScan"), calls);
    }

    /**
     * The scan's first reads (however many pages they hold) start only while a call still ends before the time the
     * scan's own calls must end by: the invocation's deadline less the reserve for the step's save and events, less
     * one AWS call.
     */
    @Test
    void theScansFirstReadsAreGivenTheInvocationsDeadlineLessItsReserveAndACall() {
        long deadline = world.invocationDeadline().nanoTime(); // as the scan's invocation gets it: the clock stands still
        Scan done = scan();
        assertTrue(done.state().orElseThrow().done());
        assertEquals(deadline - CleanupScan.FINISH_RESERVE.toNanos() - CleanupRuns.ONE_CALL.toNanos(),
                world.ledger.lastScanMemoryLatestStart.nanoTime());
    }

    @Test
    void aDomainWithoutRecordsIsMarkedThenRemovedAfterTheConfirmationPeriodWithItsTombstone() {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));

        Scan first = scan();
        assertTrue(first.state().orElseThrow().done());
        assertEquals(List.of("Domain Marked Stale"), types(first));
        assertEquals(List.of("old.acme.example"), world.scalingo.domainNames("shop"), "a first sighting removes nothing");

        world.clock.advance(Duration.ofDays(8));
        Scan second = scan();
        assertEquals(List.of("Domain Removed"), types(second));
        assertEquals(List.of(), world.scalingo.domainNames("shop"));
        assertTrue(world.ledger.tombstones().containsKey("shop old.acme.example"), "the removal's tombstone is kept");
    }

    @Test
    void anUnlinkWithoutTheTimeToBeSentLeavesNoTombstoneAndIsDoneByTheNextInvocation() {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(8));
        List<Boolean> tombstoneBeforeBury = new ArrayList<>();
        world.ledger.faults(new io.domainautomation.fakes.Faults() {
            @Override
            public void before(String call) {
                if (call.equals("ledger.bury")) {
                    tombstoneBeforeBury.add(world.ledger.tombstones().containsKey("shop old.acme.example"));
                    if (tombstoneBeforeBury.size() == 1) {
                        // the tombstone's write takes nearly all that is left of the invocation (15 min less the
                        // 30 s kept to finish): the unlink after it cannot end in time and is not sent
                        world.clock.advance(Duration.ofMinutes(14).plusSeconds(25));
                    }
                }
            }
        });

        Scan second = scan();

        assertEquals(List.of("Domain Removed"), types(second));
        assertEquals(List.of(), world.scalingo.domainNames("shop"));
        assertEquals(List.of(false, false), tombstoneBeforeBury,
                "the tombstone of the unlink not sent was removed before the next invocation buried its own");
        assertTrue(world.ledger.tombstones().containsKey("shop old.acme.example"), "the removal's tombstone is kept");
    }

    @Test
    void capsLoweredWhileAScanIsRemovingHoldAtTheNextUnlink() {
        world.settings.maxRemovalsPerApp = 2;
        world.scalingo.seedDomain("shop", "old1.acme.example", daysAgo(60));
        world.scalingo.seedDomain("shop", "old2.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(8));
        boolean[] lowered = { false };
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.unlinkDomain") && !lowered[0]) {
                    lowered[0] = true;
                    // the operator lowers the cap while the removals are under way; this unlink fails, tried again later
                    world.settings.maxRemovalsPerApp = 1;
                    throw ScalingoException.reply(503, "service unavailable");
                }
            }
        });
        Scan second = scan();
        assertTrue(lowered[0]);
        assertEquals(List.of(), types(second));
        assertEquals(2, world.scalingo.domainNames("shop").size(),
                "above the lowered cap of the app, nothing more of it is removed (as at planning)");
        assertEquals(List.of("cap", "cap"), second.state().orElseThrow().keptDetails().stream().map(ScanState.Kept::reason).toList());
    }

    @Test
    void aSecondScanBeforeTheConfirmationPeriodRemovesNothing() {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(3));
        Scan second = scan();
        assertEquals(List.of(), types(second));
        assertEquals(1, second.state().orElseThrow().waiting());
        assertEquals(List.of("old.acme.example"), world.scalingo.domainNames("shop"));
    }

    @Test
    void canonicalYoungProtectedAndPlatformPointingDomainsAreNeverCandidates() {
        world.scalingo.seedDomain("shop", "canonical.acme.example", daysAgo(60));
        world.scalingo.change("shop", "canonical.acme.example", d -> new io.domainautomation.logic.port.Domain(d.id(),
                d.appId(), d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        world.scalingo.seedDomain("shop", "young.acme.example", daysAgo(2));
        world.scalingo.seedDomain("shop", "keep.internal.example", daysAgo(60));
        world.settings.protectedPatterns.add("*.internal.example");
        world.scalingo.seedDomain("shop", "www.acme.example", daysAgo(60));
        world.dns.cname("www.acme.example", "shop.osc-fr1.scalingo.io").address("shop.osc-fr1.scalingo.io", "192.0.2.10");

        for (int i = 0; i < 2; i++) { // two scans over the confirmation period, the young one still within its grace
            Scan outcome = scan();
            assertEquals(List.of(), types(outcome));
            world.clock.advance(Duration.ofDays(8));
        }
        assertEquals(4, world.scalingo.domainNames("shop").size());
        assertEquals(0, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void aConfiguredDryRunAndAnAskedDryRunRemoveNothing() {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(8));
        world.settings.dryRun = true;
        Scan configured = scan();
        assertEquals(List.of("dry-run"), configured.state().orElseThrow().keptDetails().stream().map(ScanState.Kept::reason).toList());
        world.settings.dryRun = false;
        world.clock.advance(Duration.ofDays(1));
        Scan asked = follow(new CleanupRequest.Start(true));
        assertTrue(asked.state().orElseThrow().dryRun());
        assertEquals(List.of("old.acme.example"), world.scalingo.domainNames("shop"));
        assertEquals(0, world.scalingo.calls("unlinkDomain"));
    }

    @Test
    void aDomainScalingoRefusesToUnlinkIsKeptAndLosesItsTombstone() {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(8));
        world.scalingo.refuseUnlink("old.acme.example", true);
        Scan second = scan();
        assertEquals(List.of(), types(second));
        assertEquals(List.of("platform-refused"), second.state().orElseThrow().keptDetails().stream()
                .map(ScanState.Kept::reason).toList());
        assertFalse(world.ledger.tombstones().containsKey("shop old.acme.example"), "nothing was removed");
    }

    @Test
    void aRemovedDomainIsRestoredToItsAppFromItsTombstone() throws Exception {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60));
        scan();
        world.clock.advance(Duration.ofDays(8));
        scan();
        CleanupRuns.Restored restored = ((CleanupInvocation.Restored) world.invocation.handle(
                new CleanupRequest.Restore("shop", "old.acme.example"), world.invocationDeadline())).restored();
        assertFalse(restored.alreadyLinked());
        assertEquals(List.of("old.acme.example"), world.scalingo.domainNames("shop"));
        assertFalse(world.ledger.tombstones().containsKey("shop old.acme.example"));
    }

    @Test
    void anOffboardedDomainIsRestoredFromItsTombstoneAsCanonicalAsItWas() throws Exception {
        world.scalingo.seedDomain("shop", "leaving.acme.example", daysAgo(60));
        world.scalingo.change("shop", "leaving.acme.example", d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(),
                d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        // link-on-signup's offboarding, on this world's platform, ledger and bus
        io.domainautomation.logic.Offboarding offboarding = new io.domainautomation.logic.Offboarding(world.scalingo,
                new io.domainautomation.logic.AppDirectory(world.scalingo, world.clock), world.ledger, world.events,
                world.clock, world.clock, Duration.ofSeconds(8));
        offboarding.unlink("m1", Optional.of(world.clock.instant()), new io.domainautomation.logic.UnlinkRequest("shop",
                io.domainautomation.logic.Hostname.parse("domain", "leaving.acme.example"), Optional.empty()),
                world.invocationDeadline());
        assertEquals(List.of(), world.scalingo.domainNames("shop"));

        CleanupRuns.Restored restored = ((CleanupInvocation.Restored) world.invocation.handle(
                new CleanupRequest.Restore("shop", "leaving.acme.example"), world.invocationDeadline())).restored();

        assertFalse(restored.alreadyLinked());
        assertEquals(List.of("leaving.acme.example"), world.scalingo.domainNames("shop"));
        assertTrue(world.scalingo.listDomainsByHand("shop").get(0).isCanonical(), "canonical again, as it was");
        assertEquals(List.of("Domain Removed", "Domain Restored"),
                world.events.published().stream().map(DomainEvent::detailType).toList());
        assertFalse(world.ledger.tombstones().containsKey("shop leaving.acme.example"));
    }

    @Test
    void aDomainAnOffboardingMadeNonCanonicalButCouldNotUnlinkIsMadeCanonicalAgainByTheRestore() throws Exception {
        world.scalingo.seedDomain("shop", "stuck.acme.example", daysAgo(60));
        world.scalingo.change("shop", "stuck.acme.example", d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(),
                d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), true,
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        world.scalingo.refuseUnlink("stuck.acme.example", true);
        io.domainautomation.logic.Offboarding offboarding = new io.domainautomation.logic.Offboarding(world.scalingo,
                new io.domainautomation.logic.AppDirectory(world.scalingo, world.clock), world.ledger, world.events,
                world.clock, world.clock, Duration.ofSeconds(8));
        org.junit.jupiter.api.Assertions.assertThrows(io.domainautomation.logic.Offboarding.Refused.class,
                () -> offboarding.unlink("m1", Optional.of(world.clock.instant()), new io.domainautomation.logic.UnlinkRequest(
                        "shop", io.domainautomation.logic.Hostname.parse("domain", "stuck.acme.example"), Optional.empty()),
                        world.invocationDeadline()));
        assertFalse(world.scalingo.listDomainsByHand("shop").get(0).isCanonical());

        CleanupRuns.NotRestorable never = org.junit.jupiter.api.Assertions.assertThrows(CleanupRuns.NotRestorable.class,
                () -> world.invocation.handle(new CleanupRequest.Restore("shop", "stuck.acme.example"), world.invocationDeadline()));

        assertTrue(never.getMessage().contains("made the app's canonical domain again"), never.getMessage());
        assertTrue(world.scalingo.listDomainsByHand("shop").get(0).isCanonical());
        assertFalse(world.ledger.tombstones().containsKey("shop stuck.acme.example"));
    }

    @Test
    void aScanLongerThanItsBudgetStopsBetweenAppsAndGoesOnFromTheLedger() {
        for (int i = 0; i < 5; i++) {
            world.scalingo.addApp("app-" + i);
        }
        world.settings.timeBudget = Duration.ofSeconds(3); // each app takes 2 s: one app per invocation
        world.scalingo.faults(new io.domainautomation.fakes.Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.listDomains")) {
                    world.clock.advance(Duration.ofSeconds(2));
                }
            }
        });
        Scan first = scan();
        ScanState state = first.state().orElseThrow();
        assertTrue(state.done());
        assertEquals(6, state.appsScanned());
        assertEquals(6, state.invocations(), "one app per invocation, each handing the rest on");
    }

    @Test
    void anInvocationWithoutTheTimeToListTheAppsHandsTheScanOn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        world.scalingo.faults(new io.domainautomation.fakes.Faults() {
            @Override
            public void before(String call) {
                sent.incrementAndGet(); // a call the platform let through (a refused one never gets here)
            }
        });
        // 10 s: after the time kept to save and hand on, less than one Scalingo request's longest time (8 s)
        CleanupInvocation.Scanned short_ = (CleanupInvocation.Scanned) world.invocation.handle(new CleanupRequest.Start(false),
                world.clock.deadlineIn(Duration.ofSeconds(10)));
        assertFalse(short_.state().done());
        assertEquals(0, short_.state().appsScanned());
        assertEquals(1, world.scalingo.calls("listApps"), "the listing was asked for");
        assertEquals(0, sent.get(), "and not sent");
        assertEquals(1, world.continuations.take().size(), "handed on, not failed");

        Scan rest = follow(new CleanupRequest.Resume(short_.state().scanId(), short_.state().step()));
        assertTrue(rest.state().orElseThrow().done());
        assertEquals(1, rest.state().orElseThrow().appsScanned());
    }

    @Test
    void aLetsEncryptCertificateAwaitedPastItsDeadlineIsAnnouncedStuckOnce() {
        world.scalingo.seedDomain("shop", "pending.acme.example", daysAgo(3));
        Scan first = scan();
        world.clock.advance(Duration.ofHours(25));
        Scan second = scan();
        world.clock.advance(Duration.ofHours(25));
        Scan third = scan();
        long stuck = java.util.stream.Stream.of(first, second, third).flatMap(o -> o.events().stream())
                .filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK)).count();
        assertEquals(1, stuck);
    }

    /**
     * The watch's record says "announced" only once the step that saw the change is saved with its event: a step whose
     * save fails is done again by Lambda's retry, which announces what the failed one saw.
     */
    @Test
    void aStuckCertificateSeenByAStepWhoseSaveFailedIsAnnouncedByTheRetry() throws Exception {
        world.scalingo.seedDomain("shop", "pending.acme.example", daysAgo(3)); // awaited for 3 days: stuck
        boolean[] failed = { false };
        world.ledger.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("ledger.saveScan") && !failed[0]) {
                    failed[0] = true;
                    throw new LedgerUnavailable("ledger: saveScan: ThrottlingException", true, null);
                }
            }
        });
        assertThrows(LedgerUnavailable.class, () -> world.invocation.handle(new CleanupRequest.Start(false), world.invocationDeadline()));
        assertTrue(failed[0]);
        assertEquals(List.of(), world.events.published(), "nothing published by the failed step");

        Scan retried = scan(); // Lambda's retry of the same start, a minute later
        assertEquals(1, retried.events().stream().filter(e -> e.detailType().equals(CleanupEvents.VALIDATION_STUCK)).count(),
                retried.events().toString());
    }
}
