package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.BudgetStore;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/**
 * One container's side of the account's shared rate budget: slots taken from the budget store in small batches (a
 * conditional write per batch, on the window this container last saw, read again when others wrote), used locally
 * within their validity. When the store cannot be
 * reached, the container falls back to its static share ({@link RequestPacer}) and counts it. A 429 shrinks the
 * budget for every container, through the store. Nobody waits past a deadline.
 */
public final class SharedBudget implements RequestGate {

    /** The local clocks a budget runs on: wall-clock milliseconds (shared with other containers), and the ticker. */
    public interface Clocks {
        long millis();

        long nanos();

        void sleepMillis(long millis) throws InterruptedException;

        Clocks SYSTEM = new Clocks() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public void sleepMillis(long millis) throws InterruptedException {
                TimeUnit.MILLISECONDS.sleep(millis);
            }
        };
    }

    private static final int WRITE_ATTEMPTS = 4;

    private final BudgetStore store;
    private final String account;
    private final Priority priority;
    private final BudgetPolicy.Settings settings;
    private final int batch;
    private final RequestPacer fallback;
    private final Clocks clocks;
    private final Runnable onFallback;
    private final Deque<long[]> slots = new ArrayDeque<>(); // {fromMillis, untilMillis}
    private final AtomicLong storeCalls = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    private int waiting;
    /** Until when the store is taken for down (it failed): callers go by the fallback share without asking it. */
    private volatile long storeDownUntil;
    static final long STORE_DOWN_FOR = 10_000;
    /**
     * A grant's store calls at most, on any store: the read, the conditional write, and the write's read after a refused
     * condition (a store whose refusal does not carry the item). On DynamoDB, whose refusal carries it, two
     * ({@link #callsPerGrant}).
     */
    static final int STORE_CALLS_PER_WRITE = 3;
    /**
     * The window as this container last wrote, read or was shown it by a refused write (null: read it first). A grant is
     * decided on it and written conditionally on its version: uncontended, a grant costs one write, and a window others
     * have written since costs a refused write, which shows the new one. A window known to be behind never refuses what
     * the store would grant: it misses others' grants, never holds grants that are not there. Used for {@link #KNOWN_FOR} at most: the item expires a day after its last write, and a version counted
     * again from 1 must never meet a window remembered from before.
     */
    private volatile Known known;

    private record Known(BudgetWindow window, long atMillis) {
    }

    static final long KNOWN_FOR = 600_000;
    /** Held by the one caller asking the store for the container. */
    private final java.util.concurrent.locks.ReentrantLock fetching = new java.util.concurrent.locks.ReentrantLock();
    /**
     * Whether this container's last look at the store found others' writes since its own (a refused write, or a read of
     * a newer version): its known window is then likely behind again; and, when the store's refusals cost a read of
     * their own ({@link #refusalsRead}), a signup's or a person's grant is decided on a read first (two calls) rather
     * than risking a refused write (three). On DynamoDB a refusal shows the item (ALL_OLD): a refused write and the
     * write after it cost two calls, as a read and a write, and a write that is not refused one, so nobody reads first.
     * Background work never reads first: it writes a batch every few seconds, so the window it knows is its own,
     * seconds old, and others have mostly not written since (the model's day of scanning, refusals costing a read: its
     * reads first after a refusal cost 0.16 store requests per Scalingo request, its refused writes without them 0.12);
     * a signup's known window is tens of seconds old while the scan runs, and behind nearly always.
     */
    private volatile boolean othersWrote;
    /**
     * Whether the store's last refusal took a read of its own to show what is there (its refusals cost two calls). True
     * until a refusal has shown otherwise: a grant's calls are counted at their most until then.
     */
    private volatile boolean refusalsRead = true;
    /** Until when the store said no slot frees for this container (the other callers wait without asking it). */
    private volatile long quietUntil;

    /**
     * @param account names the Scalingo user the budget is for (the token secret's ARN, or RateBudgetAccount)
     * @param batch the most slots taken at once (as many as callers wait, up to this)
     * @param fallback the small static share used while the store cannot be reached (the people's part absorbs it)
     * @param onFallback told of each request that went by the static share (the function's metric)
     */
    public SharedBudget(BudgetStore store, String account, Priority priority, BudgetPolicy.Settings settings, int batch,
            RequestPacer fallback, Clocks clocks, Runnable onFallback) {
        this.onFallback = onFallback;
        this.store = store;
        this.account = account;
        this.priority = priority;
        this.settings = settings;
        this.batch = Math.max(1, batch);
        this.fallback = fallback;
        this.clocks = clocks;
        fallback.startFresh(clocks.nanos()); // its turns on this budget's ticker, as its waits (fallbackTurn)
    }

    /**
     * One look, without blocking (what {@link #acquire} loops on, and what a simulation drives on its own clock): a
     * slot of this container's batch, or a new batch from the store. Each store call starts only with its longest left
     * before {@code latestStartMillis}; the clock is read again after each (a grant whose start passed while the store
     * answered is not used late: it is dropped, and counted, as a slot unused).
     *
     * @param waiting how many callers of this container wait for a slot (the batch asked: as many, up to the batch size)
     * @return granted, with the start time to wait for; or not, with when to look again (after the caller's latest
     *         start when its deadline, not the budget, is what keeps it)
     * @throws LedgerUnavailable the store cannot be reached: the caller falls back to its small static share
     */
    public Attempt attempt(long nowMillis, long latestStartMillis, int waiting) {
        Optional<Long> local = takeLocal(nowMillis, latestStartMillis);
        if (local.isPresent()) {
            return new Attempt(true, local.get());
        }
        long quiet = quietUntil;
        if (nowMillis < quiet) {
            // the store said nothing frees for this priority before then: no need to ask it again meanwhile
            return new Attempt(false, quiet);
        }
        if (nowMillis < storeDownUntil) {
            throw new LedgerUnavailable("ledger: the rate budget's store failed moments ago", true, null);
        }
        // one caller of the container asks the store at a time, for the others too: they take its batch's slots after it
        // rather than each booking a batch of its own (a container's records run concurrently)
        if (!lockFetching(latestStartMillis)) {
            return new Attempt(false, Long.MAX_VALUE); // the caller's time went while another asked the store
        }
        try {
            long now = clocks.millis();
            local = takeLocal(now, latestStartMillis);
            if (local.isPresent()) {
                return new Attempt(true, local.get()); // from the batch the caller before it took
            }
            // what the caller before it learnt while this one waited for the lock, in the order checked above
            if (now < quietUntil) {
                return new Attempt(false, quietUntil);
            }
            if (now < storeDownUntil) {
                // it found the store down: not asked once more
                throw new LedgerUnavailable("ledger: the rate budget's store failed moments ago", true, null);
            }
            return fetch(latestStartMillis, waiting);
        } finally {
            fetching.unlock();
        }
    }

    /**
     * Takes {@link #fetching} by the caller's latest start on the budget's clock (which a test or a benchmark may run
     * faster than real time): waited for in short real slices, the clock read again after each, and at most as long in
     * real time as the clock gave.
     */
    private boolean lockFetching(long latestStartMillis) {
        // and never longer in real time than the budget's clock gave it (a clock that stands still ends the wait too)
        long realEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, latestStartMillis - clocks.millis()));
        try {
            while (!fetching.tryLock(LOCK_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (clocks.millis() >= latestStartMillis || System.nanoTime() - realEnd >= 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How long a caller waits for {@link #fetching} before it reads the budget's clock again (real milliseconds). */
    private static final long LOCK_SLICE_MILLIS = 20;

    /** A new batch from the store, the caller holding {@link #fetching}. */
    private Attempt fetch(long latestStartMillis, int waiting) {
        // background work takes a small batch, its slots spread at the pace (its size decided on the window:
        // BudgetPolicy.pacedBatch); others two for each caller waiting (a caller's requests come in twos: a list, then a
        // change), used within the slots' validity or dropped
        int wanted = Math.min(batch, 2 * Math.max(1, waiting));
        long storeCall = store.longest().toMillis();
        BudgetWindow shown = null; // what a refused write found in the store: decided on again without a read
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            if (clocks.millis() + callsPerGrant() * storeCall > latestStartMillis) {
                // no time for the store's read and write (and the refusal's read, on a store whose refusal does not carry
                // the item) at their longest
                return new Attempt(false, Long.MAX_VALUE);
            }
            // decided first on what is known, free: a window known from this container's last write may miss others'
            // grants since, never holds grants that are not there, so its "no" is the store's too (its "not before" is
            // never later than the store's: at most looked at once more)
            Known remembered = known;
            long now = clocks.millis();
            boolean usable = remembered != null && now - remembered.atMillis() < KNOWN_FOR;
            boolean fresh = shown != null || !usable;
            BudgetWindow window = shown != null ? shown : usable ? remembered.window() : read();
            shown = null;
            remember(window);
            now = clocks.millis();
            if (priority.paced()) {
                wanted = Math.min(batch, BudgetPolicy.pacedBatch(window, now, settings));
            }
            BudgetPolicy.Decision decision = BudgetPolicy.take(window, now, priority, wanted, latestStartMillis, settings);
            boolean refusal = !decision.granted() && Math.max(decision.retryAtMillis(), now + 1) > latestStartMillis;
            boolean readFirst = othersWrote && refusalsRead && !priority.paced();
            if (!fresh && ((decision.granted() && readFirst) || refusal)
                    && clocks.millis() + callsPerGrant() * storeCall <= latestStartMillis) {
                // others wrote between this container's last grants: its "yes" is looked at on a fresh read first; and a
                // caller is refused, with when to come back, only on what the store holds now
                long knownVersion = window.version();
                window = read();
                othersWrote = window.version() != knownVersion;
                remember(window);
                fresh = true;
                now = clocks.millis();
                if (priority.paced()) {
                    wanted = Math.min(batch, BudgetPolicy.pacedBatch(window, now, settings));
                }
                decision = BudgetPolicy.take(window, now, priority, wanted, latestStartMillis, settings);
            }
            if (!decision.granted()) {
                long retryAt = Math.max(decision.retryAtMillis(), now + 1);
                if (retryAt <= latestStartMillis) {
                    quietUntil = retryAt; // the budget, not this caller's deadline, keeps it: true for every caller
                }
                return new Attempt(false, retryAt);
            }
            BudgetStore.Written written = writeGrant(decision.next());
            if (!written.written()) {
                // another container wrote first: decided again on what the refusal found there; and while others write
                // between a signup container's grants, a read first is cheaper than a refused write the store answers
                // with a read of its own (two calls, not three)
                shown = written.current().orElse(BudgetWindow.empty(account));
                othersWrote = true;
                continue;
            }
            if (!fresh) {
                othersWrote = false; // written on the window it knew: nobody had written since
            }
            remember(decision.next());
            granted.addAndGet(decision.count());
            long after = clocks.millis();
            synchronized (this) {
                for (long from : decision.starts()) {
                    slots.addLast(new long[] {from, from + settings.validity().toMillis()});
                }
            }
            Optional<Long> mine = takeLocal(after, latestStartMillis);
            if (mine.isPresent()) {
                return new Attempt(true, mine.get());
            }
            // the store answered after the grant's validity: its slots are counted, never used late
        }
        return new Attempt(false, clocks.millis() + 1); // another container kept winning: looked at again at once
    }

    /**
     * The store calls a grant may take at most, as this container knows its store: the read and the conditional write;
     * and the read after a refusal while the store's last refusal needed one ({@link #STORE_CALLS_PER_WRITE}).
     */
    private int callsPerGrant() {
        return refusalsRead ? STORE_CALLS_PER_WRITE : STORE_CALLS_PER_WRITE - 1;
    }

    private void remember(BudgetWindow window) {
        known = new Known(window, clocks.millis());
    }

    /** A write whose failure was the store's: remembered a few seconds, so callers fall back at once meanwhile. */
    private BudgetStore.Written writeGrant(BudgetWindow next) {
        storeCalls.incrementAndGet();
        try {
            BudgetStore.Written written = store.write(next);
            if (written.lookedAgain()) {
                storeCalls.incrementAndGet(); // the refusal's read of what is there
                refusalsRead = true;
            } else if (!written.written()) {
                refusalsRead = false; // the refusal showed what is there itself
            }
            return written;
        } catch (LedgerUnavailable unreachable) {
            known = null; // the write may have taken effect: read again before deciding
            storeDownUntil = clocks.millis() + STORE_DOWN_FOR;
            throw unreachable;
        }
    }

    /** A slot's start ({@code granted}), or when to look again. */
    public record Attempt(boolean granted, long atMillis) {
    }

    /**
     * Blocks until this caller may start its request.
     *
     * @throws ScalingoException not in time when no slot can be had before {@code latestStart}
     */
    @Override
    public void acquire(Deadline latestStart, String operation) {
        int waitingNow;
        synchronized (this) {
            waitingNow = ++waiting;
        }
        boolean slotless = true; // counted among the callers waiting for a slot (not once it has one to sleep until)
        try {
            while (true) {
                long remaining = remainingMillis(latestStart);
                long now = clocks.millis();
                Attempt attempt;
                try {
                    attempt = attempt(now, now + remaining, waitingNow);
                } catch (LedgerUnavailable unreachable) {
                    // only the store's failure falls back, to a share small enough for the people's part to absorb:
                    // the others keep their grants meanwhile
                    fallback(latestStart, operation);
                    return;
                }
                long waitMillis = attempt.atMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : attempt.atMillis() - clocks.millis();
                if (waitMillis > remainingMillis(latestStart)) {
                    throw ScalingoException.notInTime(operation, retryAfter(waitMillis));
                }
                if (attempt.granted()) {
                    synchronized (this) {
                        waiting--;
                        slotless = false;
                    }
                    sleep(waitMillis, operation);
                    return;
                }
                sleep(Math.max(1, waitMillis), operation);
                synchronized (this) {
                    waitingNow = waiting;
                }
            }
        } finally {
            synchronized (this) {
                if (slotless) {
                    waiting--;
                }
            }
        }
    }

    /** The longest a refusal tells its caller to wait: slots booked ahead may free later than a minute from now. */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(5);

    /**
     * What a refusal tells its caller (set-canonical's Retry-After): when the budget's slot frees, as the store said; a
     * second when it was the invocation's own time that was short for the store's calls (a new one has it).
     */
    private static Duration retryAfter(long waitMillis) {
        if (waitMillis == Long.MAX_VALUE) {
            return Duration.ofSeconds(1);
        }
        return Duration.ofMillis(Math.max(1_000, Math.min(waitMillis, LONGEST_RETRY_AFTER.toMillis())));
    }

    /**
     * After a 429 from Scalingo: the shared budget shrinks for everyone, once per incident (a 429 while it is shrunk
     * already changes nothing). One read and one write, best effort: a store failure loses only the shrink.
     */
    @Override
    public void rateLimited(Duration retryAfter, Deadline deadline) {
        try {
            // the read and the write (and the refusal's read, on a store whose refusal does not carry the item), each at
            // its longest, before the deadline
            if (remainingMillis(deadline) < callsPerGrant() * store.longest().toMillis()) {
                return; // too little time: this container's shrink is lost, the next 429 (any container's) shrinks it
            }
            BudgetWindow window = read();
            if (clocks.millis() >= window.shrinkUntilMillis()) {
                BudgetWindow shrunk = BudgetPolicy.shrink(window, clocks.millis(), retryAfter, settings);
                BudgetStore.Written written = writeGrant(shrunk);
                // refused: another container wrote first (its own shrink, or a grant): the next 429 shrinks it
                if (written.written()) {
                    remember(shrunk);
                } else {
                    written.current().ifPresentOrElse(this::remember, () -> known = null);
                }
            } else {
                remember(window);
            }
        } catch (LedgerUnavailable unreachable) {
            known = null;
            storeDownUntil = clocks.millis() + STORE_DOWN_FOR;
        }
        synchronized (this) {
            slots.clear(); // taken under the old cap: not used
        }
        quietUntil = 0;
    }

    /**
     * A slot of this container's batch that is still valid and starts by {@code latestStartMillis}: its start time.
     * Expired slots are dropped (they were counted: the batch was larger than the work).
     */
    private synchronized Optional<Long> takeLocal(long now, long latestStartMillis) {
        slots.removeIf(slot -> slot[1] <= now);
        long[] first = slots.peekFirst();
        if (first == null || first[0] > latestStartMillis) {
            return Optional.empty();
        }
        slots.pollFirst();
        return Optional.of(Math.max(now, first[0]));
    }

    private BudgetWindow read() {
        storeCalls.incrementAndGet();
        try {
            return store.read(account).orElse(BudgetWindow.empty(account));
        } catch (LedgerUnavailable unreachable) {
            known = null;
            storeDownUntil = clocks.millis() + STORE_DOWN_FOR;
            throw unreachable;
        }
    }

    /** The static share's turn (the store cannot be reached), slept for on this budget's clocks. */
    private void fallback(Deadline latestStart, String operation) {
        Fallback turn = fallbackTurn(latestStart.nanoTime());
        if (!turn.booked()) {
            throw ScalingoException.notInTime(operation, Duration.ofNanos(turn.waitNanos()));
        }
        sleep(TimeUnit.NANOSECONDS.toMillis(turn.waitNanos() + 999_999), operation);
    }

    /**
     * The static share's next turn, without blocking (what {@link #acquire} sleeps for when the store cannot be reached,
     * and what a simulation drives on its own clock): taken on this budget's ticker ({@link Clocks#nanos}, the one its
     * deadlines are on), not the JVM's, so simulations and tests drive it as they drive the rest. Counted as a fallback
     * when booked (a turn refused as not in time sends no request).
     *
     * @return booked, with the wait in nanoseconds; or not in time ({@code latestStartNanos}), with how long until one
     *         frees
     */
    public Fallback fallbackTurn(long latestStartNanos) {
        RequestPacer.Slot slot = fallback.reserve(clocks.nanos(), latestStartNanos);
        if (slot.booked()) {
            fallbacks.incrementAndGet();
            onFallback.run();
        }
        return new Fallback(slot.booked(), slot.waitNanos());
    }

    /** A turn of the static share: {@code booked} (the request starts after {@code waitNanos}), or how long until one. */
    public record Fallback(boolean booked, long waitNanos) {
    }

    private long remainingMillis(Deadline latestStart) {
        if (latestStart.isNone()) {
            return Long.MAX_VALUE / 4;
        }
        return TimeUnit.NANOSECONDS.toMillis(latestStart.nanoTime() - clocks.nanos());
    }

    private void sleep(long millis, String operation) {
        if (millis <= 0) {
            return;
        }
        try {
            clocks.sleepMillis(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ScalingoException.transport(operation, e);
        }
    }

    /**
     * Cold-start priming: the policy's decisions for this priority and background work's, on a sample window, and the
     * store's encoding of the result; no store call, nothing taken.
     */
    @Override
    public void prime() {
        long now = clocks.millis();
        BudgetWindow sample = BudgetWindow.empty(account);
        BudgetPolicy.Decision mine = BudgetPolicy.take(sample, now, priority, 2, Long.MAX_VALUE, settings);
        BudgetPolicy.Decision background = BudgetPolicy.take(mine.next(), now, Priority.CLEANUP,
                BudgetPolicy.pacedBatch(mine.next(), now, settings), Long.MAX_VALUE, settings);
        store.prime(BudgetPolicy.shrink(background.next(), now, Duration.ofMinutes(1), settings));
    }

    /** Calls to the budget store so far (reads and writes). */
    public long storeCalls() {
        return storeCalls.get();
    }

    /** Requests that went by the static share, the store being unreachable (too little time left is refused instead). */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Slots granted by the store so far. */
    public long granted() {
        return granted.get();
    }
}
