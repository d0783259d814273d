package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.BudgetStore;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/** One container's side of the shared budget, on an in-memory store and a clock the test moves. */
class SharedBudgetTest {

    static final BudgetPolicy.Settings SETTINGS = new BudgetPolicy.Settings(60, Duration.ofMinutes(1), Duration.ofSeconds(1),
            0.10, Duration.ofSeconds(2), 6);
    static final long T0 = 1_780_000_000_000L;

    private InMemoryBudgetStore store = new InMemoryBudgetStore();
    private long now = T0;
    private long slept;

    private final SharedBudget.Clocks clocks = new SharedBudget.Clocks() {
        @Override
        public long millis() {
            return now;
        }

        @Override
        public long nanos() {
            return now * 1_000_000;
        }

        @Override
        public void sleepMillis(long millis) {
            slept += millis;
            now += millis;
        }
    };

    private SharedBudget container(Priority priority, int batch) {
        return new SharedBudget(store, "acct", priority, SETTINGS, batch, new RequestPacer(12, Duration.ofMinutes(1),
                Duration.ofSeconds(1)), clocks, () -> { });
    }

    @Test
    void aBatchCostsOneReadAndOneWriteForAllItsSlots() {
        SharedBudget linking = container(Priority.SIGNUP, 5);
        for (int i = 0; i < 5; i++) {
            SharedBudget.Attempt attempt = linking.attempt(now, Long.MAX_VALUE, 5 - i);
            assertTrue(attempt.granted());
            assertEquals(now, attempt.atMillis());
        }
        assertEquals(2, store.calls(), "five requests, two store calls");
        assertEquals(5, linking.granted());
    }

    @Test
    void slotsNotUsedWithinTheirValidityAreDroppedNotUsedLate() {
        SharedBudget linking = container(Priority.SIGNUP, 5);
        linking.attempt(now, Long.MAX_VALUE, 5);
        now += 2_001;
        linking.attempt(now, Long.MAX_VALUE, 1);
        assertEquals(3, store.calls(), "the four left had expired: a new batch was taken, written on the window it knew");
        assertEquals(5 + 2, linking.granted(), "two for its one caller");
    }

    /** Runs one container alone for a minute, each request sent at its slot: how many it sent. */
    private int aMinuteOf(SharedBudget container) {
        int sent = 0;
        long end = now + 60_000;
        while (now < end) {
            SharedBudget.Attempt attempt = container.attempt(now, Long.MAX_VALUE, 1);
            now = Math.max(now, attempt.atMillis());
            if (attempt.granted() && now < end) {
                sent++;
                now += 150; // the request
            }
        }
        return sent;
    }

    @Test
    void everyContainerSharesOneBudget() {
        SharedBudget cleanup = container(Priority.CLEANUP, 5);
        SharedBudget linking = container(Priority.SIGNUP, 5);
        assertEquals(54, aMinuteOf(cleanup), "cleanup alone takes the automation's whole share at 3 a.m., at its pace");
        SharedBudget.Attempt signup = linking.attempt(now, Long.MAX_VALUE, 1);
        assertTrue(signup.granted(), "a signup books the next slot that frees");
        assertTrue(signup.atMillis() - now <= 15_000, "within its 15 s");
        SharedBudget.Attempt after = cleanup.attempt(signup.atMillis(), Long.MAX_VALUE, 1);
        assertTrue(!after.granted() || after.atMillis() > signup.atMillis(), "cleanup comes after the signup's booking");
    }

    @Test
    void aTooManyRequestsShrinksTheBudgetOfEveryOtherContainer() {
        SharedBudget rotation = container(Priority.ROTATION, 1);
        SharedBudget cleanup = container(Priority.CLEANUP, 1);
        rotation.rateLimited(Duration.ofSeconds(30), Deadline.none());
        assertEquals(27, aMinuteOf(cleanup), "half the cap, at half the pace, for the minute after a 429");
    }

    @Test
    void anUnreachableStoreFallsBackToTheStaticShareAndSaysSo() {
        SharedBudget linking = container(Priority.SIGNUP, 5);
        store.unreachable(true);
        assertThrows(LedgerUnavailable.class, () -> linking.attempt(now, Long.MAX_VALUE, 1));
        linking.acquire(Deadline.none(), "list domains");
        assertEquals(1, linking.fallbacks());
        // with no time to wait: the static share's turns free now are taken, then one is refused, and not counted
        int booked = 0;
        ScalingoException refused = null;
        for (int i = 0; i < 12 && refused == null; i++) {
            try {
                linking.acquire(new Deadline(clocks.nanos()), "list domains");
                booked++;
            } catch (ScalingoException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && refused.isNotInTime(), "the static share spent: refused as not in time");
        assertEquals(1 + booked, linking.fallbacks(), "a refused turn sent no request: not a fallback");
        store.unreachable(false);
        linking.acquire(Deadline.none(), "list domains");
        assertEquals(2 + booked, linking.fallbacks(), "the store taken for down a few seconds: not asked again at once");
        long calls = store.calls();
        now += SharedBudget.STORE_DOWN_FOR;
        linking.acquire(Deadline.none(), "list domains");
        assertEquals(2 + booked, linking.fallbacks(), "back on the shared budget");
        assertTrue(store.calls() > calls);
    }

    /**
     * A caller waiting for the store behind another caller of its container, which then finds the store down, goes by
     * the static share without asking the store once more (it had looked at the store's state before it waited).
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aCallerQueuedBehindTheOneThatFoundTheStoreDownDoesNotAskItAgain() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch failNow = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        BudgetStore down = new BudgetStore() {
            @Override
            public Optional<BudgetWindow> read(String account) {
                calls.incrementAndGet();
                reading.countDown();
                try {
                    failNow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new LedgerUnavailable("ledger: the budget store: ApiCallTimeoutException", true, null);
            }

            @Override
            public Written write(BudgetWindow next) {
                calls.incrementAndGet();
                throw new LedgerUnavailable("ledger: the budget store: ApiCallTimeoutException", true, null);
            }

            @Override
            public Duration longest() {
                return Duration.ofSeconds(1);
            }
        };
        SharedBudget linking = new SharedBudget(down, "acct", Priority.SIGNUP, SETTINGS, 6, RequestPacer.of(2,
                Duration.ofMinutes(1), Duration.ofSeconds(1)), clocks, () -> { });
        AtomicReference<Throwable> first = new AtomicReference<>();
        AtomicReference<Throwable> second = new AtomicReference<>();
        Thread asking = new Thread(() -> attemptInto(linking, first));
        asking.start();
        reading.await(); // the first caller holds the lock, in its store call
        Thread queued = new Thread(() -> attemptInto(linking, second));
        queued.start();
        while (queued.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // the second caller waits for the lock
        }
        failNow.countDown();
        asking.join();
        queued.join();
        assertTrue(first.get() instanceof LedgerUnavailable, String.valueOf(first.get()));
        assertTrue(second.get() instanceof LedgerUnavailable, String.valueOf(second.get()));
        assertEquals(1, calls.get(), "the store asked once: the second caller went by what the first found");
    }

    private static void attemptInto(SharedBudget budget, AtomicReference<Throwable> outcome) {
        try {
            budget.attempt(T0, Long.MAX_VALUE, 1);
        } catch (RuntimeException e) {
            outcome.set(e);
        }
    }

    /**
     * The static share a container falls back to runs on the budget's clocks (the same the simulations and these tests
     * drive), not the JVM's: its turns and its waits are the budget's. The ticker here starts at 0, far behind the
     * JVM's nanoTime: a share read on that would refuse every request as not in time.
     */
    @Test
    void theStaticShareFallenBackToKeepsTheBudgetsClock() {
        long[] elapsed = {0};
        SharedBudget.Clocks ticker = new SharedBudget.Clocks() {
            @Override
            public long millis() {
                return T0 + elapsed[0];
            }

            @Override
            public long nanos() {
                return elapsed[0] * 1_000_000;
            }

            @Override
            public void sleepMillis(long millis) {
                elapsed[0] += millis;
            }
        };
        SharedBudget linking = new SharedBudget(store, "acct", Priority.SIGNUP, SETTINGS, 6, RequestPacer.of(2,
                Duration.ofMinutes(1), Duration.ofSeconds(1)), ticker, () -> { });
        store.unreachable(true);
        linking.acquire(new Deadline(ticker.nanos() + 30_000_000_000L), "list domains");
        linking.acquire(new Deadline(ticker.nanos() + 30_000_000_000L), "update domain");
        assertEquals(0, elapsed[0], "the share's two requests at once");
        ScalingoException late = assertThrows(ScalingoException.class,
                () -> linking.acquire(new Deadline(ticker.nanos() + 30_000_000_000L), "list domains"));
        assertTrue(late.isNotInTime(), late.toString());
        linking.acquire(new Deadline(ticker.nanos() + 120_000_000_000L), "list domains");
        assertEquals(61_000, elapsed[0], "the third start a minute and the guard after the first, slept on the budget's clock");
    }

    @Test
    void aSlotThatWouldComeAfterTheDeadlineIsRefusedWithoutWaiting() {
        SharedBudget linking = container(Priority.SIGNUP, 5);
        for (int i = 0; i < 54; i++) {
            assertTrue(linking.attempt(now, Long.MAX_VALUE, 5).granted()); // a burst of signups takes the whole share
        }
        SharedBudget interactive = container(Priority.INTERACTIVE, 1);
        Deadline in20s = new Deadline((now + 20_000) * 1_000_000);
        io.domainautomation.logic.port.ScalingoException refused = assertThrows(
                io.domainautomation.logic.port.ScalingoException.class, () -> interactive.acquire(in20s, "update domain"));
        assertTrue(refused.isNotInTime(), refused.getMessage());
        assertEquals(0, slept, "refused at once, not after waiting");
    }

    @Test
    void aRefusalSaysWhenTheSlotFreesEvenBeyondAMinute() {
        // the cap's 54 held by a grant whose slots may start until T0 + 60 s: counted until 61 s after that
        store.write(new io.domainautomation.logic.budget.BudgetWindow("acct", java.util.List.of(
                new io.domainautomation.logic.budget.BudgetWindow.Grant(T0, T0 + 60_000, 54, Priority.SIGNUP)), 0, 0, 1));
        SharedBudget canonical = container(Priority.INTERACTIVE, 1);
        io.domainautomation.logic.port.ScalingoException refused = assertThrows(
                io.domainautomation.logic.port.ScalingoException.class,
                () -> canonical.acquire(new Deadline((now + 30_000) * 1_000_000), "update domain")); // the store's 3 x 8 s fit
        assertEquals(java.util.Optional.of(Duration.ofMillis(121_000)), refused.retryAfter(), "when the 54 stop counting");
    }

    @Test
    void aRefusalForLackOfTimeForTheStoreSaysToTryAgainAtOnce() {
        SharedBudget canonical = container(Priority.INTERACTIVE, 1);
        io.domainautomation.logic.port.ScalingoException refused = assertThrows(
                io.domainautomation.logic.port.ScalingoException.class,
                () -> canonical.acquire(new Deadline((now + 1_000) * 1_000_000), "update domain"));
        assertTrue(refused.isNotInTime());
        assertEquals(java.util.Optional.of(Duration.ofSeconds(1)), refused.retryAfter(), "a new invocation has the time");
        assertEquals(0, store.calls());
    }

    @Test
    void a429WithTooLittleTimeLeftForTheStoreShrinksNothingAndCallsNothing() {
        SharedBudget rotation = container(Priority.ROTATION, 1);
        // 3 x 8 s needed: the read, the write, and the read after a refusal (its store's refusals not yet seen to carry
        // the item)
        rotation.rateLimited(Duration.ofSeconds(30), new Deadline((now + 20_000) * 1_000_000));
        assertEquals(0, store.calls());
        assertEquals(54, aMinuteOf(container(Priority.CLEANUP, 1)), "the cap as it was");
        // the rotation's own grant refused once (the scan wrote since), the refusal carrying the item: 2 x 8 s from then
        now += 120_000;
        assertTrue(rotation.attempt(now, Long.MAX_VALUE, 1).granted());
        spend(container(Priority.CLEANUP, 1), 1);
        now += 10_000;
        long calls = store.calls();
        assertTrue(rotation.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(calls + 2, store.calls(), "refused (showing the item), then written");
        rotation.rateLimited(Duration.ofSeconds(30), new Deadline((now + 12_000) * 1_000_000));
        assertEquals(calls + 2, store.calls(), "12 s: too little for a read and a write");
        rotation.rateLimited(Duration.ofSeconds(30), new Deadline((now + 16_000) * 1_000_000));
        assertEquals(calls + 4, store.calls(), "with 16 s left: a read and a write");
        BudgetWindow shrunk = store.read("acct").orElseThrow();
        assertTrue(now < shrunk.shrinkUntilMillis(), "shrunk from now");
        assertEquals(27, shrunk.shrunkCap(), "to half the cap");
    }

    /** Sends {@code requests} one after another, each at its slot (waiting for it, or for the next look). */
    private void spend(SharedBudget container, int requests) {
        for (int sent = 0; sent < requests;) {
            SharedBudget.Attempt attempt = container.attempt(now, Long.MAX_VALUE, 1);
            now = Math.max(now, attempt.atMillis());
            if (attempt.granted()) {
                sent++;
                now += 150;
            }
        }
    }

    /**
     * Background work's batch as BudgetPolicy.pacedBatch decides it on the window it decides on: 5 slots in one write
     * while signups hold fewer than 8 slots, 3 once a refusal shows them holding as many.
     */
    @Test
    void backgroundWorkTakesFiveSlotsAWriteWhileSignupsAreQuietAndThreeOnceTheyAreAtWork() {
        SharedBudget cleanup = container(Priority.CLEANUP, 6);
        assertTrue(cleanup.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(2, store.calls(), "a read and one write");
        assertEquals(BudgetPolicy.PACED_BATCH_QUIET, cleanupSlots(), "nobody else at work: five slots, a grant each");
        assertTrue(container(Priority.SIGNUP, 6).attempt(now, Long.MAX_VALUE, 3).granted()); // six slots
        assertTrue(container(Priority.SIGNUP, 6).attempt(now, Long.MAX_VALUE, 2).granted()); // four more: ten held
        now += 10_000; // the scan's five slots spent or expired
        long before = store.calls();
        assertTrue(cleanup.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(before + 2, store.calls(), "refused (the signups wrote since), then written");
        assertEquals(BudgetPolicy.PACED_BATCH_QUIET + BudgetPolicy.PACED_BATCH, cleanupSlots(),
                "decided again on what the refusal showed: signups at work, three slots");
    }

    private int cleanupSlots() {
        return store.read("acct").orElseThrow().grants().stream().filter(g -> g.priority() == Priority.CLEANUP)
                .mapToInt(BudgetWindow.Grant::count).sum();
    }

    @Test
    void aGrantOnTheWindowThisContainerLastWroteCostsOneWrite() {
        SharedBudget cleanup = container(Priority.CLEANUP, 3);
        spend(cleanup, BudgetPolicy.PACED_BATCH);
        assertEquals(2, store.calls(), "the first batch: a read and a write");
        SharedBudget.Attempt paced = cleanup.attempt(now, Long.MAX_VALUE, 1);
        assertFalse(paced.granted(), "its batch spent before its pace allows the next");
        assertEquals(2, store.calls(), "a no on the window it knows costs nothing: the store holds at least those grants");
        now = paced.atMillis();
        assertTrue(cleanup.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(3, store.calls(), "the next batch: one write, conditional on the version it knew");
    }

    @Test
    void anotherContainersWriteIsSeenByTheRefusalAndDecidedOnWithoutAnotherRead() {
        SharedBudget cleanup = container(Priority.CLEANUP, 3);
        SharedBudget linking = container(Priority.SIGNUP, 6);
        assertEquals(2, scansGrantAfterTheSignups(cleanup, linking),
                "a refused write (showing what is there, as DynamoDB's ALL_OLD), then the write");
        // nobody reads first: a refused write and the write after it cost what a read and a write would, and a write
        // that is not refused costs one call
        for (int round = 0; round < 3; round++) {
            now += 3_000;
            assertEquals(2, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())),
                    "the scan wrote since the signups' last look: refused, then written");
            now += 5_000; // the scan's batch spent
            assertEquals(2, callsOf(() -> spend(cleanup, 1)),
                    "the signups wrote since the scan's last look: refused, then written");
        }
        now += 3_000;
        assertEquals(2, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())));
        now += 3_000;
        assertEquals(1, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())),
                "nobody wrote since its own grant: one write, no read first");
    }

    /**
     * On a store whose refusal does not show the item (the adapter reads it after the refusal, a second call), a signup
     * container whose last look found others' writes reads first: two calls rather than three.
     */
    @Test
    void onAStoreWhoseRefusalsCostAReadSignupsReadFirstWhileOthersWrite() {
        store = new InMemoryBudgetStore(false);
        SharedBudget cleanup = container(Priority.CLEANUP, 3);
        SharedBudget linking = container(Priority.SIGNUP, 6);
        assertEquals(3, scansGrantAfterTheSignups(cleanup, linking),
                "a refused write (and its read of what is there), then the write");
        // the signups' window is behind: refused once, their container reads first while others keep writing (two calls,
        // not three); the scan keeps writing on the window it knows, its own (a refusal shows it the new one)
        now += 3_000;
        assertEquals(3, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())),
                "the scan wrote since its last look: refused, then written");
        now += 5_000; // the scan's batch spent
        assertEquals(3, callsOf(() -> spend(cleanup, 1)), "the scan does not read first: refused, then written");
        now += 3_000;
        assertEquals(2, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())), "a read and a write");
        now += 3_000;
        assertEquals(2, callsOf(() -> assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted())),
                "its read found others' writes last time: a read first again");
    }

    /**
     * The scan's first batch, then six slots for the signups, then the scan's next grant at its pace, on a window the
     * signups wrote since: the store calls that grant took.
     */
    private long scansGrantAfterTheSignups(SharedBudget cleanup, SharedBudget linking) {
        spend(cleanup, BudgetPolicy.PACED_BATCH);
        assertTrue(linking.attempt(now, Long.MAX_VALUE, 3).granted()); // six slots: two for each of three callers
        SharedBudget.Attempt paced = cleanup.attempt(now, Long.MAX_VALUE, 1);
        now = Math.max(now, paced.atMillis());
        long calls = callsOf(() -> assertTrue(cleanup.attempt(now, Long.MAX_VALUE, 1).granted()));
        BudgetWindowAssert.holds(store, 3, 2 * BudgetPolicy.PACED_BATCH + 6);
        return calls;
    }

    /** The store calls {@code step} made. */
    private long callsOf(Runnable step) {
        long before = store.calls();
        step.run();
        return store.calls() - before;
    }

    @Test
    void aSignupContainerAloneWritesOnTheWindowItKnows() {
        SharedBudget linking = container(Priority.SIGNUP, 2);
        assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(2, store.calls(), "the first grant: a read and a write");
        for (int i = 1; i <= 3; i++) {
            now += 3_000;
            assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted());
            assertEquals(2 + i, store.calls(), "nobody else writes: one write a grant");
        }
    }

    @Test
    void aWriteWhoseOutcomeIsUnknownIsNotBuiltOnTheNextGrantReadsFirst() {
        SharedBudget linking = container(Priority.SIGNUP, 2);
        assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted());
        linking.attempt(now, Long.MAX_VALUE, 1);
        store.unreachable(true);
        assertThrows(LedgerUnavailable.class, () -> linking.attempt(now, Long.MAX_VALUE, 1));
        store.unreachable(false);
        now += SharedBudget.STORE_DOWN_FOR;
        long before = store.calls();
        assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted());
        assertEquals(before + 2, store.calls(), "read again before deciding: the lost write may have taken effect");
    }

    @Test
    void primingDecidesOnASampleWithoutCallingTheStoreOrTakingAnything() {
        SharedBudget linking = container(Priority.SIGNUP, 6);
        linking.prime();
        assertEquals(0, store.calls());
        assertEquals(0, linking.granted());
        assertTrue(linking.attempt(now, Long.MAX_VALUE, 1).granted(), "the budget whole afterwards");
    }

    /**
     * A batch's records run concurrently in one container: one of its callers asks the store at a time, and the others
     * take that batch's slots, rather than each booking a batch of its own (the store answering in 5 ms, real threads).
     */
    @Test
    void concurrentCallersOfOneContainerBookAboutWhatTheyNeed() throws Exception {
        io.domainautomation.logic.port.BudgetStore slow = new io.domainautomation.logic.port.BudgetStore() {
            @Override
            public java.util.Optional<io.domainautomation.logic.budget.BudgetWindow> read(String account) {
                pause();
                return store.read(account);
            }

            @Override
            public Written write(io.domainautomation.logic.budget.BudgetWindow next) {
                pause();
                return store.write(next);
            }

            @Override
            public Duration longest() {
                return Duration.ofMillis(100);
            }

            private void pause() {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        SharedBudget linking = new SharedBudget(slow, "acct", Priority.SIGNUP, SETTINGS, 6, new RequestPacer(12,
                Duration.ofMinutes(1), Duration.ofSeconds(1)), SharedBudget.Clocks.SYSTEM, () -> { });
        java.util.concurrent.ExecutorService records = java.util.concurrent.Executors.newFixedThreadPool(10);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            done.add(records.submit(() -> {
                start.await();
                linking.acquire(Deadline.after(Duration.ofSeconds(10)), "list domains");
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> record : done) {
            record.get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        records.shutdown();
        assertEquals(0, linking.fallbacks());
        assertTrue(linking.granted() >= 10 && linking.granted() <= 20, "ten requests, " + linking.granted()
                + " slots booked (each caller on its own would book up to 6: the whole cap)");
    }

    /** What the store holds: its version and the slots granted in all. */
    private static final class BudgetWindowAssert {
        static void holds(InMemoryBudgetStore store, long version, int slots) {
            var window = store.read("acct").orElseThrow();
            assertEquals(version, window.version());
            assertEquals(slots, window.grants().stream().mapToInt(g -> g.count()).sum());
        }
    }
}
