package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * set-canonical with a small rate budget (5 requests a minute, as deployed) and an 8 s deadline per invocation: each
 * answer comes within the deadline, and the PUT the budget cannot serve in time is a 503 with Retry-After, not a
 * timeout.
 */
@QuarkusTest
@TestProfile(SetCanonicalDeadlineTest.SmallBudget.class)
class SetCanonicalDeadlineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(8);

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "set-canonical",
                    "scalingo.rate-limit.requests", "5",
                    "scalingo.rate-limit.period", "60s",
                    "scalingo.rate-limit.initial-share", "1",
                    "invocation.local-timeout", DEADLINE.toSeconds() + "s",
                    "invocation.deadline-margin", "1s",
                    // the ledger (dynalite, local) answers in milliseconds: its calls' bound scaled with the deadline
                    "aws.api-call-timeout", "2s",
                    // and one Scalingo request's longest time with it (a record needs 2 s + two requests' time)
                    "quarkus.rest-client.scalingo-api.connect-timeout", "500",
                    "quarkus.rest-client.scalingo-api.read-timeout", "1000");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SandboxState sandbox;

    @Test
    void threePutsInAMinuteAnswerWithinTheDeadlineTheLateOneWith503() throws Exception {
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        String app = "deadline-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        for (String name : new String[] { "a", "b", "c" }) {
            sandbox.seedDomain(app, name + "." + app + ".example", Instant.now(), "created", false);
        }
        int[] statuses = new int[3];
        JsonNode late = null;
        for (int i = 0; i < 3; i++) {
            String domain = new String[] { "a", "b", "c" }[i] + "." + app + ".example";
            long started = System.nanoTime();
            JsonNode response = LambdaPath.invoke(HttpApiEvents.request("PUT", "/apps/" + app + "/canonical-domain",
                    "{\"domain\":\"" + domain + "\"}"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(DEADLINE) < 0, "PUT " + (i + 1) + " answered in " + took.toMillis() + " ms");
            statuses[i] = response.get("statusCode").asInt();
            if (statuses[i] == 503) {
                late = response;
            }
        }
        assertEquals(200, statuses[0]);
        assertEquals(200, statuses[1], "two PUTs (a list and a PATCH each) fit in a budget of five");
        assertEquals(503, statuses[2], "the third PUT's PATCH has no slot before the deadline");
        int retryAfter = Integer.parseInt(late.get("headers").get("Retry-After").asText());
        assertTrue(retryAfter > DEADLINE.toSeconds() && retryAfter <= 61, "Retry-After says when a slot frees: " + retryAfter);
        assertTrue(JSON.readTree(late.get("body").asText()).get("error").asText().contains("retry in " + retryAfter + " s"));
        assertEquals(Boolean.TRUE, sandbox.domainNames(app).get("b." + app + ".example"), "the second PUT's change stands");
    }
}
