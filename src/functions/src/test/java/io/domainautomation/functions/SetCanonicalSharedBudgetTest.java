package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.aws.DynamoDbBudgetStore;
import io.domainautomation.aws.LedgerConfig;
import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * set-canonical on the account's shared budget (RateBudget=shared) when the budget has no slot before its deadline:
 * answered 503 with a Retry-After that says when the budget frees one, within the deadline, and nothing is sent to
 * Scalingo.
 */
@QuarkusTest
@TestProfile(SetCanonicalSharedBudgetTest.Shared.class)
class SetCanonicalSharedBudgetTest {

    private static final Duration DEADLINE = Duration.ofSeconds(8);

    public static class Shared implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "set-canonical", "scalingo.budget.shared", "true",
                    "scalingo.budget.account", "canonical-account", "invocation.local-timeout", DEADLINE.toSeconds() + "s",
                    "invocation.deadline-margin", "1s", "aws.api-call-timeout", "2s");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SandboxState sandbox;

    @Inject
    DynamoDbBudgetStore budget;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    @Test
    void aFullBudgetIsA503WithWhenItFreesAndNoScalingoRequest() throws Exception {
        LedgerTable.clear(operatorsClient, config.table());
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        String app = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.seedDomain(app, "www." + app + ".example", Instant.now(), "created", false);
        // the account's cap (50) taken by signups whose slots may start for the next 30 s: counted until 91 s from now
        long now = System.currentTimeMillis();
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            assertTrue(budget.write(new BudgetWindow("canonical-account", List.of(new BudgetWindow.Grant(now, now + 30_000, 50,
                    Priority.SIGNUP)), 0, 0, 1)).written());
        }
        sandbox.clearCounters();
        long started = System.nanoTime();
        JsonNode response = LambdaPath.invoke(HttpApiEvents.request("PUT", "/apps/" + app + "/canonical-domain",
                "{\"domain\":\"www." + app + ".example\"}"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(DEADLINE) < 0, "answered within the deadline: " + took.toMillis() + " ms");
        assertEquals(503, response.get("statusCode").asInt(), response.toString());
        int retryAfter = Integer.parseInt(response.get("headers").get("Retry-After").asText());
        assertTrue(retryAfter >= 85 && retryAfter <= 92, "when the signups' slots stop counting: " + retryAfter);
        assertTrue(JSON.readTree(response.get("body").asText()).get("error").asText().contains("retry in " + retryAfter + " s"));
        assertEquals(Boolean.FALSE, sandbox.domainNames(app).get("www." + app + ".example"), "nothing changed");
        assertEquals(List.of(), sandbox.counters().keySet().stream().filter(operation -> !operation.startsWith("auth.")).toList(),
                "no request reached Scalingo's API (the bearer exchange is the auth service's, before any slot)");
    }
}
