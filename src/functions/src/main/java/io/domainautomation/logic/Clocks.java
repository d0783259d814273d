package io.domainautomation.logic;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The wall clock the decisions that span days read (tests put a clock of their own in its place). */
public class Clocks {

    @Produces
    @Singleton
    Clock wallClock() {
        return Clock.systemUTC();
    }
}
