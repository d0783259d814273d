package io.domainautomation.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.domainautomation.simulation.CleanupSimulation.Fault;
import io.domainautomation.simulation.CleanupSimulation.Tally;

/**
 * cleanup-stale through seeded histories with faults ({@link CleanupSimulation}). {@code ./mvnw -B verify} runs
 * {@value #DEFAULT_HISTORIES} histories and every kept seed; {@code -Psimulation} runs a million;
 * {@code -Dsimulation.seed=N} replays one. The figures go to {@code target/reliability/simulation.md}, which
 * RELIABILITY.md includes.
 */
class CleanupSimulationTest {

    static final int DEFAULT_HISTORIES = 10_000;

    /**
     * Seeds that found a defect, each kept as a regression case once fixed (see RELIABILITY.md, "Simulation").
     */
    static final Map<Long, String> KEPT_SEEDS = Map.ofEntries(
            Map.entry(1L, "a CNAME into the platform whose target no longer resolves was removed"),
            Map.entry(2L, "a removal whose step's save then failed lost its Domain Removed"),
            Map.entry(3L, "the tombstone was deleted after an unlink whose reply was lost"),
            Map.entry(6L, "a transient ledger error while settling a removal already done settled it not removed, unannounced"),
            Map.entry(8L, "an operator's dry run that took a scan over dropped a removal the scan had done"),
            Map.entry(10L, "a ledger error forgetting the stale record after an unlink lost the removal's event"),
            Map.entry(11L, "a mark written by an invocation killed before publishing was never announced"),
            Map.entry(13L, "a scan whose claim expired during its removals was replaced, its removals unannounced"),
            Map.entry(34L, "an invocation asking for a dry run took an abandoned scan over and removed with its setting"),
            Map.entry(146L, "an app scanned again after a failure was planned twice; the second removal deleted a tombstone"),
            Map.entry(183L, "DNS lookups of a large app ran past the invocation's deadline"),
            Map.entry(373L, "a restore before the removing scan announced the removal: Domain Removed never published"),
            Map.entry(560L, "a restore whose link reply was lost failed although the link was applied"),
            Map.entry(980L, "an app no invocation had time for was tried for ever"),
            Map.entry(1358L, "a second removal of a restored name overwrote the tombstone holding its pending announcement"),
            Map.entry(1434L, "a restore into a name another app holds claimed success and deleted the tombstone"),
            Map.entry(2527L, "a removal confirmed under a shorter confirmation period than the one in force at the unlink"),
            Map.entry(2594L, "a plan above a run cap lowered during its removals went on removing"),
            Map.entry(3137L, "caps lowered while a scan was removing were not checked again at the unlink"),
            Map.entry(508144L, "a removal of a restored name, killed before its step was saved, lost the restore's announcement"));

    @Test
    void everyKeptSeedStillHoldsItsInvariants() {
        KEPT_SEEDS.forEach((seed, defect) -> {
            Tally tally = CleanupSimulation.run(seed);
            assertTrue(tally.steps > 0, defect);
        });
    }

    @Test
    void seededHistoriesKeepEveryInvariant() throws IOException {
        Long only = Long.getLong("simulation.seed");
        long first = only != null ? only : Long.getLong("simulation.first-seed", 1L);
        long histories = only != null ? 1 : Long.getLong("simulation.histories", DEFAULT_HISTORIES);
        long started = System.nanoTime();
        // Each history is its own world (nothing shared between seeds): run on every core, each still replayable alone.
        Tally total = LongStream.range(first, first + histories).parallel().mapToObj(CleanupSimulation::run)
                .collect(Tally::new, Tally::add, Tally::add);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, total.histories);
        if (only == null) {
            // The histories reach what they are for: removals happen, restores happen, every fault kind is injected.
            assertTrue(total.removals > 0, "some histories remove domains");
            assertTrue(total.restores > 0, "some histories restore domains");
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
        StringBuilder md = new StringBuilder("## Simulation\n\n")
                .append("`CleanupSimulationTest` drives cleanup-stale's core (scan, removal, restore, the outbox of its events,\n")
                .append("continuations) on the in-memory ports through seeded histories with faults, checking the invariants\n")
                .append("after every step and at every removal (`simulation/CleanupSimulation.java` lists them). Every history is\n")
                .append("reproducible from its seed: `./mvnw -pl src/functions -am test -Dtest=CleanupSimulationTest -Dsimulation.seed=N`.\n")
                .append("`./mvnw -B verify` runs ").append(DEFAULT_HISTORIES).append(" histories; `./mvnw -B verify -Psimulation` a million.\n\n")
                .append(String.format(Locale.ROOT, "This run: seeds %d to %d, %d histories, %d steps, %d invocations, %d port calls, "
                        + "%d removals, %d restores, %d invariant checks, **0 violations**, in %.1f s.%n%n", first,
                        first + total.histories - 1, total.histories, total.steps, total.invocations, total.portCalls,
                        total.removals, total.restores, total.checks, millis / 1000.0))
                .append("| fault injected | times |\n|---|---|\n");
        for (Fault fault : Fault.values()) {
            md.append("| ").append(fault.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(total.faults.getOrDefault(fault, 0L)).append(" |\n");
        }
        md.append("\nSeeds kept as regression cases (each found a defect, fixed since):\n\n");
        if (KEPT_SEEDS.isEmpty()) {
            md.append("- none\n");
        }
        KEPT_SEEDS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> md.append("- `").append(e.getKey()).append("`: ").append(e.getValue()).append('\n'));
        md.append('\n');
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/simulation.md"), md.toString());
    }
}
