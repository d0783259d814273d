package io.domainautomation.logic.port;

/**
 * The monotonic clock deadlines and time budgets are read on ({@link System#nanoTime()} when deployed), so a
 * simulation can move time by itself.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
