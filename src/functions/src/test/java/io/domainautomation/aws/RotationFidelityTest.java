package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import io.domainautomation.fakes.InMemoryCertificateStore;
import io.domainautomation.fakes.InMemoryDeploymentLedger;
import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.ManualClock;
import io.domainautomation.fakes.RotationWorld;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.rotation.DeploymentLedger;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.simulation.LedgerMirror;
import io.domainautomation.simulation.MirroredCertificates;
import io.domainautomation.simulation.MirroredDeployments;
import io.domainautomation.simulation.MirroredLedger;
import io.domainautomation.simulation.MirroredScalingo;
import io.domainautomation.simulation.RotationSimulation;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The rotation's simulated histories ({@link RotationSimulation}, its faults and invariants unchanged) with Scalingo
 * and the deployment ledger mirrored onto their real adapters, the same fault injected at each wire and every answer
 * compared: Scalingo on the REST client over HTTP to the sandbox, which parses each uploaded certificate and key as
 * Scalingo reports them (subject, expiry, key), the histories' changes by hand made there too ({@link
 * MirroredScalingo}); the deployments, intents and notices on their DynamoDB adapter through the sandbox, signed as
 * the rotation, to dynalite ({@link MirroredDeployments}); the secrets on the Secrets Manager adapter through the
 * sandbox, where each history's changes to them are made too ({@link MirroredCertificates}).
 * {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories, {@code -Psimulation}
 * {@code simulation.fidelity-histories} (100); figures in {@code target/reliability/fidelity-rotation.md}.
 */
@QuarkusTest
@TestProfile(FidelityTest.QuickRetries.class)
class RotationFidelityTest {

    static final int DEFAULT_HISTORIES = 20;
    private static final List<String> DOMAINS = List.of("www.shop.example", "api.shop.example", "blog.shop.example");

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

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    @BeforeAll
    static void rememberKeyProofs() {
        io.domainautomation.logic.tls.PemBundle.rememberProofs(true);
    }

    @AfterAll
    static void forgetKeyProofs() {
        io.domainautomation.logic.tls.PemBundle.rememberProofs(false);
    }

    @AfterEach
    void backToTheSandboxsOwn() {
        sandbox.faults().dynamoFailNext(0).dynamoLoseNextReplies(0).failNext(0).dropNext(0).loseRepliesNext(0)
                .rateLimitBurst(0);
        sandbox.reset();
        sandbox.addApiToken(FidelityTest.TOKEN);
    }

    @Test
    void theRotationsHistoriesAnswerAlikeOnTheModelsAndOnTheRealAdapters() throws IOException {
        long first = Long.getLong("simulation.fidelity-first-seed", 1L);
        long histories = Long.getLong("simulation.fidelity-histories", DEFAULT_HISTORIES);
        DynamoDbClient client = FidelityTest.fidelityClient(awsConfig, ledgerConfig);
        DeploymentLedger realDeployments = new DynamoDbDeployments(() -> client, ledgerConfig);
        MirroredLedger.WireFaults ledgerWire = FidelityTest.ledgerWire(sandbox);
        MirroredScalingo.WireFaults scalingoWire = FidelityTest.scalingoWire(sandbox);
        LedgerMirror.Counts ledgerCounts = new LedgerMirror.Counts();
        MirroredScalingo.Counts scalingoCounts = new MirroredScalingo.Counts();
        MirroredCertificates.Counts secretsCounts = new MirroredCertificates.Counts();
        SecretsManagerClient secretsClient = FidelityTest.fidelitySecretsClient(awsConfig);
        CertificateStore realSecrets = new CertificateSecrets(() -> secretsClient, json);
        MirroredCertificates.WireFaults secretsWire = requests -> sandbox.faults().secretsFailNext(requests);
        RotationSimulation.Tally tally = new RotationSimulation.Tally();
        long started = System.nanoTime();
        for (long seed = first; seed < first + histories; seed++) {
            LedgerTable.clear(operatorsClient, ledgerConfig.table());
            sandbox.reset();
            sandbox.addApiToken(FidelityTest.TOKEN);
            Mirrors mirrors = new Mirrors();
            RotationWorld.Ports ports = new RotationWorld.Ports() {
                @Override
                public Object scalingo(InMemoryScalingo model, ManualClock clock) {
                    return mirrors.scalingo = new MirroredScalingo(model, clock, realApps, realDomains, scalingoWire,
                            sandbox::domainId);
                }

                @Override
                public CertificateStore secrets(InMemoryCertificateStore model) {
                    return mirrors.secrets = new MirroredCertificates(model, realSecrets, secretsWire, FidelityTest.ATTEMPTS,
                            FidelityTest.signedAs("rotate-cert-from-secrets-manager"));
                }

                @Override
                public DeploymentLedger deployments(InMemoryDeploymentLedger model) {
                    return mirrors.deployments = new MirroredDeployments(model, realDeployments, ledgerWire,
                            FidelityTest.ATTEMPTS, FidelityTest.signedAs("rotate-cert-from-secrets-manager"));
                }
            };
            try {
                tally.add(RotationSimulation.run(seed, ports, world -> {
                    sandbox.scalingoClock(world.clock);
                    sandbox.secretsClock(world.clock);
                    world.scalingo.observeHands(this::byHandOnTheSandbox);
                    world.secrets.observe(secretsChangedOverTheWire(secretsClient, mirrors));
                }));
                mirrors.deployments.compareStored("shop", DOMAINS, LedgerTable.itemsOf(operatorsClient, ledgerConfig.table(), "shop"));
                assertEquals(LedgerTable.itemsOf(operatorsClient, ledgerConfig.table(), "shop").size(),
                        LedgerTable.count(operatorsClient, ledgerConfig.table(), ""), "nothing stored outside the app's items");
                mirrors.scalingo.compareStored();
                mirrors.secrets.compareStored();
            } catch (MirroredLedger.Divergence divergence) {
                throw new AssertionError("seed " + seed + ": the model and the real adapter answered differently: "
                        + divergence.getMessage() + "\nreplay: ./mvnw -pl src/functions -am test -Dtest=RotationFidelityTest"
                        + " -Dsimulation.fidelity-first-seed=" + seed + " -Dsimulation.fidelity-histories=1", divergence);
            }
            ledgerCounts.add(mirrors.deployments.counts());
            scalingoCounts.add(mirrors.scalingo.counts());
            secretsCounts.add(mirrors.secrets.counts());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, tally.histories);
        assertTrue(tally.uploads > 0, "the histories upload certificates");
        assertTrue(ledgerCounts.compared > 0 && ledgerCounts.failedAtTheWire > 0 && ledgerCounts.lostAtTheWire > 0
                && ledgerCounts.storedCompared == histories,
                "the histories compare the ledger's answers, fail and lose calls at its wire and compare what is stored");
        assertTrue(scalingoCounts.compared > 0 && scalingoCounts.failedAtTheWire > 0 && scalingoCounts.lostAtTheWire > 0
                && scalingoCounts.storedCompared > 0,
                "the histories compare Scalingo's answers, fail and lose calls at its wire and compare what is stored");
        assertTrue(secretsCounts.compared > 0 && secretsCounts.failedAtTheWire > 0 && secretsCounts.storedCompared == histories,
                "the histories compare the secrets' answers, fail calls at their wire and compare what is stored");
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/fidelity-rotation.md"), String.format(Locale.ROOT, """
                ### Fidelity of the rotation: the models against the real adapters

                `RotationFidelityTest`: seeds %d to %d of `RotationSimulation` (%d histories, %d runs, %d uploads) run
                again with Scalingo, the secrets and the deployment ledger mirrored onto their real adapters, the same
                fault injected at each wire; answers that differed: **0** (one would stop the run with its seed). In %.1f s.

                - **Deployment ledger** (its DynamoDB adapter, through the sandbox signed as the rotation, to dynalite):
                  %d answers compared without a fault; %d calls failed at the wire on every attempt; %d replies lost there
                  after the write, the SDK's retry meeting it; %d calls not made (killed before), %d made and their answer
                  not used (killed after); every deployment, intent and notice compared at the end of each history.
                - **Scalingo** (the REST client over HTTP to the sandbox, which reads each uploaded certificate and key as
                  Scalingo reports them; the histories' changes by hand made there too): %d answers compared without a
                  fault; %d calls failed at the wire; %d replies lost there after the change; %d app and domain lists
                  compared at the end of the histories.
                - **Secrets** (the Secrets Manager adapter over the AWS SDK to the sandbox, where the histories create,
                  re-key, re-tag, roll back, schedule for deletion, restore and delete them too, over the wire as an
                  operator): %d answers compared without a fault; %d calls failed at the wire on every attempt; %d calls
                  not made (killed before); ARNs and version ids paired one to one; every secret, those scheduled for
                  deletion included, compared at the end of each history.

                """, first, first + histories - 1, tally.histories, tally.runs, tally.uploads, millis / 1000.0,
                ledgerCounts.compared, ledgerCounts.failedAtTheWire, ledgerCounts.lostAtTheWire, ledgerCounts.notMadeKilled,
                ledgerCounts.madeThenKilled, scalingoCounts.compared, scalingoCounts.failedAtTheWire,
                scalingoCounts.lostAtTheWire, scalingoCounts.storedCompared, secretsCounts.compared,
                secretsCounts.failedAtTheWire, secretsCounts.notMadeKilled));
    }

    /** A change by hand on the model's platform, made on the sandbox's too; a certificate changed by hand included. */
    private void byHandOnTheSandbox(InMemoryScalingo.HandChange change, App app, Domain domain) {
        if (change == InMemoryScalingo.HandChange.CHANGED && domain.tlscert() != null) {
            sandbox.certificateChangedByHand(app.name(), domain.name(), domain.tlscert(),
                    domain.validity() == null ? null : domain.validity().toInstant(), domain.tlskey());
            return;
        }
        FidelityTest.byHandOnTheSandbox(sandbox, change, app, domain);
    }

    /**
     * What a history does to the model's secrets, done on the sandbox's Secrets Manager as an operator does it, over
     * the AWS SDK: CreateSecret, PutSecretValue with TagResource and UntagResource, DeleteSecret (scheduled, or without
     * recovery), RestoreSecret, UpdateSecretVersionStage (AWSCURRENT back to AWSPREVIOUS, naming the version it leaves).
     */
    private InMemoryCertificateStore.Changes secretsChangedOverTheWire(SecretsManagerClient client, Mirrors mirrors) {
        return new InMemoryCertificateStore.Changes() {
            @Override
            public void put(String name, String arn, boolean created, String certificatePem, String privateKeyPem,
                    Map<String, String> tags) {
                String value = json.createObjectNode().put(CertificateSecrets.CERTIFICATE_FIELD, certificatePem)
                        .put(CertificateSecrets.PRIVATE_KEY_FIELD, privateKeyPem).toString();
                List<Tag> asTags = tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList();
                asOperator(() -> {
                    if (created) {
                        mirrors.secrets.created(arn, client.createSecret(r -> r.name(name).secretString(value).tags(asTags)).arn());
                        return;
                    }
                    client.putSecretValue(r -> r.secretId(name).secretString(value));
                    List<String> dropped = client.describeSecret(r -> r.secretId(name)).tags().stream().map(Tag::key)
                            .filter(key -> !tags.containsKey(key)).toList();
                    if (!dropped.isEmpty()) {
                        client.untagResource(r -> r.secretId(name).tagKeys(dropped));
                    }
                    client.tagResource(r -> r.secretId(name).tags(asTags));
                });
            }

            @Override
            public void tagged(String name, Map<String, String> tags) {
                asOperator(() -> client.tagResource(r -> r.secretId(name).tags(tags.entrySet().stream()
                        .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())));
            }

            @Override
            public void scheduledForDeletion(String name) {
                asOperator(() -> client.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(7L)));
            }

            @Override
            public void restored(String name) {
                asOperator(() -> client.restoreSecret(r -> r.secretId(name)));
            }

            @Override
            public void rolledBack(String name) {
                asOperator(() -> {
                    Map<String, List<String>> stages = client.describeSecret(r -> r.secretId(name)).versionIdsToStages();
                    String current = version(stages, "AWSCURRENT");
                    String previous = version(stages, "AWSPREVIOUS");
                    client.updateSecretVersionStage(r -> r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(previous)
                            .removeFromVersionId(current));
                });
            }

            @Override
            public void deleted(String name) {
                asOperator(() -> client.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true)));
            }
        };
    }

    private static String version(Map<String, List<String>> stages, String label) {
        return stages.entrySet().stream().filter(e -> e.getValue().contains(label)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no version labelled " + label + ": " + stages));
    }

    private static void asOperator(Runnable change) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            change.run();
        }
    }

    /** One history's mirrors, made as the world is built. */
    private static final class Mirrors {
        MirroredCertificates secrets;
        MirroredScalingo scalingo;
        MirroredDeployments deployments;
    }
}
