package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.LedgerConfig;
import io.domainautomation.fakes.InMemoryCleanupLedger;
import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.ManualClock;
import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LedgerTable;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The in-memory ports the simulation runs on behave like the real adapters: the same seeded sequences of calls go to
 * both, and every answer (result or failure) is compared. The real side is the DynamoDB ledger on dynalite, the
 * Scalingo client against the sandbox over HTTP, and dnsjava against a DNS server on loopback. A difference names
 * the seed and the call; the fake is then what must change (or the adapter, if it is the one that is wrong).
 */
@QuarkusTest
@TestProfile(CleanupStaleTest.RemovalsOn.class)
class PortFidelityTest {

    private static final int SEEDS_PER_PORT = 40;
    private static SandboxDns dnsServer;

    @Inject
    CleanupLedger realLedger;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    LedgerConfig ledgerConfig;

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
        dnsServer = new SandboxDns(CleanupStaleTest.DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dnsServer.close();
    }

    /** The real ledger's calls, signed as the function that makes them (the sandbox enforces its IAM). */
    private static Object asCleanupStale(Supplier<Object> call) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(CleanupStale.NAME)) {
            return call.get();
        }
    }

    /** What a call answered, as text both sides can be compared by: its value, or its failure's kind. */
    private static String outcome(Supplier<Object> call) {
        try {
            return String.valueOf(call.get());
        } catch (ScalingoException e) {
            return "ScalingoException " + e.status() + " " + new TreeMap<>(e.fieldErrors()).keySet();
        } catch (LedgerUnavailable e) {
            return "LedgerUnavailable transient=" + e.isTransient();
        }
    }

    // ------------------------------------------------------------------ the ledger

    @Test
    void theLedgerAnswersAsDynamoDbDoes() {
        int calls = 0;
        for (long seed = 1; seed <= SEEDS_PER_PORT; seed++) {
            LedgerTable.clear(dynamo, ledgerConfig.table());
            InMemoryCleanupLedger fake = new InMemoryCleanupLedger();
            Random random = new Random(seed);
            Instant now = Instant.parse("2026-03-01T00:00:00Z");
            List<String> scans = List.of("scan-a", "scan-b", "scan-c");
            for (int i = 0; i < 40; i++, calls++) {
                now = now.plusSeconds(random.nextInt(4) == 0 ? 3600 * 30 : random.nextInt(600));
                String call = ledgerCall(random, now, scans);
                Instant at = now;
                String real = outcome(() -> asCleanupStale(() -> applyLedger(realLedger, call, at)));
                String inMemory = outcome(() -> applyLedger(fake, call, at));
                assertEquals(real, inMemory, "seed " + seed + ", call " + i + ": " + call);
            }
        }
        assertEquals(SEEDS_PER_PORT * 40, calls);
    }

    private static String ledgerCall(Random random, Instant now, List<String> scans) {
        String scan = scans.get(random.nextInt(scans.size()));
        String[] ops = { "claim", "running", "last", "renew", "release", "create", "lease", "leaseAbandoned", "save",
                "releaseLease", "scan", "remember", "forget", "markAnnounced", "stale", "allStale", "bury", "tombstone",
                "removalAnnounced", "removeTombstone" };
        String op = ops[random.nextInt(ops.length)];
        return op + " " + scan + " " + random.nextInt(4) + " d" + random.nextInt(3) + ".example " + random.nextInt(3);
    }

    /** One call of the script on a ledger; the answer normalised so both sides print it alike. */
    private static Object applyLedger(CleanupLedger ledger, String call, Instant now) {
        String[] p = call.split(" ");
        String op = p[0];
        String scan = p[1];
        int step = Integer.parseInt(p[2]);
        String domain = p[3];
        String app = "app-" + p[4];
        Instant firstStale = Instant.parse("2026-02-01T00:00:00Z").plusSeconds(86_400L * Integer.parseInt(p[4]));
        return switch (op) {
            case "claim" -> ledger.claimScan(scan, now, now.plus(Duration.ofHours(24)));
            case "running" -> ledger.runningScan(now);
            case "last" -> ledger.lastScan();
            case "renew" -> {
                ledger.renewScan(scan, now.plus(Duration.ofHours(24)));
                yield "renewed";
            }
            case "release" -> {
                ledger.releaseScan(scan);
                yield "released";
            }
            case "create" -> {
                ledger.createScan(ScanState.start(scan, now.toString(), false), "holder-" + p[4], now.plusSeconds(900),
                        now.plus(Duration.ofDays(1)));
                yield "created";
            }
            case "lease" -> ledger.leaseScan(scan, step, "holder-" + p[4], now, now.plusSeconds(900)).map(PortFidelityTest::scanText);
            case "leaseAbandoned" -> ledger.leaseAbandonedScan(scan, "holder-" + p[4], now, now.plusSeconds(900))
                    .map(PortFidelityTest::scanText);
            case "save" -> {
                Optional<ScanState> stored = ledger.scan(scan);
                ScanState next = stored.map(s -> s.toBuilder().invocationStarted().build()).orElse(
                        ScanState.start(scan, now.toString(), false).nextStep());
                yield ledger.saveScan(step == 0 ? next : next.nextStep(), now.plusSeconds(900));
            }
            case "releaseLease" -> {
                ledger.releaseLease(scan);
                yield "lease released";
            }
            case "scan" -> ledger.scan(scan).map(PortFidelityTest::scanText);
            case "remember" -> {
                ledger.remember(new StaleRecord(app, domain, "id-" + domain, firstStale, now, List.of("dns-gone"),
                        Map.of("dns", "no-records"), 1 + step, scan, step % 2 == 0));
                yield "remembered";
            }
            case "forget" -> {
                ledger.forget(app, domain);
                yield "forgotten";
            }
            case "markAnnounced" -> {
                ledger.markAnnounced(app, domain, step % 2 == 0 ? firstStale : firstStale.plusSeconds(1));
                yield "marked";
            }
            case "stale" -> new TreeMap<>(ledger.staleRecords(app)).values().stream().map(PortFidelityTest::staleText).toList();
            case "allStale" -> {
                List<String> all = new ArrayList<>();
                new TreeMap<>(ledger.allStaleRecords()).forEach((a, records) ->
                        new TreeMap<>(records).values().forEach(r -> all.add(staleText(r))));
                yield all;
            }
            case "bury" -> {
                ledger.bury(new Tombstone(app, domain, now, scan, List.of("dns-gone"), Map.of("dns", "no-records"), false,
                        true, false, firstStale, 2));
                yield "buried";
            }
            case "tombstone" -> ledger.tombstone(app, domain).map(t -> t.app() + " " + t.domain() + " " + t.scanId() + " "
                    + t.removedAt() + " announced=" + !t.removalMayBeUnannounced());
            case "removalAnnounced" -> {
                ledger.removalAnnounced(app, domain, scan);
                yield "announced";
            }
            case "removeTombstone" -> {
                ledger.removeTombstone(app, domain, scan); // only that removal's: another's stays
                yield "removed";
            }
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static String scanText(ScanState s) {
        return s.scanId() + "@" + s.step() + " " + s.phase() + " invocations=" + s.invocations();
    }

    private static String staleText(StaleRecord r) {
        return r.app() + " " + r.domain() + " " + r.firstStaleAt() + " sightings=" + r.sightings() + " announced=" + r.announced();
    }

    // ------------------------------------------------------------------ Scalingo

    @Test
    void scalingosDomainsAnswerAsTheSandboxDoes() {
        for (long seed = 1; seed <= SEEDS_PER_PORT; seed++) {
            sandbox.reset();
            sandbox.addApiToken("tk-us-test-local-token");
            sandbox.rateLimit(1000, Duration.ofSeconds(1));
            ManualClock clock = new ManualClock(Instant.now());
            InMemoryScalingo fake = new InMemoryScalingo(clock, clock);
            List<String> apps = List.of("fid-a", "fid-b");
            for (String app : apps) {
                sandbox.addApp(app);
                fake.addApp(app);
            }
            Random random = new Random(seed);
            for (int i = 0; i < 30; i++) {
                String app = apps.get(random.nextInt(apps.size()));
                String name = "n" + random.nextInt(random.nextInt(4) == 0 ? 24 : 6) + ".fid.example";
                int op = random.nextInt(10);
                int bulk = op == 9 ? 18 : 1; // now and then many links at once: the 20-domain limit
                for (int k = 0; k < bulk; k++) {
                    String n = bulk == 1 ? name : "bulk" + k + ".fid.example";
                    String real = outcome(() -> applyScalingo(realDomains, app, op, n));
                    String inMemory = outcome(() -> applyScalingo(fake, app, op, n));
                    assertEquals(real, inMemory, "seed " + seed + ", call " + i + ": op " + op + " " + n + " on " + app);
                }
            }
            assertEquals(names(realDomains, "fid-a"), names(fake, "fid-a"), "seed " + seed);
        }
    }

    private static Deadline soon() {
        return Deadline.after(Duration.ofSeconds(20));
    }

    /** One call on a Scalingo port; domains named by name (ids differ from side to side), canonical shown. */
    private static Object applyScalingo(DomainsService scalingo, String app, int op, String name) {
        Optional<Domain> existing = Domain.named(scalingo.listDomains(app, soon()), name);
        return switch (op) {
            case 0, 1, 2, 3, 9 -> describe(scalingo.linkDomain(app, DomainChanges.link(name, op == 3 ? Boolean.TRUE : null, null), soon()));
            case 4 -> existing.map(d -> describe(scalingo.updateDomain(app, d.id(), DomainChanges.canonical(true), soon())))
                    .orElse("absent");
            case 5 -> existing.map(d -> describe(scalingo.updateDomain(app, d.id(), DomainChanges.canonical(false), soon())))
                    .orElse("absent");
            case 6, 7 -> {
                existing.ifPresentOrElse(d -> scalingo.unlinkDomain(app, d.id(), soon()),
                        () -> scalingo.unlinkDomain(app, "5c8a1b2f3d4e5f6a7b8c9d0e", soon()));
                yield "unlinked";
            }
            default -> names(scalingo, app);
        };
    }

    private static String describe(Domain d) {
        return d.name() + " canonical=" + d.isCanonical() + " letsencrypt=" + d.letsencryptEnabled();
    }

    private static List<String> names(DomainsService scalingo, String app) {
        return scalingo.listDomains(app, soon()).stream().map(PortFidelityTest::describe).sorted().toList();
    }

    @Test
    void anUnknownAppIsANotFoundOnBothSides() {
        ManualClock clock = new ManualClock(Instant.now());
        InMemoryScalingo fake = new InMemoryScalingo(clock, clock);
        assertEquals(outcome(() -> realDomains.listDomains("fid-no-such-app", soon())),
                outcome(() -> fake.listDomains("fid-no-such-app", soon())));
        assertEquals(outcome(() -> realApps.getApp("fid-no-such-app", soon())),
                outcome(() -> fake.getApp("fid-no-such-app", soon())));
    }

    // ------------------------------------------------------------------ DNS

    @Test
    void dnsAnswersAsDnsjavaDoes() {
        for (long seed = 1; seed <= SEEDS_PER_PORT; seed++) {
            dnsServer.clear();
            ScriptedDns fake = new ScriptedDns();
            Random random = new Random(seed);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "h" + i + ".fid-dns.example";
                names.add(name);
                switch (random.nextInt(5)) {
                    case 0 -> {
                        String ip = "192.0.2." + (1 + random.nextInt(250));
                        dnsServer.address(name, ip);
                        fake.address(name, ip);
                    }
                    case 1 -> {
                        int app = random.nextInt(3);
                        String target = "app-" + app + ".osc-fr1.scalingo.io";
                        dnsServer.cname(name, target).address(target, "10.0.0." + (1 + app));
                        fake.cname(name, target).address(target, "10.0.0." + (1 + app));
                    }
                    case 2 -> {
                        String ghost = "ghost-" + random.nextInt(3) + ".osc-fr1.scalingo.io"; // a dangling CNAME
                        dnsServer.cname(name, ghost);
                        fake.cname(name, ghost);
                    }
                    case 3 -> {
                        String hop = "hop" + i + ".cdn.example";
                        dnsServer.cname(name, hop).cname(hop, "edge.cdn.example").address("edge.cdn.example", "203.0.113.9");
                        fake.cname(name, hop).cname(hop, "edge.cdn.example").address("edge.cdn.example", "203.0.113.9");
                    }
                    default -> {
                        // no record at all
                    }
                }
            }
            for (String name : names) {
                DnsAnswer real = realDns.resolve(name);
                DnsAnswer inMemory = fake.resolve(name);
                assertEquals(text(real), text(inMemory), "seed " + seed + ": " + name);
            }
        }
    }

    private static String text(DnsAnswer a) {
        return "chain=" + a.cnameChain() + " addresses=" + a.addresses().stream().map(java.net.InetAddress::getHostAddress)
                .sorted().toList() + " failed=" + a.failed() + " dangling=" + a.danglingTargets();
    }
}
