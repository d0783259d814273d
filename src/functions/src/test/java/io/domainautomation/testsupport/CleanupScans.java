package io.domainautomation.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.sandbox.SandboxDns;
import io.domainautomation.sandbox.SandboxState;

/** What the cleanup-stale tests share: a fresh world before each test, and a scan followed to its end. */
public final class CleanupScans {

    private CleanupScans() {
    }

    /** An empty sandbox with the test token, the ledger emptied, no DNS record, the clock back to now. */
    public static void fresh(SandboxState sandbox, SandboxDns dns, DynamoDbClient dynamo, String ledgerTable) {
        sandbox.reset();
        sandbox.addApiToken("tk-us-test-local-token");
        sandbox.rateLimit(400, Duration.ofSeconds(1));
        dns.clear();
        TestClock.reset();
        LedgerTable.clear(dynamo, ledgerTable);
        while (sandbox.takeInvocation() != null) {
            // continuations of an earlier test are not this one's
        }
    }

    /** Follows a scan's continuations (the sandbox's Lambda Invoke) to the end; the last report. */
    public static JsonNode follow(SandboxState sandbox, JsonNode report) {
        int safety = 0;
        while (!report.path("done").asBoolean(true) && safety++ < 50) {
            String[] next = sandbox.takeInvocation();
            assertNotNull(next, "an unfinished invocation handed the scan on: " + report);
            report = LambdaPath.invoke(next[1]);
        }
        assertFalse(report.has("error"), report.toString());
        return report;
    }
}
