package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.fakes.InMemoryCanonicalLedger;
import io.domainautomation.fakes.InMemoryLinkLedger;
import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.ManualClock;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.simulation.LedgerMirror;
import io.domainautomation.simulation.LinkingSimulation;
import io.domainautomation.simulation.MirroredLedger;
import io.domainautomation.simulation.MirroredScalingo;
import io.domainautomation.simulation.MirroredSignupLedgers;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * link-on-signup's and set-canonical's simulated histories ({@link LinkingSimulation}, its faults and invariants
 * unchanged) with every port call also made on the real adapter, the same fault injected at its wire, and every answer
 * compared: Scalingo on the REST client over HTTP to the sandbox (the histories' changes by hand made there too, on
 * their clock; {@link MirroredScalingo}); the link and canonical ledgers on their DynamoDB adapters through the
 * sandbox, signed as link-on-signup and set-canonical (IAM as deployed), to dynalite ({@link MirroredSignupLedgers}).
 * At the end of each history, everything both sides hold is read back and compared. {@code ./mvnw -B verify} runs
 * {@value #DEFAULT_HISTORIES} histories, {@code -Psimulation} {@code simulation.fidelity-histories} (100); figures in
 * {@code target/reliability/fidelity-linking.md}.
 */
@QuarkusTest
@TestProfile(FidelityTest.QuickRetries.class)
class LinkingFidelityTest {

    static final int DEFAULT_HISTORIES = 20;

    @Inject
    LedgerConfig ledgerConfig;

    @Inject
    AwsConfig awsConfig;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    SandboxState sandbox;

    @Inject
    DomainsService realDomains;

    @Inject
    AppsService realApps;

    @AfterEach
    void backToTheSandboxsOwn() {
        sandbox.faults().dynamoFailNext(0).dynamoLoseNextReplies(0).failNext(0).dropNext(0).loseRepliesNext(0)
                .rateLimitBurst(0);
        sandbox.reset();
        sandbox.addApiToken(FidelityTest.TOKEN);
    }

    @Test
    void theLinkingHistoriesAnswerAlikeOnTheModelsAndOnTheRealAdapters() throws IOException {
        long first = Long.getLong("simulation.fidelity-first-seed", 1L);
        long histories = Long.getLong("simulation.fidelity-histories", DEFAULT_HISTORIES);
        DynamoDbClient client = FidelityTest.fidelityClient(awsConfig, ledgerConfig);
        LinkLedger realLinks = new DynamoDbLinks(() -> client, ledgerConfig, Clock.systemUTC());
        CanonicalLedger realCanonicals = new DynamoDbCanonicals(() -> client, ledgerConfig, Clock.systemUTC());
        MirroredLedger.WireFaults ledgerWire = FidelityTest.ledgerWire(sandbox);
        MirroredScalingo.WireFaults scalingoWire = FidelityTest.scalingoWire(sandbox);
        LedgerMirror.Counts ledgerCounts = new LedgerMirror.Counts();
        MirroredScalingo.Counts scalingoCounts = new MirroredScalingo.Counts();
        LinkingSimulation.Tally tally = new LinkingSimulation.Tally();
        long started = System.nanoTime();
        for (long seed = first; seed < first + histories; seed++) {
            LedgerTable.clear(operatorsClient, ledgerConfig.table());
            sandbox.reset();
            sandbox.addApiToken(FidelityTest.TOKEN);
            Mirrors mirrors = new Mirrors();
            SignupWorld.Ports ports = new SignupWorld.Ports() {
                @Override
                public Object scalingo(InMemoryScalingo model, ManualClock clock) {
                    return mirrors.scalingo = new MirroredScalingo(model, clock, realApps, realDomains, scalingoWire,
                            sandbox::domainId);
                }

                @Override
                public LinkLedger links(InMemoryLinkLedger model, InMemoryCanonicalLedger canonicals) {
                    return ledgers(model, canonicals);
                }

                @Override
                public CanonicalLedger canonicals(InMemoryLinkLedger links, InMemoryCanonicalLedger model) {
                    return ledgers(links, model);
                }

                private MirroredSignupLedgers ledgers(InMemoryLinkLedger links, InMemoryCanonicalLedger canonicals) {
                    if (mirrors.ledgers == null) {
                        mirrors.ledgers = new MirroredSignupLedgers(links, canonicals, realLinks, realCanonicals, ledgerWire,
                                FidelityTest.ATTEMPTS, FidelityTest.signedAs("link-on-signup"),
                                FidelityTest.signedAs("set-canonical"));
                    }
                    return mirrors.ledgers;
                }
            };
            try {
                tally.add(LinkingSimulation.run(seed, ports, world -> {
                    mirrors.world = world;
                    sandbox.scalingoClock(world.clock);
                    world.scalingo.observeHands((change, app, domain) -> FidelityTest.byHandOnTheSandbox(sandbox, change, app,
                            domain));
                }));
                String shopId = mirrors.world.scalingo.apps().stream().filter(a -> a.name().equals("shop")).findFirst()
                        .orElseThrow().id();
                mirrors.ledgers.compareStored(shopId, app -> LedgerTable.itemsOf(operatorsClient, ledgerConfig.table(), app));
                assertEquals(LedgerTable.itemsOf(operatorsClient, ledgerConfig.table(), shopId).size(),
                        LedgerTable.count(operatorsClient, ledgerConfig.table(), ""), "nothing stored outside the app's items");
                mirrors.scalingo.compareStored();
            } catch (MirroredLedger.Divergence divergence) {
                throw new AssertionError("seed " + seed + ": the model and the real adapter answered differently: "
                        + divergence.getMessage() + "\nreplay: ./mvnw -pl src/functions -am test -Dtest=LinkingFidelityTest"
                        + " -Dsimulation.fidelity-first-seed=" + seed + " -Dsimulation.fidelity-histories=1", divergence);
            }
            ledgerCounts.add(mirrors.ledgers.counts());
            scalingoCounts.add(mirrors.scalingo.counts());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, tally.histories);
        assertTrue(ledgerCounts.compared > 0 && ledgerCounts.failedAtTheWire > 0 && ledgerCounts.deniedAtTheWire > 0
                && ledgerCounts.lostAtTheWire > 0 && ledgerCounts.storedCompared == histories,
                "the histories compare the ledgers' answers, fail, deny and lose calls at their wire and compare what is stored");
        assertTrue(scalingoCounts.compared > 0 && scalingoCounts.failedAtTheWire > 0 && scalingoCounts.lostAtTheWire > 0
                && scalingoCounts.storedCompared > 0,
                "the histories compare Scalingo's answers, fail and lose calls at its wire and compare what is stored");
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/fidelity-linking.md"), String.format(Locale.ROOT, """
                ### Fidelity of link-on-signup and set-canonical: the models against the real adapters

                `LinkingFidelityTest`: seeds %d to %d of `LinkingSimulation` (%d histories, %d deliveries, %d canonical
                requests) run again with every port call also made on the real adapter, the same fault injected at its
                wire; answers that differed: **0** (one would stop the run with its seed). In %.1f s.

                - **Link and canonical ledgers** (their DynamoDB adapters, through the sandbox signed as link-on-signup and
                  set-canonical, to dynalite): %d answers compared without a fault; %d calls failed at the wire on every
                  attempt, %d of them refused as AccessDeniedException (the ledger denying the function); %d replies
                  lost there after the write, the SDK's retry meeting it; %d calls not made (killed before), %d made and
                  their answer not used (killed after); everything both hold compared at the end of each history.
                - **Scalingo** (the REST client over HTTP to the sandbox, the histories' changes by hand made there too):
                  %d answers compared without a fault; %d calls failed at the wire; %d replies lost there after the change;
                  %d app and domain lists compared at the end of the histories.

                """, first, first + histories - 1, tally.histories, tally.deliveries, tally.requests, millis / 1000.0,
                ledgerCounts.compared, ledgerCounts.failedAtTheWire, ledgerCounts.deniedAtTheWire, ledgerCounts.lostAtTheWire,
                ledgerCounts.notMadeKilled,
                ledgerCounts.madeThenKilled, scalingoCounts.compared, scalingoCounts.failedAtTheWire,
                scalingoCounts.lostAtTheWire, scalingoCounts.storedCompared));
    }

    /** One history's mirrors, made as the world is built. */
    private static final class Mirrors {
        SignupWorld world;
        MirroredScalingo scalingo;
        MirroredSignupLedgers ledgers;
    }
}
