package io.domainautomation.logic.port;

import java.time.Duration;

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

    public Deadline earliest(Deadline other) {
        return other.nanoTime < nanoTime ? other : this;
    }

    @Override
    public String toString() {
        return isNone() ? "Deadline[none]" : "Deadline[in " + Duration.ofNanos(nanoTime - System.nanoTime()).toMillis() + " ms]";
    }
}
