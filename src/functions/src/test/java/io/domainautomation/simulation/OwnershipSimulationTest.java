package io.domainautomation.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * link-on-signup's proof of ownership through seeded histories with faults ({@link OwnershipSimulation}).
 * {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories; {@code -Dsimulation.ownership-histories=N}
 * more; {@code -Dsimulation.seed=N} replays one.
 */
class OwnershipSimulationTest {

    static final int DEFAULT_HISTORIES = 5_000;

    @Test
    void historiesWithFaultsKeepEveryInvariant() {
        String replay = System.getProperty("simulation.seed");
        if (replay != null) {
            assertEquals(1, OwnershipSimulation.run(Long.parseLong(replay)).histories);
            return;
        }
        int histories = Integer.getInteger("simulation.ownership-histories", DEFAULT_HISTORIES);
        OwnershipSimulation.Tally tally = OwnershipSimulation.run(1, histories);
        assertEquals(histories, tally.histories);
        // the histories walk the paths they are for: links after a proof, each fault, each outcome
        assertTrue(tally.links > histories / 10, "links: " + tally.links);
        for (String fault : new String[] { "kill", "ledger-lost-reply", "ledger-timeout", "recheck-refused",
                "recheck-lost-reply", "dns-failure", "events-refused", "scalingo-5xx", "short-deadline", "duplicate-message",
                "duplicate-delivery" }) {
            assertTrue(tally.faults.getOrDefault(fault, 0L) > 0, fault + " never happened: " + tally.faults);
        }
        for (String outcome : new String[] { "linked", "awaiting-proof", "dropped", "rejected", "retry", "unlinked",
                "already-unlinked" }) {
            assertTrue(tally.outcomes.getOrDefault(outcome, 0L) > 0, outcome + " never happened: " + tally.outcomes);
        }
    }
}
