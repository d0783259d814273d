package io.domainautomation.scalingo;

import java.time.Duration;

/**
 * What {@code simulation.BudgetSimulation} needs of this package's internals, read only: the shared budget's constants
 * and the static share's booking on a virtual ticker ({@link RequestPacer#acquire} reads {@code System.nanoTime()},
 * so the simulation books through {@link RequestPacer#reserve(long, long)} on its own clock and waits on its own
 * event loop, as {@code acquire} would).
 */
public final class BudgetSimulationAccess {

    /** {@link SharedBudget#STORE_DOWN_FOR}: how long a container goes by its static share after a store failure. */
    public static final long STORE_DOWN_FOR = SharedBudget.STORE_DOWN_FOR;
    /** {@link SharedBudget#STORE_CALLS_PER_WRITE}: the store calls a grant starts only with time for. */
    public static final int STORE_CALLS_PER_WRITE = SharedBudget.STORE_CALLS_PER_WRITE;

    private BudgetSimulationAccess() {
    }

    /** A container's static share as {@code AdapterWiring} makes it, started on the virtual ticker. */
    public static RequestPacer fallback(int requests, Duration period, Duration guard, long nowNanos) {
        RequestPacer pacer = RequestPacer.of(requests, period, guard);
        pacer.startFresh(nowNanos);
        return pacer;
    }

    /**
     * {@link RequestPacer#acquire}'s booking on the virtual ticker: {@code {1, wait}} booked (the request starts after
     * {@code wait} nanoseconds), {@code {0, wait}} not in time.
     */
    public static long[] reserve(RequestPacer pacer, long nowNanos, long latestStartNanos) {
        RequestPacer.Slot slot = pacer.reserve(nowNanos, latestStartNanos);
        return new long[] {slot.booked() ? 1 : 0, slot.waitNanos()};
    }
}
