package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Holds this process to the configured request rate: at most {@code requests} requests start in any window of
 * (period + guard), so no window of one period at Scalingo ever sees more than the allowed count and a healthy run
 * meets no 429. The guard absorbs the jitter between taking a slot and the request reaching Scalingo. Within that,
 * an idle process may send up to the whole budget at once (a batch of new domains links without waiting); a busy one
 * is held to the rate.
 */
@ApplicationScoped
public class RequestPacer {

    private final long windowNanos;
    /** The start times of the last {@code requests} requests, oldest at {@code oldest}; unused entries are empty. */
    private final long[] recentStarts;
    private int oldest;
    private int taken;
    private long lastStart = Long.MIN_VALUE;

    @Inject
    RequestPacer(ScalingoConfig config) {
        this(config.rateLimit().requests(), config.rateLimit().period(), config.rateLimit().guard());
    }

    RequestPacer(int requests, Duration period, Duration guard) {
        if (requests <= 0) {
            throw new IllegalArgumentException("scalingo.rate-limit.requests must be positive, was " + requests);
        }
        this.windowNanos = period.plus(guard).toNanos();
        this.recentStarts = new long[requests];
    }

    /** Blocks until this caller's turn. */
    public void acquire() {
        long waitNanos = reserve(System.nanoTime());
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the Scalingo rate budget", e);
            }
        }
    }

    /** Takes the next free start time (never before an earlier caller's) and says how long to wait for it. */
    synchronized long reserve(long now) {
        long start = lastStart == Long.MIN_VALUE ? now : Math.max(now, lastStart);
        if (taken == recentStarts.length) {
            start = Math.max(start, recentStarts[oldest] + windowNanos);
            recentStarts[oldest] = start;
            oldest = (oldest + 1) % recentStarts.length;
        } else {
            recentStarts[(oldest + taken) % recentStarts.length] = start;
            taken++;
        }
        lastStart = start;
        return start - now;
    }
}
