package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.PublishedEvents;
import io.domainautomation.testsupport.TestClock;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** cleanup-stale as deployed by default: a dry run, which no invocation payload can turn off. */
@QuarkusTest
@TestProfile(CleanupStaleDryRunTest.Defaults.class)
class CleanupStaleDryRunTest {

    public static class Defaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "cleanup-stale",
                    "dns.resolver", "127.0.0.1:" + CleanupStaleTest.DNS_PORT,
                    "cleanup.apps-prefix", "clean-");
        }
    }

    private static SandboxDns dns;

    @Inject
    SandboxState sandbox;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new SandboxDns(CleanupStaleTest.DNS_PORT);
        TestClock.reset();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
        TestClock.reset();
    }

    @Test
    void aConfirmedDomainIsOnlyReportedAndAPayloadCannotTurnRemovalsOn() {
        sandbox.reset();
        sandbox.addApiToken("tk-us-test-local-token");
        sandbox.addApp("clean-dry");
        dns.address("clean-dry.osc-fr1.scalingo.io", "10.0.0.1");
        sandbox.clearEvents();
        sandbox.seedDomain("clean-dry", "gone.dry.example", TestClock.now().minus(Duration.ofDays(30)), "pending_dns", false);

        JsonNode first = LambdaPath.invoke("{\"dryRun\": false}");
        assertTrue(first.get("dryRun").asBoolean(), "dry run by default, whatever the payload says: " + first);
        assertEquals(1, first.get("markedTotal").asInt());
        TestClock.advance(Duration.ofDays(7));
        JsonNode confirmed = LambdaPath.invoke("{\"dryRun\": false}");
        assertTrue(confirmed.get("dryRun").asBoolean());
        assertEquals(1, confirmed.get("plannedRemovals").asInt(), confirmed.toString());
        assertEquals(1, confirmed.get("keptByReason").get("dry-run").asInt());
        assertEquals(0, confirmed.get("removed").size());
        assertEquals(0, sandbox.counter("domains.unlink"));
        // What README's catalogue says of a dry run: the mark is announced, saying it is a dry run; no removal.
        assertTrue(PublishedEvents.only(sandbox, "Domain Marked Stale").get("dryRun").asBoolean());
        assertEquals(List.of(), PublishedEvents.of(sandbox, "Domain Removed"));
    }
}
