package io.domainautomation.logic.port;

import java.time.Duration;

/**
 * The one rule of every loop that must end within an invocation: a new step (an app, a removal) starts only if even
 * the slowest step seen so far would still end before the budget or the invocation's deadline, whichever comes first;
 * the first step always starts, so every invocation makes progress.
 *
 * <pre>
 * TimeBudget budget = TimeBudget.of(ticker, Duration.ofMinutes(4), deadline);
 * for (App app : apps) {
 *     if (!budget.startNext()) { break; }   // hand the rest on
 *     ...
 *     budget.stepDone();
 * }
 * </pre>
 */
public final class TimeBudget {

    private final Ticker ticker;
    private final long end;
    private long slowest;
    private long stepStarted;
    private int started;

    private TimeBudget(Ticker ticker, long end) {
        this.ticker = ticker;
        this.end = end;
    }

    public static TimeBudget of(Ticker ticker, Duration budget, Deadline deadline) {
        long now = ticker.nanoTime();
        long budgetEnd = now + Math.max(0, budget.toNanos());
        if (budgetEnd < now) {
            budgetEnd = Long.MAX_VALUE; // overflow: no budget of its own
        }
        return new TimeBudget(ticker, Math.min(budgetEnd, deadline.nanoTime()));
    }

    /** Whether the next step may start (and, if so, it is timed from now). */
    public boolean startNext() {
        long now = ticker.nanoTime();
        if (started > 0 && now + 2 * slowest > end) {
            return false;
        }
        started++;
        stepStarted = now;
        return true;
    }

    /** The step started by the last {@link #startNext()} ended; its time counts towards the slowest. */
    public void stepDone() {
        slowest = Math.max(slowest, ticker.nanoTime() - stepStarted);
    }

    /** Steps started so far. */
    public int started() {
        return started;
    }
}
