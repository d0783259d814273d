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

import io.domainautomation.simulation.RotationSimulation.Fault;
import io.domainautomation.simulation.RotationSimulation.Tally;

/**
 * rotate-cert-from-secrets-manager through seeded histories with faults ({@link RotationSimulation}).
 * {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories and every kept seed; {@code -Psimulation} a
 * million ({@code simulation.rotation-histories}); {@code -Dsimulation.seed=N} replays one. The figures go to
 * {@code target/reliability/simulation-rotation.md}, which RELIABILITY.md includes.
 */
class RotationSimulationTest {

    static final int DEFAULT_HISTORIES = 10_000;

    /** A seed that found a defect, kept as a regression case once fixed, with the generator of its day. */
    record Kept(long seed, RotationSimulation.Generation generation, String defect) {
        @Override
        public String toString() {
            return seed + " (" + generation.name().toLowerCase(Locale.ROOT) + " generation): " + defect;
        }
    }

    /** Seeds that found a defect, each kept as a regression case once fixed (a violation fails the run). */
    static final List<Kept> KEPT_SEEDS = List.of(
            new Kept(790L, RotationSimulation.Generation.FIRST,
                    "an upload's intent that never happened replaced the deployment's record: the carried certificate was uploaded again"),
            new Kept(1017L, RotationSimulation.Generation.FIRST,
                    "an upload whose event could not be published was never announced once its secret stopped claiming the domain"),
            new Kept(1670L, RotationSimulation.Generation.FIRST,
                    "an upload whose run was killed before recording it was never recorded nor announced"),
            new Kept(2689L, RotationSimulation.Generation.FIRST,
                    "a later intent replaced the record of a deployment not announced yet: its announcement was lost"),
            new Kept(3551L, RotationSimulation.Generation.FIRST,
                    "an intent written over an upload of unknown outcome made the deployment before it look known again"),
            new Kept(10120L, RotationSimulation.Generation.FIRST,
                    "the runner-up won a domain when the app's domains could not be listed for the winning secret"),
            new Kept(15052L, RotationSimulation.Generation.FIRST,
                    "a re-key's upload of unknown outcome left the record saying the domain carried the other key"),
            new Kept(15472L, RotationSimulation.Generation.FIRST,
                    "an intent replaced an unannounced deployment of a domain no secret claimed afterwards"));

    /**
     * Each kept seed replays, under the generator of its day, the history it failed in (those of the first generation
     * checked step by step against the generator as it was, on 2026-12-07).
     */
    @Test
    void everyKeptSeedStillHoldsItsInvariants() {
        KEPT_SEEDS.forEach(kept -> assertEquals(1, RotationSimulation.run(kept.seed(), kept.generation()).histories,
                kept.defect()));
    }

    @Test
    void aSeedIsOneHistory() {
        for (long seed : new long[] { 7, 790 }) {
            for (RotationSimulation.Generation generation : RotationSimulation.Generation.values()) {
                List<String> once = RotationSimulation.traceOf(seed, generation);
                assertTrue(once.size() > 20, "a history of several steps");
                assertEquals(once, RotationSimulation.traceOf(seed, generation), "seed " + seed + " replayed");
            }
        }
    }

    @org.junit.jupiter.api.BeforeAll
    static void rememberKeyProofs() {
        // the same twenty certificates and keys, checked millions of times: a signature each time would be the run
        io.domainautomation.logic.tls.PemBundle.rememberProofs(true);
    }

    @org.junit.jupiter.api.AfterAll
    static void forgetKeyProofs() {
        io.domainautomation.logic.tls.PemBundle.rememberProofs(false);
    }

    @Test
    void seededHistoriesKeepEveryInvariant() throws IOException {
        Long only = Long.getLong("simulation.seed");
        long first = only != null ? only : Long.getLong("simulation.first-seed", 1L);
        long histories = only != null ? 1 : Long.getLong("simulation.rotation-histories", DEFAULT_HISTORIES);
        long started = System.nanoTime();
        Tally total = LongStream.range(first, first + histories).parallel().mapToObj(RotationSimulation::run)
                .collect(Tally::new, Tally::add, Tally::add);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, total.histories);
        if (only == null) {
            assertTrue(total.uploads > 0, "some histories upload certificates");
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
        StringBuilder md = new StringBuilder("### Simulation of the rotation\n\n")
                .append("`RotationSimulationTest` drives rotate-cert-from-secrets-manager's core (gathering, claims, settling,\n")
                .append("deploying, announcing) on the in-memory ports through seeded histories with faults\n")
                .append("(`simulation/RotationSimulation.java` lists them and the invariants). One seed again:\n")
                .append("`./mvnw -pl src/functions -am test -Dtest=RotationSimulationTest -Dsimulation.seed=N`.\n\n")
                .append(String.format(Locale.ROOT, "This run: seeds %d to %d, %d histories, %d runs, %d port calls, %d uploads, "
                        + "%d invariant checks, **0 violations**, in %.1f s.%n%n", first, first + total.histories - 1,
                        total.histories, total.runs, total.portCalls, total.uploads, total.checks, millis / 1000.0))
                .append("| fault injected | times |\n|---|---|\n");
        for (Fault fault : Fault.values()) {
            md.append("| ").append(fault.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(total.faults.getOrDefault(fault, 0L)).append(" |\n");
        }
        md.append("\nSeeds kept as regression cases: ").append(KEPT_SEEDS.isEmpty() ? "none yet" : KEPT_SEEDS.toString()).append("\n\n");
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/simulation-rotation.md"), md.toString());
    }
}
