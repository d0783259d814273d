package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

import io.domainautomation.sandbox.SandboxState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.domainautomation.aws.ScalingoApiToken;

/** Deployed, the API token comes from Secrets Manager: read with the real AWS SDK, once per container. */
@QuarkusTest
@TestProfile(ApiTokenFromSecretsManagerTest.TokenInSecretsManager.class)
class ApiTokenFromSecretsManagerTest {

    public static class TokenInSecretsManager implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scalingo.api-token-secret-id", "scalingo/api-token",
                    "scalingo.api-token", "",
                    "sandbox.api-tokens", "tk-us-unused",
                    "sandbox.seed", "sandbox/token-secret-seed.json");
        }
    }

    @Inject
    ScalingoClient client;

    @Inject
    @RestClient
    AuthApi auth;

    @Inject
    SandboxState sandbox;

    @Inject
    ScalingoConfig config;

    @Inject
    ScalingoApiToken apiTokens;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    @Inject
    ScalingoErrorMapper errors;

    @Test
    void theTokenIsReadFromTheSecretOnceAndUsed() {
        assertEquals("token-from-secret", client.getApp("token-from-secret").name());
        sandbox.expireAllBearers();
        assertEquals("token-from-secret", client.getApp("token-from-secret").name());
        assertEquals(2, sandbox.counter("auth.exchange"), "the bearer was exchanged twice");
        assertEquals(1, sandbox.counter("secretsmanager.GetSecretValue"), "the secret was read once");
    }

    @Test
    void aMissingOrForbiddenSecretIsAClearErrorWithoutTheSecret() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> apiTokens.fromSecret("scalingo/nope").apiToken());
        assertEquals("Cannot read the Scalingo API token secret scalingo/nope: ResourceNotFoundException", missing.getMessage());

        IllegalStateException denied = assertThrows(IllegalStateException.class,
                () -> apiTokens.fromSecret("scalingo/locked").apiToken());
        assertEquals("Cannot read the Scalingo API token secret scalingo/locked: AccessDeniedException", denied.getMessage());
        assertFalse(denied.getMessage().contains("tk-us-locked"));
    }

    @Test
    void aTokenRotatedInItsSecretIsReadAgainWhenScalingoRefusesTheOldOne() {
        sandbox.addApiToken("tk-us-rotating-old");
        sandbox.putSecret("scalingo/rotating", "tk-us-rotating-old", Map.of());
        BearerTokens bearers = new BearerTokens(auth, apiTokens.fromSecret("scalingo/rotating"), config, json, errors);
        String first = bearers.authorization();
        int reads = sandbox.counter("secretsmanager.GetSecretValue");

        sandbox.revokeApiToken("tk-us-rotating-old");
        sandbox.addApiToken("tk-us-rotating-new");
        sandbox.putSecret("scalingo/rotating", "tk-us-rotating-new", Map.of());
        bearers.reject(first);
        String second = bearers.authorization();

        assertNotEquals(first, second);
        assertEquals(reads + 1, sandbox.counter("secretsmanager.GetSecretValue"), "the secret was read again, once");

        sandbox.revokeApiToken("tk-us-rotating-new");
        bearers.reject(second);
        ScalingoException refused = assertThrows(ScalingoException.class, bearers::authorization);
        assertEquals(401, refused.status());
        assertEquals(reads + 2, sandbox.counter("secretsmanager.GetSecretValue"), "one more read, then the refusal stands");
        assertFalse(refused.getMessage().contains("tk-us-rotating"));

        sandbox.putSecret("scalingo/rotating", "tk-us-rotating-newer", Map.of("sandbox:access", "denied"));
        ScalingoException stillRefused = assertThrows(ScalingoException.class, bearers::authorization);
        assertEquals(401, stillRefused.status(), "a secret that cannot be read leaves the refusal as the error");
    }
}
