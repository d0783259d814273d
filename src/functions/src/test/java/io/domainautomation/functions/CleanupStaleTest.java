package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.LedgerConfig;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.CleanupScans;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.TestClock;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * cleanup-stale with removals switched on, through the Lambda path, against the sandbox, a real DNS server on loopback
 * (dnsjava's message classes over UDP) and the ledger in dynalite; scans handed from invocation to invocation through
 * the sandbox's Lambda Invoke. Time is the tests' clock: days pass without sleeping.
 */
@QuarkusTest
@TestProfile(CleanupStaleTest.RemovalsOn.class)
class CleanupStaleTest {

    static final int DNS_PORT = 18053;
    static final Duration CONFIRM = Duration.ofDays(7);

    public static class RemovalsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("quarkus.funqy.export", "cleanup-stale"),
                    Map.entry("cleanup.dry-run", "false"),
                    Map.entry("cleanup.confirm-after", "7d"),
                    Map.entry("cleanup.grace-period", "14d"),
                    Map.entry("dns.resolver", "127.0.0.1:" + DNS_PORT),
                    Map.entry("dns.timeout", "500ms"),
                    Map.entry("cleanup.protected-patterns", "*.internal.example"),
                    Map.entry("cleanup.apps-prefix", "clean-"),
                    // Its name in the stack the sandbox's IAM stands for ("local"), as template.yaml sets it.
                    Map.entry("cleanup.continuation-function", "local-cleanup-stale:live"),
                    Map.entry("cleanup.time-budget", "1500ms"),
                    // The scale test's budget: 400 requests a second on both sides, like 60 a minute sped up 400 times.
                    Map.entry("scalingo.rate-limit.requests", "400"),
                    Map.entry("scalingo.rate-limit.period", "1s"),
                    Map.entry("scalingo.rate-limit.guard", "20ms"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SandboxDns dns;

    @Inject
    SandboxState sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    LedgerConfig ledgerConfig;

    @Inject
    CleanupLedger ledger;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new SandboxDns(DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
        TestClock.reset();
    }

    /** The test's own reads of the ledger are made as cleanup-stale, whose IAM the sandbox enforces. */
    private LocalCredentials.Scope asCleanupStale;

    @BeforeEach
    void fresh() {
        CleanupScans.fresh(sandbox, dns, dynamo, ledgerConfig.table());
        asCleanupStale = LocalCredentials.callerIs(CleanupStale.NAME);
    }

    @org.junit.jupiter.api.AfterEach
    void done() {
        asCleanupStale.close();
    }

    private void seedApp(String app) {
        sandbox.addApp(app);
        dns.address(app + ".osc-fr1.scalingo.io", "10.0.0.1");
    }

    private void seed(String app, String domain, String status, int daysOld, boolean canonical) {
        sandbox.seedDomain(app, domain, TestClock.now().minus(Duration.ofDays(daysOld)), status, canonical);
    }

    @Test
    void aFirstSightingIsAMarkAndOnlyTwoScansSpanningTheConfirmationPeriodRemove() {
        seedApp("clean-a");
        seed("clean-a", "old-pending.example", "pending_dns", 30, false);      // never validated, no DNS
        seed("clean-a", "moved.example", "created", 30, false);                // DNS elsewhere
        dns.address("moved.example", "192.0.2.50");
        seed("clean-a", "still-cname.example", "pending_dns", 30, false);      // stale, DNS still at the app
        dns.cname("still-cname.example", "clean-a.osc-fr1.scalingo.io");
        seed("clean-a", "same-ip.example", "created", 30, false);              // A in common with the app
        dns.address("same-ip.example", "10.0.0.1");
        seed("clean-a", "www.clean-a.example", "pending_dns", 30, true);       // canonical
        seed("clean-a", "keep.internal.example", "pending_dns", 30, false);    // protected
        seedApp("other-app");                                                  // out of scope (prefix)
        seed("other-app", "out-of-scope.example", "pending_dns", 30, false);

        Instant firstScan = TestClock.now();
        JsonNode first = scan("{}");
        assertFalse(first.get("dryRun").asBoolean());
        assertEquals(1, first.get("appsScanned").asInt());
        assertEquals(6, first.get("domainsExamined").asInt());
        assertEquals(Set.of("old-pending.example", "moved.example"), names(first.get("marked")));
        for (JsonNode marked : first.get("marked")) {
            Instant notBefore = Instant.parse(marked.get("notBefore").asText());
            assertTrue(!notBefore.isBefore(firstScan.plus(CONFIRM)), "announced with the date before which nothing happens");
        }
        assertEquals(0, first.get("plannedRemovals").asInt());
        assertEquals(0, sandbox.counter("domains.unlink"), "a first sighting removes nothing");
        assertEquals(Map.of("canonical", 1, "protected", 1, "stale-but-dns-active", 1),
                JSON.convertValue(first.get("keptByReason"), Map.class));

        TestClock.advance(Duration.ofDays(3));
        JsonNode early = scan("{}");
        assertEquals(2, early.get("waitingForConfirmation").asInt(), early.toString());
        assertEquals(0, sandbox.counter("domains.unlink"), "two scans, but not the confirmation period apart");

        TestClock.advance(Duration.ofDays(4));
        JsonNode confirmed = scan("{}");
        assertEquals(Set.of("old-pending.example", "moved.example"), names(confirmed.get("removed")));
        assertEquals(Set.of("still-cname.example", "same-ip.example", "www.clean-a.example", "keep.internal.example"),
                sandbox.domainNames("clean-a").keySet());
        assertEquals(1, sandbox.domainNames("other-app").size(), "other apps are out of scope");
        assertTrue(ledger.tombstone("clean-a", "moved.example").isPresent(), "each removal leaves a tombstone");
        assertEquals(List.of("dns-gone"), ledger.tombstone("clean-a", "moved.example").get().rules());
        assertEquals("points-elsewhere", ledger.tombstone("clean-a", "moved.example").get().evidence().get("dns"));
        assertEquals("no-records", ledger.tombstone("clean-a", "old-pending.example").get().evidence().get("dns"));
    }

    @Test
    void aFreshDomainWithNoDnsIsNeverRemovedWithinTheGracePeriod() {
        seedApp("clean-new");
        seed("clean-new", "just-linked.example", "pending_dns", 0, false);   // linked a minute ago, no CNAME yet
        for (int day = 0; day < 14; day += 7) {
            JsonNode report = scan("{}");
            assertEquals(1, report.get("keptByReason").get("grace-period").asInt(), report.toString());
            assertEquals(0, report.get("markedTotal").asInt());
            TestClock.advance(Duration.ofDays(7));
        }
        TestClock.advance(Duration.ofDays(1));
        JsonNode pastGrace = scan("{}");
        assertEquals(Set.of("just-linked.example"), names(pastGrace.get("marked")), "past the grace period: marked, no more");
        assertEquals(0, sandbox.counter("domains.unlink"));
        assertEquals(1, sandbox.domainNames("clean-new").size());
    }

    @Test
    void aDomainHealthyAgainInBetweenStartsOver() {
        seedApp("clean-blip");
        seed("clean-blip", "blip.example", "created", 30, false);
        JsonNode outage = scan("{}");                 // the customer's DNS provider answers NXDOMAIN today
        assertEquals(Set.of("blip.example"), names(outage.get("marked")));

        TestClock.advance(Duration.ofDays(4));
        dns.cname("blip.example", "clean-blip.osc-fr1.scalingo.io");
        JsonNode fixed = scan("{}");
        assertEquals(1, fixed.get("cleared").asInt(), fixed.toString());

        TestClock.advance(Duration.ofDays(4));
        dns.remove("blip.example");
        JsonNode again = scan("{}");
        assertEquals(Set.of("blip.example"), names(again.get("marked")), "8 days after the first sighting, but the clock restarted");
        assertEquals(0, sandbox.counter("domains.unlink"));
    }

    @Test
    void aResolverFailureNeitherCountsNorClears() {
        seedApp("clean-dark");
        seed("clean-dark", "dark.example", "created", 30, false);
        scan("{}");
        TestClock.advance(Duration.ofDays(8));
        dns.close();
        try {
            JsonNode blind = scan("{}");
            assertEquals(1, blind.get("keptByReason").get("dns-unknown").asInt(), blind.toString());
            assertEquals(0, sandbox.counter("domains.unlink"), "no removal on a resolver failure");
        } finally {
            restartDns();
        }
        assertEquals(1, ledger.staleRecords("clean-dark").get("dark.example").sightings(), "the unknown look did not count");
    }

    @Test
    void aProxiedDomainWhoseLetsEncryptCertificateKeepsRenewingIsKept() {
        seedApp("clean-cdn");
        seed("clean-cdn", "shop.cdn.example", "created", 200, false);
        dns.address("shop.cdn.example", "198.51.100.7");                      // the CDN's address, not the platform's
        sandbox.letsencryptCertificate("clean-cdn", "shop.cdn.example", TestClock.now().plus(Duration.ofDays(60)));
        for (int scan = 0; scan < 3; scan++) {
            JsonNode report = scan("{}");
            assertEquals(1, report.get("keptByReason").get("traffic:letsencrypt-certificate-valid").asInt(), report.toString());
            assertEquals(0, report.get("markedTotal").asInt());
            TestClock.advance(Duration.ofDays(8));
        }
        assertEquals(0, sandbox.counter("domains.unlink"));
    }

    @Test
    void aForgedContinuationRemovesNothing() {
        seedApp("clean-forged");
        seed("clean-forged", "victim.example", "created", 30, false);
        dns.cname("victim.example", "clean-forged.osc-fr1.scalingo.io");     // healthy
        String finished = scan("{}").get("scanId").asText();

        JsonNode cursor = LambdaPath.invoke("""
                {"cursor": {"scanId": "forged", "dryRun": false, "plannedTotal": 0, "lastApp": "zzz",
                 "planned": [{"app": "clean-forged", "appHost": "elsewhere.example", "domainId": "x", "domain": "victim.example",
                 "rules": ["dns-gone"]}]}}""");
        assertTrue(cursor.get("error").asText().contains("carries only scanId and step"), cursor.toString());
        JsonNode unknown = LambdaPath.invoke("{\"scanId\": \"forged\", \"step\": 1}");
        assertEquals("rejected", unknown.get("outcome").asText(), unknown.toString());
        JsonNode replayed = LambdaPath.invoke("{\"scanId\": \"" + finished + "\", \"step\": 1}");
        assertTrue(replayed.get("error").asText().contains("is not the running scan"), replayed.toString());
        assertEquals(0, sandbox.counter("domains.unlink"));
        assertEquals(1, sandbox.domainNames("clean-forged").size());
    }

    @Test
    void aScanStartedWhileAnotherRunsDoesNothing() {
        for (int i = 0; i < 40; i++) {
            seedApp(String.format("clean-busy-%02d", i));
        }
        sandbox.faults().latency(60);                  // each list takes a while: the first invocation hands on
        JsonNode first = LambdaPath.invoke("{}");
        assertFalse(first.get("done").asBoolean(), first.toString());
        sandbox.faults().latency(0);
        JsonNode second = LambdaPath.invoke("{}");
        assertEquals("busy", second.get("outcome").asText(), second.toString());
        assertTrue(second.get("error").asText().contains(first.get("scanId").asText()));
        JsonNode last = follow(first);
        assertEquals(40, last.get("appsScanned").asInt(), "the first scan went on undisturbed");
        assertFalse(LambdaPath.invoke("{}").has("outcome"), "once it is done, the next one starts");
    }

    @Test
    void aScanWhoseContinuationWasLostIsTakenOverByTheNextStart() {
        for (int i = 0; i < 40; i++) {
            seedApp(String.format("clean-lost-%02d", i));
        }
        sandbox.faults().latency(60);
        JsonNode first = LambdaPath.invoke("{}");
        sandbox.faults().latency(0);
        assertFalse(first.get("done").asBoolean(), first.toString());
        assertNotNull(sandbox.takeInvocation(), "the continuation, lost here");
        assertEquals("busy", LambdaPath.invoke("{}").get("outcome").asText(), "within the hand-on window, the scan is not abandoned");
        TestClock.advance(Duration.ofMinutes(16));
        JsonNode takenOver = follow(LambdaPath.invoke("{}"));
        assertEquals(first.get("scanId").asText(), takenOver.get("scanId").asText(), "the same scan went on");
        assertEquals(40, takenOver.get("appsScanned").asInt(), "each app once, across both");
    }

    @Test
    void anUnlinkRefusedWith404WhileStillCnamedIsReportedPlatformRefused() {
        seedApp("clean-refuse");
        seed("clean-refuse", "cnamed.example", "created", 30, false);
        seed("clean-refuse", "vanishing.example", "created", 30, false);
        sandbox.stillCnamed("clean-refuse", "cnamed.example", true);
        scan("{}");
        TestClock.advance(CONFIRM);
        JsonNode report = scan("{}");
        assertEquals(1, report.get("keptByReason").get("platform-refused").asInt(), report.toString());
        assertTrue(sandbox.domainNames("clean-refuse").containsKey("cnamed.example"));
        assertTrue(ledger.tombstone("clean-refuse", "cnamed.example").isEmpty(), "no tombstone for a domain still there");
        assertEquals(Set.of("vanishing.example"), names(report.get("removed")));
    }

    @Test
    void aboveTheCapsNothingIsRemoved() {
        seedApp("clean-busy");
        for (int i = 0; i < 3; i++) {
            seed("clean-busy", "gone-" + i + ".example", "pending_dns", 30, false);
        }
        seedApp("clean-calm");
        seed("clean-calm", "gone.calm.example", "pending_dns", 30, false);
        scan("{}");
        TestClock.advance(CONFIRM);
        JsonNode perApp = scan("{}");
        assertEquals(Set.of("gone.calm.example"), names(perApp.get("removed")));
        assertEquals(3, perApp.get("keptByReason").get("cap").asInt());
        assertEquals(3, sandbox.domainNames("clean-busy").size());

        for (int app = 0; app < 6; app++) {
            seedApp("clean-many-" + app);
            seed("clean-many-" + app, "a.many" + app + ".example", "pending_dns", 30, false);
            seed("clean-many-" + app, "b.many" + app + ".example", "pending_dns", 30, false);
        }
        scan("{}");
        TestClock.advance(CONFIRM);
        sandbox.clearCounters();
        JsonNode perRun = scan("{}");
        assertEquals(15, perRun.get("plannedRemovals").asInt(), "the cap counts the confirmed plan: " + perRun);
        assertEquals(Set.of(), names(perRun.get("removed")));
        assertTrue(perRun.get("errors").toString().contains("above the run cap of 10"), perRun.toString());
        assertEquals(0, sandbox.counter("domains.unlink"));
    }

    @Test
    void removalsStopBeforeTheBudgetAndResume() {
        for (int app = 0; app < 5; app++) {
            seedApp("clean-slow-" + app);
            seed("clean-slow-" + app, "a.slow" + app + ".example", "pending_dns", 30, false);
            seed("clean-slow-" + app, "b.slow" + app + ".example", "pending_dns", 30, false);
        }
        scan("{}");
        TestClock.advance(CONFIRM);
        sandbox.faults().latency(120);   // a removal (list, DELETE) takes a quarter of a second or more
        List<JsonNode> reports = new ArrayList<>();
        reports.add(LambdaPath.invoke("{}"));
        while (!reports.get(reports.size() - 1).get("done").asBoolean() && reports.size() < 30) {
            String[] next = sandbox.takeInvocation();
            assertNotNull(next, "an unfinished invocation handed the rest on");
            long started = System.nanoTime();
            reports.add(LambdaPath.invoke(next[1]));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofMillis(1500 + 1000)) < 0, "an invocation kept near its budget: " + took);
        }
        sandbox.faults().latency(0);
        JsonNode last = reports.get(reports.size() - 1);
        assertTrue(last.get("done").asBoolean());
        assertTrue(reports.stream().filter(r -> "removing".equals(r.get("phase").asText())).count() >= 1,
                "the removal phase itself spanned invocations: " + reports.stream().map(r -> r.get("phase").asText()).toList());
        assertEquals(10, last.get("removed").size(), "every removal, reported once at the end: " + last);
        assertEquals(10, sandbox.counter("domains.unlink"), "each domain unlinked once");
    }

    @Test
    void restoreLinksARemovedDomainAgain() {
        seedApp("clean-oops");
        seed("clean-oops", "wanted-after-all.example", "created", 30, false);
        scan("{}");
        TestClock.advance(CONFIRM);
        assertEquals(Set.of("wanted-after-all.example"), names(scan("{}").get("removed")));
        assertFalse(sandbox.domainNames("clean-oops").containsKey("wanted-after-all.example"));

        JsonNode restored = LambdaPath.invoke("{\"restore\": {\"app\": \"clean-oops\", \"domain\": \"wanted-after-all.example\"}}");
        assertEquals("wanted-after-all.example", restored.get("restored").asText(), restored.toString());
        assertTrue(sandbox.domainNames("clean-oops").containsKey("wanted-after-all.example"));
        assertTrue(ledger.tombstone("clean-oops", "wanted-after-all.example").isEmpty());
        JsonNode twice = LambdaPath.invoke("{\"restore\": {\"app\": \"clean-oops\", \"domain\": \"wanted-after-all.example\"}}");
        assertTrue(twice.get("error").asText().contains("no removed domain"), twice.toString());
    }

    @Test
    void twoScansClaimedAtOnceOneWins() throws Exception {
        Instant now = TestClock.now();
        List<Thread> threads = new ArrayList<>();
        List<String> winners = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String id = "scan-" + i;
            Thread thread = new Thread(() -> {
                try (LocalCredentials.Scope caller = LocalCredentials.callerIs(CleanupStale.NAME)) {
                    if (ledger.claimScan(id, now, now.plus(Duration.ofHours(1))).isEmpty()) {
                        winners.add(id);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(1, winners.size(), "exactly one claim succeeds: " + winners);
        assertEquals(winners.get(0), ledger.runningScan(now).orElseThrow());
        assertTrue(ledger.claimScan("late", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3))).isEmpty(),
                "an expired claim no longer blocks");
    }

    @Test
    void aLargeScanResumesAcrossInvocationsWithEveryAppScannedOnce() {
        int apps = 1500;
        for (int i = 0; i < apps; i++) {
            String app = String.format("clean-%04d", i);
            sandbox.addApp(app);
            seed(app, "d" + i + ".scale.example", "created", 30, false);
            dns.cname("d" + i + ".scale.example", app + ".osc-fr1.scalingo.io");
            dns.address(app + ".osc-fr1.scalingo.io", "10.0.0.1");
        }
        sandbox.faults().failApp("clean-0700");
        sandbox.clearCounters();

        List<JsonNode> reports = new ArrayList<>();
        reports.add(LambdaPath.invoke("{}"));
        int safety = 0;
        boolean failureSeen = false;
        while (!reports.get(reports.size() - 1).get("done").asBoolean() && safety++ < 50) {
            if (!failureSeen && reports.get(reports.size() - 1).get("errors").toString().contains("clean-0700")) {
                failureSeen = true;
                sandbox.faults().reset(); // the failing app recovers: its scan must still happen, once
            }
            String[] next = sandbox.takeInvocation();
            assertNotNull(next, "an unfinished invocation handed the scan on");
            assertEquals("local-cleanup-stale:live", next[0]);
            assertEquals(Set.of("scanId", "step"), fieldNames(next[1]), "a continuation carries the scan's id and step only");
            long started = System.nanoTime();
            reports.add(LambdaPath.invoke(next[1]));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofMillis(1500 + 1500)) < 0, "an invocation kept near its budget: " + took);
        }
        JsonNode last = reports.get(reports.size() - 1);
        assertTrue(last.get("done").asBoolean());
        assertTrue(reports.size() >= 3, "the scan took several invocations: " + reports.size());
        assertEquals(apps, last.get("appsScanned").asInt());
        assertEquals(apps, last.get("domainsExamined").asInt());
        assertEquals(apps, sandbox.counter("domains.list"), "every app's domains listed exactly once");
        assertEquals(reports.size(), sandbox.counter("apps.list"), "one apps list per invocation");
        assertEquals(0, sandbox.counter("rejected.429"), "the client stayed within the rate limit");
        assertTrue(failureSeen, "the 5xx mid-scan was reported, and the scan handed on before that app");
        assertTrue(last.get("errors").toString().contains("app clean-0700: ") && !last.get("errors").toString().contains("skipped"),
                last.get("errors").toString());
        assertEquals(0, last.get("plannedRemovals").asInt(), "every domain still points at its app");
    }

    /** Starts a scan and follows its continuations to the end; the last report. */
    private JsonNode scan(String event) {
        return follow(LambdaPath.invoke(event));
    }

    private JsonNode follow(JsonNode report) {
        return CleanupScans.follow(sandbox, report);
    }

    private void restartDns() {
        try {
            dns = new SandboxDns(DNS_PORT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> fieldNames(String json) {
        try {
            Set<String> names = new TreeSet<>();
            JSON.readTree(json).fieldNames().forEachRemaining(names::add);
            return names;
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static Set<String> names(JsonNode list) {
        Set<String> names = new TreeSet<>();
        list.forEach(r -> names.add(r.get("domain").asText()));
        return names;
    }
}
