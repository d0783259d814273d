package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * set-canonical whose Scalingo token secret it may not read: this service's fault, so a 500 (not a 502 blaming
 * Scalingo), one read of the secret, the ConfigurationErrors metric, and nothing of the secret in the answer.
 */
@QuarkusTest
@TestProfile(SetCanonicalMisconfiguredTest.DeniedTokenSecret.class)
class SetCanonicalMisconfiguredTest {

    public static class DeniedTokenSecret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "set-canonical",
                    "scalingo.api-token-secret-id", "scalingo/locked",
                    "scalingo.api-token", "",
                    "sandbox.api-tokens", "tk-us-unused",
                    "sandbox.seed", "sandbox/token-secret-seed.json");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SandboxState sandbox;

    @Inject
    EmbeddedMetrics metrics;

    private long deniedTokenReads() {
        return sandbox.iamDecisions().stream().filter(d -> d.export().equals("set-canonical") && !d.allowed()
                && d.action().equals("secretsmanager:GetSecretValue") && d.resource().contains(":secret:scalingo/locked")).count();
    }

    @Test
    void anUnreadableTokenSecretIsThisServicesFaultAndAlarmed() throws Exception {
        ByteArrayOutputStream metricLines = new ByteArrayOutputStream();
        metrics.redirect(new PrintStream(metricLines, true, StandardCharsets.UTF_8));
        // The function names a token secret its role may not read (the stack's is scalingo/api-token): IAM denies it.
        long reads = deniedTokenReads();
        try {
            JsonNode response = LambdaPath.invoke(HttpApiEvents.request("GET", "/apps/token-from-secret/canonical-domain", null));
            assertEquals(500, response.get("statusCode").asInt(), response.toString());
            JsonNode body = JSON.readTree(response.get("body").asText());
            assertTrue(body.get("error").asText().contains("cannot use Scalingo as configured"), body.toString());
            assertTrue(body.has("requestId"));
            assertFalse(response.toString().contains("tk-us-locked"));
            assertEquals(reads + 1, deniedTokenReads(), "one read, denied as AWS would, no retry");
            assertEquals(0, sandbox.counter("domains.list"), "nothing sent to Scalingo");
            JsonNode metric = JSON.readTree(metricLines.toString(StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains("ConfigurationErrors")).findFirst().orElseThrow());
            assertEquals(1, metric.get("ConfigurationErrors").asInt());
            assertEquals("set-canonical", metric.get("Function").asText());
        } finally {
            metrics.redirect(System.out);
        }
    }
}
