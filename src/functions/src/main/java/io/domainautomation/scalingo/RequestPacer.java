package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/**
 * Holds this process to the configured request rate: at most {@code requests} requests start in any window of
 * (period + guard), so no window of one period at Scalingo ever sees more than the allowed count and a healthy run
 * meets no 429. The guard absorbs the jitter between taking a slot and the request reaching Scalingo. A new (or
 * restored) process may send only {@code initial-share} of its budget at once, so that many containers scaling out
 * together cannot spend the account's limit in one burst; an idle process may then spend its whole budget at once
 * (a batch of new domains links without waiting), a busy one is held to the rate. Nobody waits past a deadline.
 */
@ApplicationScoped
@Typed(RequestPacer.class) // a RequestGate only through AdapterWiring's choice
public class RequestPacer implements RequestGate {

    /** A start time taken ({@code booked}) and how long to wait for it; or, not booked, how long until one frees. */
    record Slot(boolean booked, long waitNanos) {
    }

    private final long windowNanos;
    private final int availableAtStart;
    /** The start times of the last {@code requests} requests, oldest at {@code oldest}; unused entries are empty. */
    private final long[] recentStarts;
    private int oldest;
    private int taken;
    private long lastStart;

    @Inject
    RequestPacer(ScalingoConfig config) {
        this(config.rateLimit().requests(), config.rateLimit().period(), config.rateLimit().guard(),
                config.rateLimit().initialShare());
    }

    RequestPacer(int requests, Duration period, Duration guard) {
        this(requests, period, guard, 1.0);
    }

    /** A pacer of its own, not the container's configured share: the shared budget's fallback. */
    public static RequestPacer of(int requests, Duration period, Duration guard) {
        return new RequestPacer(requests, period, guard);
    }

    RequestPacer(int requests, Duration period, Duration guard, double initialShare) {
        if (requests <= 0) {
            throw new IllegalArgumentException("scalingo.rate-limit.requests must be positive, was " + requests);
        }
        if (initialShare <= 0 || initialShare > 1) {
            throw new IllegalArgumentException("scalingo.rate-limit.initial-share must be above 0 and at most 1, was "
                    + initialShare);
        }
        this.windowNanos = period.plus(guard).toNanos();
        this.recentStarts = new long[requests];
        this.availableAtStart = (int) Math.max(1, Math.ceil(requests * initialShare));
        startFresh(System.nanoTime());
    }

    /**
     * As a new process: only the initial share is free now, the rest frees one window later. Also after a SnapStart
     * restore, where the snapshot's clock readings mean nothing.
     */
    public synchronized void startFresh(long now) {
        Arrays.fill(recentStarts, 0);
        oldest = 0;
        taken = recentStarts.length - availableAtStart;
        Arrays.fill(recentStarts, 0, taken, now);
        lastStart = Long.MIN_VALUE;
    }

    /**
     * Blocks until this caller's turn.
     *
     * @throws ScalingoException not in time ({@link ScalingoException#isNotInTime()}) when the turn would come after
     *         the deadline; then no slot is taken, and the exception says when one frees
     */
    @Override
    public void acquire(Deadline deadline, String operation) {
        Slot slot = reserve(System.nanoTime(), deadline.nanoTime());
        if (!slot.booked()) {
            throw ScalingoException.notInTime(operation, Duration.ofNanos(slot.waitNanos()));
        }
        if (slot.waitNanos() > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(slot.waitNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ScalingoException.transport(operation, e);
            }
        }
    }

    /** Takes the next free start time (never before an earlier caller's) and says how long to wait for it. */
    long reserve(long now) {
        return reserve(now, Long.MAX_VALUE).waitNanos();
    }

    /** The next free start time, taken only if it is no later than {@code latestStart}. */
    synchronized Slot reserve(long now, long latestStart) {
        long start = lastStart == Long.MIN_VALUE ? now : Math.max(now, lastStart);
        boolean full = taken == recentStarts.length;
        if (full) {
            start = Math.max(start, recentStarts[oldest] + windowNanos);
        }
        if (start > latestStart) {
            return new Slot(false, start - now);
        }
        if (full) {
            recentStarts[oldest] = start;
            oldest = (oldest + 1) % recentStarts.length;
        } else {
            recentStarts[(oldest + taken) % recentStarts.length] = start;
            taken++;
        }
        lastStart = start;
        return new Slot(true, start - now);
    }
}
