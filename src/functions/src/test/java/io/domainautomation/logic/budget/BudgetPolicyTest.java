package io.domainautomation.logic.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The shared budget's decisions on a fixed clock: Scalingo's 60 a minute, 10 % kept for people (54), a second of
 * guard, slots valid 2 s (a grant counts until 61 s after its slots' end).
 */
class BudgetPolicyTest {

    static final BudgetPolicy.Settings SETTINGS = new BudgetPolicy.Settings(60, Duration.ofMinutes(1), Duration.ofSeconds(1),
            0.10, Duration.ofSeconds(2), 6);
    static final long T0 = 1_780_000_000_000L;

    private static BudgetWindow full(int used, long at) {
        return held(used, at, Priority.CLEANUP);
    }

    private static BudgetWindow held(int used, long at, Priority by) {
        return new BudgetWindow("acct", List.of(new BudgetWindow.Grant(at, at + 2_000, used, by)), 0, 0, 1);
    }

    @Test
    void theCapLeavesThePeoplesShare() {
        assertEquals(54, SETTINGS.cap());
        assertEquals(6, new BudgetPolicy.Settings(60, Duration.ofMinutes(1), Duration.ZERO, 0.95, Duration.ZERO, 6).cap(),
                "never below the minimum");
    }

    @Test
    void anEmptyWindowGrantsTheBatchAtOnce() {
        BudgetPolicy.Decision decision = BudgetPolicy.take(BudgetWindow.empty("acct"), T0, Priority.SIGNUP, 5, Long.MAX_VALUE,
                SETTINGS);
        assertTrue(decision.granted());
        assertEquals(5, decision.count());
        assertEquals(T0, decision.startMillis());
        assertEquals(1, decision.next().version());
        assertEquals(List.of(new BudgetWindow.Grant(T0, T0 + 2_000, 5, Priority.SIGNUP)), decision.next().grants());
    }

    @Test
    void aBatchIsCutToWhatIsLeft() {
        BudgetPolicy.Decision decision = BudgetPolicy.take(held(52, T0 - 10_000, Priority.SIGNUP), T0, Priority.SIGNUP, 5,
                Long.MAX_VALUE, SETTINGS);
        assertEquals(2, decision.count(), "54 - 52");
    }

    @Test
    void aFullWindowFreesWhenItsGrantsAgeOutOf61Seconds() {
        long grantedAt = T0 - 10_000;
        BudgetPolicy.Decision waiting = BudgetPolicy.take(full(54, grantedAt), T0, Priority.CLEANUP, 1, Long.MAX_VALUE, SETTINGS);
        assertFalse(waiting.granted(), "cleanup books nothing ahead");
        assertEquals(grantedAt + 2_000 + 61_000, waiting.retryAtMillis());

        BudgetPolicy.Decision signup = BudgetPolicy.take(full(54, grantedAt), T0, Priority.INTERACTIVE, 1, Long.MAX_VALUE,
                SETTINGS);
        assertTrue(signup.granted(), "a person waiting books the first slot that frees");
        assertEquals(grantedAt + 63_000, signup.startMillis());
    }

    @Test
    void eachPriorityBooksNoFurtherAheadThanItsHorizon() {
        // the window frees in 10 s: a signup (15 s) books it, the rotation (2 s) and cleanup (0) do not
        BudgetWindow busy = full(54, T0 - 55_000);
        assertTrue(BudgetPolicy.take(busy, T0, Priority.SIGNUP, 1, Long.MAX_VALUE, SETTINGS).granted());
        assertFalse(BudgetPolicy.take(busy, T0, Priority.ROTATION, 1, Long.MAX_VALUE, SETTINGS).granted());
        assertFalse(BudgetPolicy.take(busy, T0, Priority.CLEANUP, 1, Long.MAX_VALUE, SETTINGS).granted());
        assertFalse(BudgetPolicy.take(busy, T0, Priority.INTERACTIVE, 1, T0 + 5_000, SETTINGS).granted(),
                "nor past the caller's own deadline");
    }

    @Test
    void theRotationIsNotPacedBehindTheScansSlotsBookedAheadButTheScanIsBehindTheRotations() {
        // the scan booked 5 slots a pace apart in an otherwise empty window (cap 54: a pace of 60 s / 54)
        BudgetPolicy.Decision scan = BudgetPolicy.take(BudgetWindow.empty("acct"), T0, Priority.CLEANUP, 5, Long.MAX_VALUE, SETTINGS);
        assertEquals(5, scan.count());
        long lastScanSlot = scan.starts().get(4);
        assertTrue(lastScanSlot > T0 + 4_000, "booked up to 4 paces ahead: " + (lastScanSlot - T0));
        // the rotation, which ranks above the scan, starts now (there is room), not a pace after the scan's last slot
        BudgetPolicy.Decision rotation = BudgetPolicy.take(scan.next(), T0 + 10, Priority.ROTATION, 1, Long.MAX_VALUE, SETTINGS);
        assertTrue(rotation.granted());
        assertEquals(T0 + 10, rotation.startMillis());
        // while the scan paces behind the rotation's slot and its own
        BudgetPolicy.Decision after = BudgetPolicy.take(rotation.next(), T0 + 20, Priority.CLEANUP, 1, Long.MAX_VALUE, SETTINGS);
        assertFalse(after.granted(), "the scan books nothing ahead, and its next slot is a pace after its last");
        assertTrue(after.retryAtMillis() > lastScanSlot, "looked at again after its own booked slots");
    }

    @Test
    void aBookingAheadHoldsBackEveryoneAfterIt() {
        BudgetWindow busy = full(54, T0 - 55_000);
        BudgetPolicy.Decision signup = BudgetPolicy.take(busy, T0, Priority.SIGNUP, 1, Long.MAX_VALUE, SETTINGS);
        // then capacity for cleanup exists only after the signup's booked start
        BudgetPolicy.Decision cleanup = BudgetPolicy.take(signup.next(), T0 + 1, Priority.CLEANUP, 1, Long.MAX_VALUE, SETTINGS);
        assertFalse(cleanup.granted());
        assertTrue(cleanup.retryAtMillis() >= signup.startMillis());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {42, 7, 1_000, 65_537, 271_828})
    void noWindowOfAMinuteEverSeesMoreThanTheCapWhateverTheOrderOfTakes(long seed) {
        java.util.Random random = new java.util.Random(seed);
        BudgetWindow window = BudgetWindow.empty("acct");
        List<BudgetWindow.Grant> grants = new ArrayList<>();
        List<BudgetWindow> decidedOn = new ArrayList<>(); // for each grant, the window it was decided on (its cap)
        long now = T0;
        int outOfOrder = 0;
        for (int i = 0; i < 5_000; i++) {
            now += random.nextInt(3_000);
            if (random.nextInt(200) == 0) {
                window = BudgetPolicy.shrink(window, now, Duration.ofSeconds(random.nextInt(90)), SETTINGS); // a 429
            }
            Priority priority = Priority.values()[random.nextInt(4)];
            long deadline = random.nextBoolean() ? Long.MAX_VALUE : now + random.nextInt(30_000);
            BudgetPolicy.Decision decision = BudgetPolicy.take(window, now, priority, 1 + random.nextInt(5), deadline, SETTINGS);
            if (decision.granted()) {
                // appended to the grants still counted: one grant, or one a slot for background work
                List<BudgetWindow.Grant> all = decision.next().grants();
                List<BudgetWindow.Grant> added = all.subList(all.size() - (priority.paced() ? decision.count() : 1), all.size());
                long latestBooked = grants.stream().mapToLong(BudgetWindow.Grant::fromMillis).max().orElse(0);
                for (BudgetWindow.Grant grant : added) {
                    assertTrue(grant.fromMillis() <= deadline, "never after the caller's deadline");
                    assertTrue(grant.fromMillis() >= now, "never in the past");
                    outOfOrder += grant.fromMillis() < latestBooked ? 1 : 0;
                    grants.add(grant);
                    decidedOn.add(window);
                }
                assertEquals(decision.count(), added.stream().mapToInt(BudgetWindow.Grant::count).sum());
                window = decision.next();
            }
        }
        // What Scalingo would see, computed without the policy's reasoning: a grant's requests may be sent at any
        // moment of [from, until); a sliding minute and its second of guard, [t, t + 61 s), holds every grant whose
        // interval meets it. The most any such window holds is reached with its left edge at a grant's last moment or
        // its right edge at a grant's first: each window is checked against the full cap, and against the cap in force
        // for the last-decided grant it holds (a 429's shrink holds for what is decided after it).
        java.util.Set<Long> edges = new java.util.TreeSet<>();
        for (BudgetWindow.Grant grant : grants) {
            edges.add(grant.untilMillis() - 1);
            edges.add(grant.fromMillis() - 61_000 + 1);
        }
        for (long t : edges) {
            long inWindow = 0;
            int lastDecided = -1;
            long anchor = Long.MIN_VALUE;
            for (int j = 0; j < grants.size(); j++) {
                BudgetWindow.Grant g = grants.get(j);
                if (g.fromMillis() < t + 61_000 && g.untilMillis() > t) {
                    inWindow += g.count();
                    lastDecided = j;
                    anchor = Math.max(anchor, Math.max(g.fromMillis(), t));
                }
            }
            if (lastDecided < 0) {
                continue;
            }
            assertTrue(inWindow <= SETTINGS.cap(), inWindow + " requests may reach Scalingo in [" + t + ", +61 s)");
            int cap = BudgetPolicy.cap(decidedOn.get(lastDecided), grants.get(lastDecided).fromMillis(), SETTINGS);
            assertTrue(inWindow <= Math.max(cap, capOfEarlier(grants, decidedOn, lastDecided, t)), inWindow
                    + " requests in [" + t + ", +61 s), the last decided under a cap of " + cap);
        }
        assertTrue(grants.size() > 1_000, "the histories granted: " + grants.size());
        assertTrue(outOfOrder > 0, "some grants went before others booked ahead of them: " + outOfOrder);
    }

    /** The largest cap any grant in the window was decided under: a shrink never lowers what was granted before it. */
    private static int capOfEarlier(List<BudgetWindow.Grant> grants, List<BudgetWindow> decidedOn, int last, long t) {
        int cap = 0;
        for (int j = 0; j < last; j++) {
            BudgetWindow.Grant g = grants.get(j);
            if (g.fromMillis() < t + 61_000 && g.untilMillis() > t) {
                cap = Math.max(cap, BudgetPolicy.cap(decidedOn.get(j), g.fromMillis(), SETTINGS));
            }
        }
        return cap;
    }

    @Test
    void a429HalvesTheCapForEveryoneUntilItsRetryAfter() {
        BudgetWindow shrunk = BudgetPolicy.shrink(BudgetWindow.empty("acct"), T0, Duration.ofSeconds(90), SETTINGS);
        assertEquals(27, BudgetPolicy.cap(shrunk, T0 + 1, SETTINGS));
        assertEquals(54, BudgetPolicy.cap(shrunk, T0 + 90_001, SETTINGS));
        BudgetPolicy.Decision cut = BudgetPolicy.take(shrunk, T0 + 1, Priority.SIGNUP, 40, Long.MAX_VALUE, SETTINGS);
        assertEquals(27, cut.count(), "the shrunk cap holds every taker");
        BudgetPolicy.Decision afterwards = BudgetPolicy.take(cut.next(), T0 + 2, Priority.INTERACTIVE, 40, Long.MAX_VALUE,
                SETTINGS);
        assertEquals(T0 + 1 + 2_000 + 61_000, afterwards.startMillis(), "once the 27 have aged out");
        assertEquals(27, afterwards.count(), "still under the shrunk cap: the shrink lasts 90 s");
        BudgetPolicy.Decision full = BudgetPolicy.take(afterwards.next(), T0 + 90_001, Priority.INTERACTIVE, 60,
                Long.MAX_VALUE, SETTINGS);
        assertEquals(54 - 27, full.count(), "the full cap again, less the 27 granted at 63 s, still counted");
    }

    @Test
    void backgroundWorkIsSpreadAtThePaceNotTakenInABurst() {
        BudgetPolicy.Decision first = BudgetPolicy.take(BudgetWindow.empty("acct"), T0, Priority.CLEANUP, 5, Long.MAX_VALUE,
                SETTINGS);
        assertEquals(5, first.count());
        long spacing = 60_000 / 54;
        assertEquals(List.of(T0, T0 + spacing, T0 + 2 * spacing, T0 + 3 * spacing, T0 + 4 * spacing), first.starts(),
                "its five slots, a spacing apart");
        assertEquals(5, first.next().grants().size(), "a grant each, counted from its own start");
        assertEquals(new BudgetWindow.Grant(T0 + 4 * spacing, T0 + 4 * spacing + 2_000, 1, Priority.CLEANUP),
                first.next().grants().get(4));
        assertFalse(BudgetPolicy.take(first.next(), T0 + 1, Priority.CLEANUP, 5, Long.MAX_VALUE, SETTINGS).granted());
        BudgetPolicy.Decision next = BudgetPolicy.take(first.next(), T0 + 5 * spacing, Priority.CLEANUP, 5, Long.MAX_VALUE,
                SETTINGS);
        assertTrue(next.granted(), "once its slots are spent, at the pace");
        assertTrue(BudgetPolicy.take(first.next(), T0 + 1, Priority.SIGNUP, 3, Long.MAX_VALUE, SETTINGS).granted(),
                "a signup is not held to the background pace");
    }

    /**
     * Background work's batch: larger while signups and people hold fewer slots than the default headroom (they fit in
     * what it leaves them), the small one once they hold as many (they want each slot that frees); their slots counted
     * while they count against the cap (61 s after their validity), the scan's own never.
     */
    @Test
    void backgroundWorkBooksFurtherAheadOnlyWhileSignupsHoldFewerSlotsThanTheDefaultHeadroom() {
        record Case(String what, BudgetWindow window, int batch) {
        }
        BudgetPolicy.Settings settings = SETTINGS; // headroom 8
        List<Case> cases = List.of(
                new Case("nothing held", BudgetWindow.empty("acct"), BudgetPolicy.PACED_BATCH_QUIET),
                new Case("only the scan's own slots", full(40, T0 - 1_000), BudgetPolicy.PACED_BATCH_QUIET),
                new Case("signups hold 7", held(7, T0 - 1_000, Priority.SIGNUP), BudgetPolicy.PACED_BATCH_QUIET),
                new Case("signups hold 8", held(8, T0 - 1_000, Priority.SIGNUP), BudgetPolicy.PACED_BATCH),
                new Case("a person holds 9", held(9, T0 - 1_000, Priority.INTERACTIVE), BudgetPolicy.PACED_BATCH),
                new Case("signups' 8 still counted, 61 s after their end", held(8, T0 - 62_999, Priority.SIGNUP),
                        BudgetPolicy.PACED_BATCH),
                new Case("signups' 8 no longer counted", held(8, T0 - 63_000, Priority.SIGNUP), BudgetPolicy.PACED_BATCH_QUIET),
                new Case("the rotation's 20 (background too)", held(20, T0 - 1_000, Priority.ROTATION),
                        BudgetPolicy.PACED_BATCH_QUIET));
        for (Case c : cases) {
            assertEquals(c.batch(), BudgetPolicy.pacedBatch(c.window(), T0, settings), c.what());
        }
        for (int headroom : List.of(0, 2, 12)) {
            assertEquals(BudgetPolicy.PACED_BATCH_QUIET, BudgetPolicy.pacedBatch(held(7, T0 - 1_000, Priority.SIGNUP), T0,
                    settings.withHeadroom(headroom)), "the default headroom's 8 whatever the settings' (" + headroom + ")");
            assertEquals(BudgetPolicy.PACED_BATCH, BudgetPolicy.pacedBatch(held(8, T0 - 1_000, Priority.SIGNUP), T0,
                    settings.withHeadroom(headroom)));
        }
    }

    @Test
    void whileSignupsAreAtWorkBackgroundWorkLeavesThemHeadroom() {
        BudgetWindow window = held(40, T0 - 10_000, Priority.SIGNUP); // 14 of 54 free
        BudgetPolicy.Decision cleanup = BudgetPolicy.take(window, T0, Priority.CLEANUP, 10, Long.MAX_VALUE, SETTINGS);
        assertEquals(6, cleanup.count(), "14 free, 8 left for signups");
        assertFalse(BudgetPolicy.take(cleanup.next(), T0 + 10_000, Priority.CLEANUP, 1, Long.MAX_VALUE, SETTINGS).granted());
        assertEquals(8, BudgetPolicy.take(cleanup.next(), T0 + 1, Priority.SIGNUP, 10, Long.MAX_VALUE, SETTINGS).count());
        BudgetWindow quiet = full(40, T0 - 50_000); // no signup at work (and its pace allows a start now): no headroom
        assertEquals(14, BudgetPolicy.take(quiet, T0, Priority.CLEANUP, 14, Long.MAX_VALUE, SETTINGS).count());
    }

    @Test
    void aSignupGoesBeforeTheScansSlotsBookedAheadWhenEveryMinuteTheyReachHasRoom() {
        long spacing = 60_000 / 54;
        BudgetPolicy.Decision scan = BudgetPolicy.take(BudgetWindow.empty("acct"), T0, Priority.CLEANUP, 10, Long.MAX_VALUE,
                SETTINGS);
        assertEquals(T0 + 9 * spacing, scan.starts().get(9), "ten slots, the last one ten seconds ahead");
        BudgetPolicy.Decision signup = BudgetPolicy.take(scan.next(), T0 + 1, Priority.SIGNUP, 2, Long.MAX_VALUE, SETTINGS);
        assertEquals(T0 + 1, signup.startMillis(), "not held behind the scan's slots booked ahead");
        assertEquals(2, signup.count());
    }

    @Test
    void aLaterStartAtTheCapKeepsOutWhatWouldPushItsMinuteOver() {
        // 52 slots ending at T0 - 48 s (counted until T0 + 13 s), and a signup's 2 booked at T0 + 5 s: that minute is full
        BudgetWindow window = new BudgetWindow("acct", List.of(new BudgetWindow.Grant(T0 - 50_000, T0 - 48_000, 52,
                Priority.CLEANUP), new BudgetWindow.Grant(T0 + 5_000, T0 + 7_000, 2, Priority.SIGNUP)), 0, 0, 2);
        BudgetPolicy.Decision person = BudgetPolicy.take(window, T0, Priority.INTERACTIVE, 1, Long.MAX_VALUE, SETTINGS);
        assertEquals(T0 + 13_000, person.startMillis(), "two are free now, but not in the minute of the booked signup");
    }
}
