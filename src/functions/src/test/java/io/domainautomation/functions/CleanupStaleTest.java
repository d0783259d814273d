package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.TestDnsServer;
import io.domainautomation.testsupport.LambdaPath;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * cleanup-stale through the Lambda path, against the sandbox and a real DNS server on loopback (dnsjava's
 * message classes over UDP), with scans handed from invocation to invocation through the sandbox's Lambda Invoke.
 */
@QuarkusTest
@TestProfile(CleanupStaleTest.Export.class)
class CleanupStaleTest {

    static final int DNS_PORT = 18053;

    public static class Export implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("quarkus.funqy.export", "cleanup-stale"),
                    Map.entry("cleanup.dns.resolver", "127.0.0.1:" + DNS_PORT),
                    Map.entry("cleanup.dns.timeout", "500ms"),
                    Map.entry("cleanup.protected-patterns", "*.internal.example"),
                    Map.entry("cleanup.apps-prefix", "clean-"),
                    Map.entry("cleanup.continuation-function", "cleanup-stale"),
                    Map.entry("cleanup.time-budget", "1500ms"),
                    // The scale test's budget: 400 requests a second on both sides, like 60 a minute sped up 400 times.
                    Map.entry("scalingo.rate-limit.requests", "400"),
                    Map.entry("scalingo.rate-limit.period", "1s"),
                    Map.entry("scalingo.rate-limit.guard", "20ms"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDnsServer dns;

    @Inject
    SandboxState sandbox;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new TestDnsServer(DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void fresh() {
        sandbox.reset();
        sandbox.addApiToken("tk-us-test-local-token");
        sandbox.rateLimit(400, Duration.ofSeconds(1));
        dns.clear();
    }

    private void seedApp(String app) {
        sandbox.addApp(app);
        dns.address(app + ".osc-fr1.scalingo.io", "10.0.0.1");
    }

    private void seed(String app, String domain, String status, int daysOld, boolean canonical) {
        sandbox.seedDomain(app, domain, Instant.now().minus(Duration.ofDays(daysOld)), status, canonical);
    }

    @Test
    void eachRuleDryRunFirstThenExactlyThePlannedSetRemoved() {
        seedApp("clean-a");
        seed("clean-a", "old-pending.example", "pending_dns", 30, false);      // never validated, DNS gone
        seed("clean-a", "moved.example", "created", 30, false);                // DNS elsewhere
        dns.address("moved.example", "192.0.2.50");
        seed("clean-a", "still-cname.example", "pending_dns", 30, false);      // stale, DNS still at the app
        dns.cname("still-cname.example", "clean-a.osc-fr1.scalingo.io");
        seed("clean-a", "young.example", "pending_dns", 3, false);             // within grace, DNS at the app
        dns.cname("young.example", "clean-a.osc-fr1.scalingo.io");
        seed("clean-a", "same-ip.example", "created", 30, false);              // A in common with the app
        dns.address("same-ip.example", "10.0.0.1");
        seed("clean-a", "www.clean-a.example", "pending_dns", 30, true);       // canonical
        seed("clean-a", "keep.internal.example", "pending_dns", 30, false);    // protected
        seedApp("other-app");                                                  // out of scope (prefix)
        seed("other-app", "out-of-scope.example", "pending_dns", 30, false);

        JsonNode plan = invoke("{}");
        assertTrue(plan.get("done").asBoolean());
        assertTrue(plan.get("dryRun").asBoolean(), "dry run by default");
        assertEquals(1, plan.get("appsScanned").asInt());
        assertEquals(7, plan.get("domainsExamined").asInt());
        assertEquals(2, plan.get("plannedRemovals").asInt());
        // canonical and protected domains are decided first: they are no candidates
        assertEquals(2, plan.get("candidatesByRule").get("never-validated").asInt(), plan.toString());
        assertEquals(2, plan.get("candidatesByRule").get("dns-gone").asInt(), plan.toString());
        assertEquals(Map.of("canonical", 1, "protected", 1, "stale-but-dns-active", 1, "dry-run", 2),
                JSON.convertValue(plan.get("keptByReason"), Map.class));
        assertEquals(0, sandbox.counter("domains.unlink"), "a dry run removes nothing");
        assertEquals(7, sandbox.domainNames("clean-a").size());

        JsonNode run = invoke("{\"dryRun\": false}");
        Set<String> removed = new HashSet<>();
        run.get("removed").forEach(r -> removed.add(r.get("domain").asText()));
        assertEquals(Set.of("old-pending.example", "moved.example"), removed);
        assertEquals(Set.of("still-cname.example", "young.example", "same-ip.example", "www.clean-a.example",
                "keep.internal.example"), sandbox.domainNames("clean-a").keySet());
        assertEquals(1, sandbox.domainNames("other-app").size(), "other apps are out of scope");
    }

    @Test
    void aboveTheCapsNothingIsRemoved() {
        seedApp("clean-busy");
        for (int i = 0; i < 3; i++) {
            seed("clean-busy", "gone-" + i + ".example", "pending_dns", 30, false);
        }
        seedApp("clean-calm");
        seed("clean-calm", "gone.calm.example", "pending_dns", 30, false);

        JsonNode perApp = invoke("{\"dryRun\": false}");
        assertEquals(List.of("gone.calm.example"), names(perApp.get("removed")));
        assertEquals(3, perApp.get("keptByReason").get("cap").asInt());
        assertEquals(3, sandbox.domainNames("clean-busy").size());

        for (int app = 0; app < 6; app++) {
            seedApp("clean-many-" + app);
            seed("clean-many-" + app, "a.many" + app + ".example", "pending_dns", 30, false);
            seed("clean-many-" + app, "b.many" + app + ".example", "pending_dns", 30, false);
        }
        sandbox.clearCounters();
        JsonNode perRun = invoke("{\"dryRun\": false}");
        assertEquals(List.of(), names(perRun.get("removed")));
        assertTrue(perRun.get("errors").toString().contains("above the run cap of 10"), perRun.toString());
        assertEquals(0, sandbox.counter("domains.unlink"));
    }

    @Test
    void anUnlinkAnswering404IsSuccess() {
        seedApp("clean-gone");
        seed("clean-gone", "vanishing.example", "pending_dns", 30, false);
        sandbox.faults().answerNext("domains.unlink", 404);
        JsonNode run = invoke("{\"dryRun\": false}");
        assertEquals(List.of("vanishing.example"), names(run.get("removed")));
        assertEquals(List.of(), JSON.convertValue(run.get("errors"), List.class));
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
        reports.add(invoke("{\"dryRun\": true}"));
        int safety = 0;
        boolean failureSeen = false;
        while (!reports.get(reports.size() - 1).get("done").asBoolean() && safety++ < 50) {
            if (!failureSeen && reports.get(reports.size() - 1).get("errors").toString().contains("clean-0700")) {
                failureSeen = true;
                sandbox.faults().reset(); // the failing app recovers: its scan must still happen, once
            }
            String[] next = sandbox.takeInvocation();
            assertNotNull(next, "an unfinished invocation handed the scan on");
            assertEquals("cleanup-stale", next[0]);
            long started = System.nanoTime();
            reports.add(invoke(next[1]));
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

    private static List<String> names(JsonNode removed) {
        List<String> names = new ArrayList<>();
        removed.forEach(r -> names.add(r.get("domain").asText()));
        return names;
    }

    private static JsonNode invoke(String event) {
        return LambdaPath.invoke(event);
    }
}
