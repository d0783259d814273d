package io.domainautomation.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Ticker;

/**
 * A wall clock and a monotonic clock that move only when told, together: for fast tests and the simulator, where an
 * invocation's minutes and a scan's weeks pass without sleeping.
 */
public final class ManualClock extends Clock implements Ticker {

    private Instant now;
    private long nanos;

    public ManualClock(Instant start) {
        this.now = start;
        this.nanos = 1_000_000_000L;
    }

    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        now = now.plus(by);
        nanos += by.toNanos();
    }

    /** A deadline this long from now, on this clock's monotonic time. */
    public synchronized Deadline deadlineIn(Duration remaining) {
        return new Deadline(nanos + remaining.toNanos());
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
