package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.List;

/**
 * Lets the measured rate-budget benchmark ({@code benchmarks.RateBudgetBenchmark}, another package) run the model's
 * arrivals and today's fixed shares on its own clock, exactly as {@link RateBudgetModel} does.
 */
public final class RateBudgetAccess {

    private RateBudgetAccess() {
    }

    /** {@link RateBudgetModel#steady}: Poisson arrivals at {@code perMinute}, the same for the same seed. */
    public static List<Long> steady(double perMinute, long untilMillis, long seed) {
        return RateBudgetModel.steady(perMinute, untilMillis, seed);
    }

    /** The model's SQS batching window (link-on-signup's MaximumBatchingWindowInSeconds in template.yaml), in ms. */
    public static long batchingWindowMillis() {
        return RateBudgetModel.BATCHING_WINDOW;
    }

    /** {@link RateBudgetModel#burst}: {@code signups} within 5 s. */
    public static List<Long> burst(int signups) {
        return RateBudgetModel.burst(signups);
    }

    /**
     * A container's fixed share as the model paces it: {@code requests} a minute, the deployed guard of a second, the
     * whole share free at time 0 of the caller's clock.
     */
    public static RequestPacer fixedShare(int requests) {
        RequestPacer pacer = new RequestPacer(requests, Duration.ofMinutes(1), Duration.ofSeconds(1));
        pacer.startFresh(0);
        return pacer;
    }

    /**
     * Takes the pacer's next start time at {@code nowNanos} of the caller's clock (what {@link RequestPacer#acquire}
     * does on {@code System.nanoTime()}): how long to wait for it, in that clock's nanoseconds.
     */
    public static long reserve(RequestPacer pacer, long nowNanos) {
        return pacer.reserve(nowNanos);
    }
}
