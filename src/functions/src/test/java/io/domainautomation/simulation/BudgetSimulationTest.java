package io.domainautomation.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.domainautomation.simulation.BudgetSimulation.Fault;
import io.domainautomation.simulation.BudgetSimulation.Tally;

/**
 * The account's shared rate budget through seeded histories with faults ({@link BudgetSimulation}: several containers'
 * {@code SharedBudget}s on one faulty store, Scalingo's limit, the people on the account). {@code ./mvnw -B verify}
 * runs {@value #DEFAULT_HISTORIES} histories; {@code -Psimulation} a hundred thousand
 * ({@code simulation.budget-histories}); {@code -Dsimulation.seed=N} replays one. The figures go to
 * {@code target/reliability/simulation-budget.md}, which RELIABILITY.md includes.
 */
class BudgetSimulationTest {

    static final int DEFAULT_HISTORIES = 2_000;

    @Test
    void aSeedIsOneHistory() {
        for (long seed : new long[] {3, 17}) {
            List<String> once = BudgetSimulation.traceOf(seed);
            assertTrue(once.size() > 20, "a history of several steps");
            assertEquals(once, BudgetSimulation.traceOf(seed), "seed " + seed + " replayed");
        }
    }

    @Test
    void seededHistoriesKeepEveryInvariant() throws IOException {
        Long only = Long.getLong("simulation.seed");
        long first = only != null ? only : Long.getLong("simulation.first-seed", 1L);
        long histories = only != null ? 1 : Long.getLong("simulation.budget-histories", DEFAULT_HISTORIES);
        long started = System.nanoTime();
        // each history is its own world (nothing shared between seeds): run on every core, each replayable alone
        Tally total = LongStream.range(first, first + histories).parallel().mapToObj(BudgetSimulation::run)
                .collect(Tally::new, Tally::add, Tally::add);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, total.histories);
        if (only == null) {
            // the histories walk the paths they are for: grants, fallbacks, shrinks, refusals, every fault
            assertTrue(total.grantRequests > histories * 20, "requests on grants: " + total.grantRequests);
            assertTrue(total.fallbackRequests > 0, "some requests go by the static share");
            assertTrue(total.shrinks > 0, "some 429s shrink the budget");
            assertTrue(total.lostGrants > 0, "some grants are written with their reply lost");
            assertTrue(total.refusals > 0, "some callers are refused as not in time");
            assertTrue(total.outcomes.getOrDefault("store refusal carrying the item", 0L) > 0
                    && total.outcomes.getOrDefault("store refusal, the item read after", 0L) > 0,
                    "both of the adapter's paths after a refused write: " + total.outcomes);
            assertTrue(total.maxGrantMinute >= BudgetSimulation.CAP, "some minutes are full: " + total.maxGrantMinute);
            List<Fault> never = new ArrayList<>();
            for (Fault fault : Fault.values()) {
                if (total.faults.getOrDefault(fault, 0L) == 0) {
                    never.add(fault);
                }
            }
            assertEquals(List.of(), never, "fault kinds never injected");
            write(first, total, millis);
        }
    }

    private static void write(long first, Tally total, long millis) throws IOException {
        StringBuilder md = new StringBuilder("### Simulation of the shared rate budget\n\n")
                .append("`BudgetSimulationTest` drives several containers' `SharedBudget`s (link-on-signup, set-canonical, the\n")
                .append("rotation, cleanup-stale) on one budget store with faults at every call, Scalingo's limit and the people on\n")
                .append("the account, on a virtual clock (`simulation/BudgetSimulation.java` lists the faults and the invariants).\n")
                .append("One seed again: `./mvnw -pl src/functions -am test -Dtest=BudgetSimulationTest -Dsimulation.seed=N`.\n\n")
                .append(String.format(Locale.ROOT, "This run: seeds %d to %d, %d histories, %d events, %d looks, %d store calls, "
                        + "%d grants (%d slots, %d never used, %d written with their reply lost), %d requests on grants, %d by the "
                        + "static share, %d by the people, %d shrinks, %d refusals, %d 429s to the automation (%d with fallback "
                        + "requests in the minute), the most in one minute: %d on grants, %d by the automation in all, %d by the "
                        + "static share; %d lower-priority grants written while a higher-priority caller waited (%d of them "
                        + "overtaking a waiting rotation: the known defect, excused); %d invariant checks, **0 violations**, in "
                        + "%.1f s.%n%n", first, first + total.histories - 1,
                        total.histories, total.events, total.looks, total.storeCalls, total.grants, total.grantedSlots,
                        total.unusedSlots, total.lostGrants, total.grantRequests, total.fallbackRequests, total.outsideRequests,
                        total.shrinks, total.refusals, total.tooManyAutomation, total.tooManyWithFallback, total.maxGrantMinute,
                        total.maxAutomationMinute, total.maxFallbackMinute, total.concurrentWaits, total.pacedInversions, total.checks, millis / 1000.0))
                .append("| fault injected | times |\n|---|---|\n");
        for (Fault fault : Fault.values()) {
            md.append("| ").append(fault.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(total.faults.getOrDefault(fault, 0L)).append(" |\n");
        }
        md.append("\n| outcome | times |\n|---|---|\n");
        total.outcomes.forEach((outcome, times) -> md.append("| ").append(outcome).append(" | ").append(times).append(" |\n"));
        md.append('\n');
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/simulation-budget.md"), md.toString());
    }
}
