package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.retry.backoff.BackoffStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.fakes.InMemoryCleanupLedger;
import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.PortsSeen;
import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.simulation.CleanupSimulation;
import io.domainautomation.simulation.MirroredDns;
import io.domainautomation.simulation.MirroredLedger;
import io.domainautomation.simulation.MirroredScalingo;
import io.domainautomation.testsupport.LedgerTable;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The simulation's histories with the real adapters beside the models: cleanup-stale's seeded histories
 * ({@link CleanupSimulation}, its faults and invariants unchanged) run with every port call also made on the real
 * adapter, the same fault injected at its wire, and every answer compared:
 * <ul>
 * <li>the ledger: the DynamoDB adapter through the sandbox (which enforces cleanup-stale's IAM and injects the faults)
 * to dynalite ({@link MirroredLedger});</li>
 * <li>Scalingo: the REST client over HTTP to the sandbox, whose platform the simulation's changes by hand are made on
 * too, and whose clock is the simulation's ({@link MirroredScalingo});</li>
 * <li>DNS: dnsjava asking a DNS server on loopback that holds the simulation's records ({@link MirroredDns}).</li>
 * </ul>
 * It shows the in-memory ports the simulation's verdicts rest on answer as the real ones do along the histories that
 * matter, lost replies and retries included. {@code ./mvnw -B verify} runs {@value #DEFAULT_HISTORIES} histories,
 * {@code -Psimulation} {@code simulation.fidelity-histories} (100); figures in {@code target/reliability/fidelity.md}.
 */
@QuarkusTest
@TestProfile(FidelityTest.QuickRetries.class)
class FidelityTest {

    /**
     * The Scalingo client's attempts as deployed, their pauses a millisecond or two (the simulation keeps its own time,
     * and thousands of faults each waiting out a real back-off would only make the run slow); the resolver's timeout
     * as deployed.
     */
    public static class QuickRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the resolver's timeout as deployed, which the model budgets lookups by (its answers come at once here)
            return Map.of("scalingo.retry.initial-backoff", "1ms", "scalingo.retry.max-backoff", "2ms",
                    "dns.timeout", "3s");
        }
    }

    static final int DEFAULT_HISTORIES = 20;
    /** From this many histories on, every fault kind must have occurred, the rarest included. */
    static final int LONG_RUN = 50;
    /** The real client's attempts per call: the first and two retries, without back-off (time is the simulation's). */
    static final int ATTEMPTS = 3;
    static final String TOKEN = "tk-us-test-local-token";
    /** The %test profile's {@code dns.resolver} port. */
    private static final int DNS_PORT = 18053;
    private static SandboxDns dnsServer;

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

    @Inject
    DomainsService realDomains;

    @Inject
    AppsService realApps;

    @Inject
    DnsResolver realDns;

    @BeforeAll
    static void startDns() throws Exception {
        dnsServer = new SandboxDns(DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dnsServer.close();
    }

    @AfterEach
    void backToTheSandboxsOwn() {
        sandbox.faults().dynamoFailNext(0).dynamoLoseNextReplies(0).failNext(0).dropNext(0).loseRepliesNext(0)
                .rateLimitBurst(0);
        sandbox.reset(); // its own clock back, the histories' apps gone
        sandbox.addApiToken(TOKEN);
    }

    @Test
    void theSimulationsHistoriesAnswerAlikeOnTheModelsAndOnTheRealAdapters() throws IOException {
        long first = Long.getLong("simulation.fidelity-first-seed", 1L);
        long histories = Long.getLong("simulation.fidelity-histories", DEFAULT_HISTORIES);
        DynamoDbClient client = fidelityClient(awsConfig, ledgerConfig);
        DynamoDbLedger real = new DynamoDbLedger(() -> client, ledgerConfig, json);
        MirroredLedger.WireFaults ledgerWire = ledgerWire(sandbox);
        MirroredScalingo.WireFaults scalingoWire = scalingoWire(sandbox);
        // Signed as cleanup-stale (its Funqy export), the function whose ledger it is.
        Function<Supplier<Object>, Object> asCleanupStale = signedAs("cleanup-stale");
        Counts counts = new Counts();
        CleanupSimulation.Tally tally = new CleanupSimulation.Tally();
        long started = System.nanoTime();
        for (long seed = first; seed < first + histories; seed++) {
            LedgerTable.clear(operatorsClient, ledgerConfig.table());
            sandbox.reset();
            sandbox.addApiToken(TOKEN);
            dnsServer.clear();
            Mirrors mirrors = new Mirrors();
            PortsSeen seen = new PortsSeen() {
                @Override
                public CleanupLedger ledger(InMemoryCleanupLedger model) {
                    return mirrors.ledger = new MirroredLedger(model, real, ledgerWire, ATTEMPTS, asCleanupStale);
                }

                @Override
                public AppsService apps(InMemoryScalingo model) {
                    return scalingo(model);
                }

                @Override
                public DomainsService domains(InMemoryScalingo model) {
                    return scalingo(model);
                }

                private MirroredScalingo scalingo(InMemoryScalingo model) {
                    if (mirrors.scalingo == null) {
                        mirrors.scalingo = new MirroredScalingo(model, mirrors.ticker, realApps, realDomains, scalingoWire,
                                sandbox::domainId);
                    }
                    return mirrors.scalingo;
                }

                @Override
                public DnsResolver dns(ScriptedDns model) {
                    return mirrors.dns = new MirroredDns(model, realDns, records -> serve(records), dnsServer::failEveryQuery);
                }
            };
            try {
                tally.add(CleanupSimulation.run(seed, seen, world -> {
                    mirrors.ticker.of(world.clock);
                    sandbox.scalingoClock(world.clock);
                    world.scalingo.observeHands((change, app, domain) -> byHandOnTheSandbox(sandbox, change, app, domain));
                }));
                // the history over (its faults stopped): everything both sides hold, read back
                mirrors.ledger.compareStored();
                mirrors.scalingo.compareStored();
            } catch (MirroredLedger.Divergence divergence) {
                throw new AssertionError("seed " + seed + ": the model and the real adapter answered differently: "
                        + divergence.getMessage() + "\nreplay: ./mvnw -pl src/functions -am test -Dtest=FidelityTest"
                        + " -Dsimulation.fidelity-first-seed=" + seed + " -Dsimulation.fidelity-histories=1", divergence);
            }
            counts.ledger.add(mirrors.ledger.counts());
            counts.scalingo.add(mirrors.scalingo.counts());
            counts.dns.add(mirrors.dns.counts());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(histories, tally.histories);
        MirroredLedger.Counts l = counts.ledger;
        assertTrue(l.compared > 0 && l.failedAtTheWire > 0 && l.lostAtTheWire > 0 && l.conditionOnRetryCompared > 0
                && l.leaseReadBack > 0 && l.storedCompared > 0,
                "the histories compare the ledger's answers, meet every kind of fault at its wire and compare what is stored: "
                        + describe(l));
        MirroredScalingo.Counts s = counts.scalingo;
        // A lost reply whose retry meets the change (an unlink answered 404) comes about once in ten histories: required
        // of the long runs (-Psimulation, -Preliability: 100 histories), counted in verify's short one.
        assertTrue(s.compared > 0 && s.failed5xx > 0 && s.failed429 > 0 && s.failedDropped > 0 && s.lostAtTheWire > 0
                && (s.lostThenRetried > 0 || histories < LONG_RUN) && s.storedCompared > 0,
                "the histories compare Scalingo's answers, fail calls at its wire, lose replies there and compare what"
                        + " is stored: " + describe(s));
        assertTrue(counts.dns.compared > 0 && counts.dns.failedCompared > 0 && counts.dns.failedAtTheServer > 0,
                "the histories compare DNS answers, lookups failed by their records and by faults among them: "
                        + describe(counts.dns));
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/fidelity.md"), String.format(Locale.ROOT, """
                ### Fidelity: the models against the real adapters

                `FidelityTest`: seeds %d to %d of the simulation (%d histories, %d invocations) run again with every port
                call also made on the real adapter, the same fault injected at its wire; answers that differed: **0** (one
                would stop the run with its seed). In %.1f s.

                - **Ledger** (the DynamoDB adapter, through the sandbox with cleanup-stale's IAM enforced, to dynalite): %s.
                - **Scalingo** (the REST client over HTTP to the sandbox, the simulation's changes by hand made there too,
                  on the simulation's clock): %s.
                - **DNS** (dnsjava asking a DNS server on loopback that holds the simulation's records): %s.

                """, first, first + histories - 1, tally.histories, tally.invocations, millis / 1000.0, describe(l), describe(s),
                describe(counts.dns)));
    }

    /** The loopback server holds exactly the model's records. */
    private static void serve(ScriptedDns.Records records) {
        dnsServer.clear();
        records.cnames().forEach(dnsServer::cname);
        records.addresses().forEach((name, ips) -> dnsServer.address(name,
                ips.stream().map(java.net.InetAddress::getHostAddress).toArray(String[]::new)));
        records.failing().forEach(name -> dnsServer.failing(name, true));
        records.caas().forEach((name, caa) -> {
            caa.get(0).forEach(issuer -> dnsServer.caa(name, "issue", issuer.isEmpty() ? ";" : issuer));
            caa.get(1).forEach(issuer -> dnsServer.caa(name, "issuewild", issuer.isEmpty() ? ";" : issuer));
        });
    }

    /**
     * The DynamoDB client of a fidelity run: every retry made (no retry-capacity bucket, which thousands of injected
     * failures would empty): the model's "the SDK's retry met the change" needs the retry to happen.
     */
    static DynamoDbClient fidelityClient(AwsConfig awsConfig, LedgerConfig ledgerConfig) {
        return AwsClients.build(DynamoDbClient.builder(), Region.of(awsConfig.region()), new LocalCredentials(),
                ledgerConfig.endpointOverride())
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.builder().numRetries(ATTEMPTS - 1)
                        .backoffStrategy(BackoffStrategy.none()).throttlingBackoffStrategy(BackoffStrategy.none())
                        .retryCapacityCondition(null).build())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    /** The Secrets Manager client of a fidelity run: its attempts {@link #ATTEMPTS}, without pauses. */
    static software.amazon.awssdk.services.secretsmanager.SecretsManagerClient fidelitySecretsClient(AwsConfig awsConfig) {
        return AwsClients.build(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder(),
                Region.of(awsConfig.region()), new LocalCredentials(), awsConfig.endpointOverride())
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.builder().numRetries(ATTEMPTS - 1)
                        .backoffStrategy(BackoffStrategy.none()).throttlingBackoffStrategy(BackoffStrategy.none())
                        .retryCapacityCondition(null).build())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    /** Runs a real call signed as a function (its Funqy export): the sandbox enforces that function's IAM. */
    static Function<Supplier<Object>, Object> signedAs(String function) {
        return call -> {
            try (LocalCredentials.Scope caller = LocalCredentials.callerIs(function)) {
                return call.get();
            }
        };
    }

    /** The ledger's faults at the wire: the sandbox's DynamoDB faults. */
    static MirroredLedger.WireFaults ledgerWire(SandboxState sandbox) {
        return new MirroredLedger.WireFaults() {
            @Override
            public void failNext(int requests) {
                sandbox.faults().dynamoFailNext(requests);
            }

            @Override
            public void denyNext(int requests) {
                sandbox.faults().dynamoDenyNext(requests);
            }

            @Override
            public void loseNextReply() {
                sandbox.faults().dynamoLoseNextReplies(1);
            }

            @Override
            public void clear() {
                sandbox.faults().dynamoFailNext(0).dynamoDenyNext(0).dynamoLoseNextReplies(0);
            }
        };
    }

    /** Scalingo's faults at the wire: the sandbox's HTTP faults. */
    static MirroredScalingo.WireFaults scalingoWire(SandboxState sandbox) {
        return new MirroredScalingo.WireFaults() {
            @Override
            public void failNext(int requests) {
                sandbox.faults().failNext(requests);
            }

            @Override
            public void rateLimitNext() {
                sandbox.faults().retryAfter(30).rateLimitBurst(1);
            }

            @Override
            public void dropNext(int requests) {
                sandbox.faults().dropNext(requests);
            }

            @Override
            public void loseNextReplyThenDrop(int requests) {
                sandbox.faults().loseRepliesNext(1).dropNext(requests);
            }

            @Override
            public void loseNextReply() {
                sandbox.faults().loseRepliesNext(1);
            }

            @Override
            public void clear() {
                sandbox.faults().failNext(0).dropNext(0).loseRepliesNext(0).rateLimitBurst(0);
            }
        };
    }

    /** A change the simulation's operators make by hand on the model's platform, made on the sandbox's too. */
    static void byHandOnTheSandbox(SandboxState sandbox, InMemoryScalingo.HandChange change, App app, Domain domain) {
        switch (change) {
            case APP_ADDED -> sandbox.addApp(app.id(), app.name(), app.createdAt().toInstant());
            case LINKED -> sandbox.seedDomain(app.name(), domain.name(), domain.createdAt().toInstant(),
                    domain.letsencryptStatus(), domain.isCanonical());
            case UNLINKED -> sandbox.unlinkByHand(app.name(), domain.name());
            case CHANGED -> sandbox.changeByHand(app.name(), domain.name(), domain.isCanonical(),
                    Boolean.TRUE.equals(domain.letsencryptEnabled()), domain.letsencryptStatus(),
                    domain.validity() == null ? null : domain.validity().toInstant());
        }
    }

    /** One history's mirrors, made as the world is built. */
    private static final class Mirrors {
        final SwitchableTicker ticker = new SwitchableTicker();
        MirroredLedger ledger;
        MirroredScalingo scalingo;
        MirroredDns dns;
    }

    /** The world's ticker, known only once the world is built (after its ports are). */
    private static final class SwitchableTicker implements Ticker {
        private Ticker ticker;

        void of(Ticker world) {
            ticker = world;
        }

        @Override
        public long nanoTime() {
            return ticker.nanoTime();
        }
    }

    private static final class Counts {
        final MirroredLedger.Counts ledger = new MirroredLedger.Counts();
        final MirroredScalingo.Counts scalingo = new MirroredScalingo.Counts();
        final MirroredDns.Counts dns = new MirroredDns.Counts();
    }

    private static String describe(MirroredLedger.Counts counts) {
        return String.format(Locale.ROOT, "%d answers compared without a fault, %d after a lost reply met the change on the SDK's retry"
                + " (%d of them leases read back as the caller's own);"
                + " %d calls failed at the wire on every attempt (the adapter failing transiently, as the model does), %d replies"
                + " lost at the wire after the change was applied, %d calls not made (the process killed before them); at the end"
                + " of each history, what both hold read back and compared (%d reads: every stale and certificate record, every"
                + " scan, every tombstone named)",
                counts.compared, counts.conditionOnRetryCompared, counts.leaseReadBack, counts.failedAtTheWire, counts.lostAtTheWire,
                counts.notMadeKilled, counts.storedCompared);
    }

    private static String describe(MirroredScalingo.Counts counts) {
        return String.format(Locale.ROOT, "%d answers compared without a fault; %d calls failed at the wire (%d with 500s on"
                + " every attempt, %d with a 429 whose Retry-After outlasts the client's retries, %d with every attempt's"
                + " connection dropped) and %d replies lost there after the change was applied (%d of them with the client's"
                + " retry meeting the change), each answer compared by kind; %d calls not made (the process killed before"
                + " them), %d made and their answer not used (killed after); at the end of each history, every app and its"
                + " domains read back and compared (%d lists)",
                counts.compared, counts.failedAtTheWire, counts.failed5xx, counts.failed429, counts.failedDropped,
                counts.lostAtTheWire, counts.lostThenRetried, counts.notMadeKilled, counts.madeThenKilled, counts.storedCompared);
    }

    private static String describe(MirroredDns.Counts counts) {
        return String.format(Locale.ROOT, "%d lookups compared (chain, addresses, failure, dangling targets), %d of them failed"
                + " lookups: names the history broke answered SERVFAIL, and %d lookups a fault failed (a resolver timeout in"
                + " the model, every query answered SERVFAIL at the server); %d not made (the process killed before them);"
                + " %d CAA climbs compared (a stuck certificate's diagnosis)",
                counts.compared, counts.failedCompared, counts.failedAtTheServer, counts.notMadeKilled, counts.caaCompared);
    }
}
