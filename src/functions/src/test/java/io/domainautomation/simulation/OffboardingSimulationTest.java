package io.domainautomation.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * link-on-signup's offboarding through seeded histories with faults ({@link OffboardingSimulation}).
 * {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories; {@code -Dsimulation.offboarding-histories=N}
 * more; {@code -Dsimulation.seed=N} replays one.
 */
class OffboardingSimulationTest {

    static final int DEFAULT_HISTORIES = 10_000;

    @Test
    void historiesWithFaultsKeepEveryInvariant() {
        String replay = System.getProperty("simulation.seed");
        if (replay != null) {
            assertEquals(1, OffboardingSimulation.run(Long.parseLong(replay)).histories);
            return;
        }
        int histories = Integer.getInteger("simulation.offboarding-histories", DEFAULT_HISTORIES);
        OffboardingSimulation.Tally tally = OffboardingSimulation.run(1, histories);
        assertEquals(histories, tally.histories);
        // the histories walk the paths they are for: unlinks, each fault, each outcome
        assertTrue(tally.unlinks > histories / 2, "unlinks: " + tally.unlinks);
        for (String fault : new String[] { "kill", "scalingo-lost-reply", "scalingo-5xx", "ledger-timeout", "ledger-lost-reply",
                "events-refused", "short-deadline", "duplicate-message", "duplicate-delivery" }) {
            assertTrue(tally.faults.getOrDefault(fault, 0L) > 0, fault + " never happened: " + tally.faults);
        }
        for (String outcome : new String[] { "unlinked", "already-unlinked", "rejected", "retry" }) {
            assertTrue(tally.outcomes.getOrDefault(outcome, 0L) > 0, outcome + " never happened: " + tally.outcomes);
        }
    }
}
