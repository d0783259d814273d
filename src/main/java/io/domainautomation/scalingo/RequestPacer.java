package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Holds this process to the configured request rate by spacing requests evenly, one every
 * (period + guard) / requests, so that no window of one period ever sees more than the allowed count and a healthy
 * run meets no 429. The guard absorbs the jitter between taking a slot and the request reaching Scalingo.
 */
@ApplicationScoped
public class RequestPacer {

    private final long intervalNanos;
    private long nextSlot = Long.MIN_VALUE;

    @Inject
    RequestPacer(ScalingoConfig config) {
        this(config.rateLimit().requests(), config.rateLimit().period(), config.rateLimit().guard());
    }

    RequestPacer(int requests, Duration period, Duration guard) {
        if (requests <= 0) {
            throw new IllegalArgumentException("scalingo.rate-limit.requests must be positive, was " + requests);
        }
        this.intervalNanos = period.plus(guard).toNanos() / requests;
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

    /** Takes the next free slot and says how long to wait for it. */
    synchronized long reserve(long now) {
        long slot = nextSlot == Long.MIN_VALUE ? now : Math.max(now, nextSlot);
        nextSlot = slot + intervalNanos;
        return slot - now;
    }
}
