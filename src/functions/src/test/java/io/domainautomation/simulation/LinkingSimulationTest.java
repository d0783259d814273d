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

import io.domainautomation.simulation.LinkingSimulation.Fault;
import io.domainautomation.simulation.LinkingSimulation.Race;
import io.domainautomation.simulation.LinkingSimulation.Tally;

/**
 * link-on-signup and set-canonical through seeded histories with faults ({@link LinkingSimulation}).
 * {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories and every kept seed; {@code -Psimulation} a
 * million ({@code simulation.linking-histories}); {@code -Dsimulation.seed=N} replays one. The figures go to
 * {@code target/reliability/simulation-linking.md}, which RELIABILITY.md includes.
 */
class LinkingSimulationTest {

    static final int DEFAULT_HISTORIES = 10_000;

    /**
     * Seeds that found a defect, each kept as a regression case once fixed (a violation fails the run), read by the
     * generator of today (concurrent containers and tlsSecretId since 2026-12-07). The seeds kept under the sequential
     * generator before it (2501, 2509, 2511, 5199) are retired: that generator reads them no more, and no history here
     * replays them; their defects are held by unit tests (SignupLinkingTest's
     * anAppNamedByItsIdIsLinkedAnnouncedAndPointedAtByItsName and aMessageDeliveredAgainAfterItsEventFailedAnnouncesItsLink-
     * AsLinkedUnderTheSameId; CanonicalDomainsTest's aChangeWhoseInvocationDiedBeforeItsEventIsAnnouncedByTheNextRequest-
     * UnderItsOwnId and aNewChangeWaitsWhileTheLastOneCannotBeAnnounced).
     */
    static final Map<Long, String> KEPT_SEEDS = Map.of(
            2670L, "a message with a tlsSecretId whose name another container linked just before its POST (a 422) ended"
                    + " linked without its certificate",
            4190L, "a canonical change made after another request's list, its own request over before that request read"
                    + " the ledger, looked neither made nor in flight and was replaced unannounced");

    @org.junit.jupiter.api.BeforeAll
    static void rememberKeyProofs() {
        // the same few certificates and keys of tlsSecretId, checked again and again: a signature each time would be the run
        io.domainautomation.logic.tls.PemBundle.rememberProofs(true);
    }

    @org.junit.jupiter.api.AfterAll
    static void forgetKeyProofs() {
        io.domainautomation.logic.tls.PemBundle.rememberProofs(false);
    }

    @Test
    void everyKeptSeedStillHoldsItsInvariants() {
        KEPT_SEEDS.forEach((seed, defect) -> assertEquals(1, LinkingSimulation.run(seed).histories, defect));
    }

    @Test
    void seededHistoriesKeepEveryInvariant() throws IOException {
        Long only = Long.getLong("simulation.seed");
        long first = only != null ? only : Long.getLong("simulation.first-seed", 1L);
        long histories = only != null ? 1 : Long.getLong("simulation.linking-histories", DEFAULT_HISTORIES);
        long started = System.nanoTime();
        Tally total = LongStream.range(first, first + histories).parallel().mapToObj(LinkingSimulation::run)
                .collect(Tally::new, Tally::add, Tally::add);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, total.histories);
        if (only == null) {
            assertTrue(total.links > 0 && total.canonicalChanges > 0, "some histories link domains and change canonical ones");
            assertTrue(total.secretDeliveries > 0 && total.certificatesCarried > 0 && total.secretRejections > 0,
                    "some messages carry a tlsSecretId: some link with its certificate, some are rejected for it");
            assertTrue(total.concurrentSteps > 0 && total.switches > 0, "some steps run invocations at once, interleaved");
            List<Fault> never = new ArrayList<>();
            for (Fault fault : Fault.values()) {
                if (total.faults.getOrDefault(fault, 0L) == 0) {
                    never.add(fault);
                }
            }
            assertEquals(List.of(), never, "fault kinds never injected");
            List<Race> unraced = new ArrayList<>();
            for (Race race : Race.values()) {
                if (total.races.getOrDefault(race, 0L) == 0) {
                    unraced.add(race);
                }
            }
            assertEquals(List.of(), unraced, "races never run");
            write(first, total, millis);
        }
    }

    /**
     * Invocations at once run on threads, one at a time as the seed says: one seed's history is the same every time,
     * its trace (the interleaving included) and its events, whether it runs alone or beside other histories.
     */
    @Test
    void aHistoryWithInvocationsAtOnceIsAFunctionOfItsSeed() {
        long seed = LongStream.rangeClosed(1, 200).filter(s -> LinkingSimulation.replay(s).tally().switches > 20).findFirst()
                .orElseThrow(() -> new AssertionError("no history among the first 200 switches between invocations"));
        LinkingSimulation.Replay alone = LinkingSimulation.replay(seed);
        // again, beside 15 other histories on the parallel stream's threads
        LinkingSimulation.Replay beside = LongStream.range(seed, seed + 16).parallel().mapToObj(LinkingSimulation::replay)
                .toList().get(0);
        assertTrue(alone.trace().stream().anyMatch(line -> line.contains("at once")), "the history has a concurrent step");
        assertEquals(alone.trace(), beside.trace(), "seed " + seed + ": the same trace");
        assertEquals(alone.events(), beside.events(), "seed " + seed + ": the same events");
        assertEquals(alone.tally().switches, beside.tally().switches);
    }

    private static void write(long first, Tally total, long millis) throws IOException {
        StringBuilder md = new StringBuilder("### Simulation of link-on-signup and set-canonical\n\n")
                .append("`LinkingSimulationTest` drives link-on-signup's core (a message's link, its event, its rejection) and\n")
                .append("set-canonical's (each change recorded, made, announced) on one in-memory platform through seeded\n")
                .append("histories with faults (`simulation/LinkingSimulation.java` lists them and the invariants). One seed again:\n")
                .append("`./mvnw -pl src/functions -am test -Dtest=LinkingSimulationTest -Dsimulation.seed=N`.\n\n")
                .append(String.format(Locale.ROOT, "This run: seeds %d to %d, %d histories, %d message deliveries (%d with a "
                        + "`tlsSecretId`: %d links checked to carry its certificate, %d left with the custom certificate they carried, %d "
                        + "rejected for it), %d canonical "
                        + "requests, %d links, %d canonical changes, %d concurrent steps (two or three invocations at once in "
                        + "their own containers, %d switches between them), %d port calls, %d invariant checks, "
                        + "**0 violations**, in %.1f s.%n%n", first, first + total.histories - 1, total.histories,
                        total.deliveries, total.secretDeliveries, total.certificatesCarried, total.certificatesLeft,
                        total.secretRejections,
                        total.requests, total.links, total.canonicalChanges, total.concurrentSteps, total.switches,
                        total.portCalls, total.checks, millis / 1000.0))
                .append("| fault injected | times |\n|---|---|\n");
        for (Fault fault : Fault.values()) {
            md.append("| ").append(fault.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(total.faults.getOrDefault(fault, 0L)).append(" |\n");
        }
        md.append("\n| at once | steps |\n|---|---|\n");
        for (Race race : Race.values()) {
            md.append("| ").append(race.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(total.races.getOrDefault(race, 0L)).append(" |\n");
        }
        md.append("\nSeeds kept as regression cases: ").append(KEPT_SEEDS.isEmpty() ? "none yet" : KEPT_SEEDS.toString()).append("\n\n");
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/simulation-linking.md"), md.toString());
    }
}
