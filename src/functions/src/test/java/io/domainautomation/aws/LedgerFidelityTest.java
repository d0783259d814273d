package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.retry.backoff.BackoffStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.fakes.InMemoryCleanupLedger;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.simulation.CleanupSimulation;
import io.domainautomation.simulation.MirroredLedger;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The simulation's histories with the real ledger beside the model: cleanup-stale's seeded histories
 * ({@link CleanupSimulation}, its faults and invariants unchanged) run with every ledger call mirrored onto the DynamoDB
 * adapter, through the sandbox (which enforces cleanup-stale's IAM and injects the same faults at the wire) to
 * dynalite; every answer given without a fault must be the same on both sides ({@link MirroredLedger}). It shows the
 * in-memory ledger the simulation's verdicts rest on answers as DynamoDB does along the histories that matter, lost
 * replies and retries included. {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories, {@code -Psimulation}
 * {@code simulation.fidelity-histories} (100); figures in {@code target/reliability/fidelity.md}.
 */
@QuarkusTest
class LedgerFidelityTest {

    static final int DEFAULT_HISTORIES = 10;
    /** The real client's attempts per call: the first and two retries, without back-off (time is the simulation's). */
    private static final int ATTEMPTS = 3;

    @Inject
    LedgerConfig ledgerConfig;

    @Inject
    AwsConfig awsConfig;

    @Inject
    ObjectMapper json;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    SandboxState sandbox;

    @AfterEach
    void noFaultLeft() {
        sandbox.faults().dynamoFailNext(0).dynamoLoseNextReplies(0);
    }

    @Test
    void theSimulationsHistoriesAnswerAlikeOnTheModelAndOnDynamoDb() throws IOException {
        long first = Long.getLong("simulation.fidelity-first-seed", 1L);
        long histories = Long.getLong("simulation.fidelity-histories", DEFAULT_HISTORIES);
        DynamoDbClient client = AwsClients.build(DynamoDbClient.builder(), Region.of(awsConfig.region()), new LocalCredentials(),
                ledgerConfig.endpointOverride())
                // Every retry made (no retry-capacity bucket, which thousands of injected failures would empty): the
                // model's "the SDK's retry met the change" needs the retry to happen.
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.builder().numRetries(ATTEMPTS - 1)
                        .backoffStrategy(BackoffStrategy.none()).throttlingBackoffStrategy(BackoffStrategy.none())
                        .retryCapacityCondition(null).build())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
        DynamoDbLedger real = new DynamoDbLedger(() -> client, ledgerConfig, json);
        MirroredLedger.WireFaults wire = new MirroredLedger.WireFaults() {
            @Override
            public void failNext(int requests) {
                sandbox.faults().dynamoFailNext(requests);
            }

            @Override
            public void loseNextReply() {
                sandbox.faults().dynamoLoseNextReplies(1);
            }

            @Override
            public void clear() {
                sandbox.faults().dynamoFailNext(0).dynamoLoseNextReplies(0);
            }
        };
        // Signed as cleanup-stale (its Funqy export), the function whose ledger it is.
        Function<Supplier<Object>, Object> asCleanupStale = call -> {
            try (LocalCredentials.Scope caller = LocalCredentials.callerIs("cleanup-stale")) {
                return call.get();
            }
        };
        MirroredLedger.Counts counts = new MirroredLedger.Counts();
        CleanupSimulation.Tally tally = new CleanupSimulation.Tally();
        long started = System.nanoTime();
        for (long seed = first; seed < first + histories; seed++) {
            LedgerTable.clear(operatorsClient, ledgerConfig.table());
            MirroredLedger[] mirror = new MirroredLedger[1];
            try {
                tally.add(CleanupSimulation.run(seed, model -> mirror[0] = new MirroredLedger((InMemoryCleanupLedger) model, real,
                        wire, ATTEMPTS, asCleanupStale)));
                mirror[0].compareStored(); // the history over (its faults stopped): everything both hold, read back
            } catch (MirroredLedger.Divergence divergence) {
                throw new AssertionError("seed " + seed + ": the model and DynamoDB answered differently: "
                        + divergence.getMessage() + "\nreplay: ./mvnw -pl src/functions -am test -Dtest=LedgerFidelityTest"
                        + " -Dsimulation.fidelity-first-seed=" + seed + " -Dsimulation.fidelity-histories=1", divergence);
            }
            counts.add(mirror[0].counts());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, tally.histories);
        assertTrue(counts.compared > 0 && counts.failedAtTheWire > 0 && counts.lostAtTheWire > 0
                && counts.conditionOnRetryCompared > 0 && counts.storedCompared > 0,
                "the histories compare answers, meet every kind of fault at the wire and compare what is stored: " + describe(counts));
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/fidelity.md"), String.format(Locale.ROOT, """
                ### Fidelity: the model's ledger against DynamoDB

                `LedgerFidelityTest`: seeds %d to %d of the simulation (%d histories, %d invocations) run again with every ledger
                call also made on the DynamoDB adapter, through the sandbox (cleanup-stale's IAM enforced, faults injected at
                the wire) to dynalite. %s. Answers that differed: **0** (one would stop the run with its seed). In %.1f s.
                Scalingo's and DNS's in-memory ports are compared with the sandbox and dnsjava call by call (`PortFidelityTest`),
                not yet along whole histories.

                """, first, first + histories - 1, tally.histories, tally.invocations, describe(counts), millis / 1000.0));
    }

    private static String describe(MirroredLedger.Counts counts) {
        return String.format(Locale.ROOT, "%d answers compared without a fault, %d after a lost reply met the change on the SDK's retry;"
                + " %d calls failed at the wire on every attempt (the adapter failing transiently, as the model does), %d replies"
                + " lost at the wire after the change was applied, %d calls not made (the process killed before them); at the end"
                + " of each history, what both hold read back and compared (%d reads: every stale and certificate record, every"
                + " scan, every tombstone named)",
                counts.compared, counts.conditionOnRetryCompared, counts.failedAtTheWire, counts.lostAtTheWire, counts.notMadeKilled,
                counts.storedCompared);
    }
}
