package io.domainautomation.logic.port;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When an invocation must have its answer, on the monotonic clock: every wait and retry of the client ends before
 * it. {@link #none()} for work that has no deadline of its own (the retry budget still bounds each call).
 */
public record Deadline(long nanoTime) {

    private static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    public static Deadline none() {
        return NONE;
    }

    public static Deadline after(Duration remaining) {
        return new Deadline(System.nanoTime() + Math.max(0, remaining.toNanos()));
    }

    public boolean isNone() {
        return nanoTime == Long.MAX_VALUE;
    }

    /**
     * Whether work taking {@code longest} at its longest, started now by {@code ticker}, still ends by the deadline
     * (always, without one): an outside call is started only then.
     */
    public boolean allows(Duration longest, Ticker ticker) {
        return isNone() || nanoTime - ticker.nanoTime() >= longest.toNanos();
    }

    /** When the deadline falls on the wall clock ({@code ifNone} from now without one). */
    public Instant endsAt(Clock clock, Ticker ticker, Duration ifNone) {
        return clock.instant().plus(isNone() ? ifNone : Duration.ofNanos(Math.max(0, nanoTime - ticker.nanoTime())));
    }

    /**
     * The deadline {@code reserve} earlier (none stays none): the last moment work may start that takes
     * {@code reserve} at its longest and must end by this deadline.
     */
    public Deadline less(Duration reserve) {
        return isNone() ? this : new Deadline(nanoTime - Math.max(0, reserve.toNanos()));
    }

    public Deadline earliest(Deadline other) {
        return other.nanoTime < nanoTime ? other : this;
    }

    @Override
    public String toString() {
        return isNone() ? "Deadline[none]" : "Deadline[in " + Duration.ofNanos(nanoTime - System.nanoTime()).toMillis() + " ms]";
    }
}
