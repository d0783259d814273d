package io.domainautomation.logic;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.domainautomation.logic.port.Ticker;

/**
 * The wall clock the decisions that span days read, and the monotonic one deadlines and time budgets are read on
 * (tests put clocks of their own in their place).
 */
public class Clocks {

    @Produces
    @Singleton
    Clock wallClock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Ticker monotonic() {
        return Ticker.SYSTEM;
    }
}
