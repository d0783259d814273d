package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import io.domainautomation.aws.LedgerConfig;
import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.LedgerTable;
import io.domainautomation.testsupport.SqsEvents;
import io.domainautomation.testsupport.SqsEvents.Message;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * link-on-signup with the account's shared rate budget (RateBudget=shared) through the real Lambda path: its Scalingo
 * requests take their slots from the budget's item on dynalite (signed as the function: the template's IAM), and a 429
 * from Scalingo shrinks the budget there, for every container.
 */
@QuarkusTest
@TestProfile(SharedRateBudgetTest.Shared.class)
class SharedRateBudgetTest {

    public static class Shared implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "link-on-signup", "scalingo.budget.shared", "true",
                    "scalingo.budget.account", "test-account");
        }
    }

    @Inject
    SandboxState sandbox;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    private String app;

    @BeforeEach
    void fresh() {
        LedgerTable.clear(operatorsClient, config.table());
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.clearCounters();
    }

    private Map<String, AttributeValue> budgetItem() {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            return operatorsClient.getItem(g -> g.tableName(config.table()).key(Map.of("pk",
                    AttributeValue.fromS("BUDGET#test-account"), "sk", AttributeValue.fromS("WINDOW"))).consistentRead(true))
                    .item();
        }
    }

    private List<String> invoke(Message message) {
        JsonNode root = LambdaPath.invoke(SqsEvents.event(List.of(message)));
        List<String> ids = new ArrayList<>();
        root.path("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    @Test
    void aLinkTakesItsRequestsFromTheSharedBudget() {
        assertEquals(List.of(), invoke(Message.of(SqsEvents.onboarding(app, "www.budget.example"))));

        assertEquals(Map.of("www.budget.example", false), sandbox.domainNames(app));
        Map<String, AttributeValue> item = budgetItem();
        assertTrue(item != null && !item.isEmpty(), "the budget's item, written as link-on-signup");
        String grants = item.get("grants").s();
        int granted = 0;
        for (String grant : grants.split(";")) {
            assertTrue(grant.endsWith(":SIGNUP"), grant);
            granted += Integer.parseInt(grant.split(":")[2]);
        }
        assertTrue(granted >= 2, "the app lookup, the list and the POST: " + grants);
    }

    @Test
    void aTooManyRequestsFromScalingoShrinksTheSharedBudget() {
        sandbox.faults().rateLimitBurst(1).retryAfter(30);
        Message message = Message.of(SqsEvents.onboarding(app, "www.shrunk.example"));

        // a Retry-After beyond the client's retries: the message comes back (as without the shared budget)
        assertEquals(List.of(message.messageId()), invoke(message));

        Map<String, AttributeValue> item = budgetItem();
        long shrinkUntil = Long.parseLong(item.get("shrinkUntil").n());
        assertTrue(shrinkUntil > System.currentTimeMillis() + 20_000, "shrunk for the 429's Retry-After at least");
        assertEquals(25, Integer.parseInt(item.get("shrunkCap").n()), "half of the cap, 50");
    }
}
