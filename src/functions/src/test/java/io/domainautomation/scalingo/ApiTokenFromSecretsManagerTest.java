package io.domainautomation.scalingo;

import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.ScalingoApiToken;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.sandbox.SandboxState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployed, the API token comes from Secrets Manager: read with the real AWS SDK, once per container. */
@QuarkusTest
@TestProfile(ApiTokenFromSecretsManagerTest.TokenInSecretsManager.class)
class ApiTokenFromSecretsManagerTest {

    private static final Deadline NO_DEADLINE = Deadline.none();

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

    @Inject
    RequestTimeouts timeouts;

    @Inject
    @RestClient
    AppsApi appsApi;

    @Inject
    @RestClient
    DomainsApi domainsApi;

    @Inject
    RequestPacer pacer;

    /**
     * The adapter's handling of each secret (missing, denied by its own tag, rotated) is the subject here, not IAM:
     * the calls are the operator's, which the sandbox lets through (TemplateIamTest covers the roles).
     */
    private LocalCredentials.Scope operator;

    @org.junit.jupiter.api.BeforeEach
    void asOperator() {
        operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR);
    }

    @org.junit.jupiter.api.AfterEach
    void done() {
        operator.close();
    }

    @Test
    void theTokenIsReadFromTheSecretOnceAndUsed() {
        assertEquals("token-from-secret", client.getApp("token-from-secret", NO_DEADLINE).name());
        sandbox.expireAllBearers();
        assertEquals("token-from-secret", client.getApp("token-from-secret", NO_DEADLINE).name());
        assertEquals(2, sandbox.counter("auth.exchange"), "the bearer was exchanged twice");
        assertEquals(1, sandbox.counter("secretsmanager.GetSecretValue"), "the secret was read once");
    }

    @Test
    void aDeniedTokenSecretIsOneConfigurationErrorNotRetried() {
        sandbox.putSecret("scalingo/denied", "tk-us-denied-token", Map.of("sandbox:access", "denied"));
        ScalingoClient misconfigured = new ScalingoClient(appsApi, domainsApi,
                new BearerTokens(auth, apiTokens.fromSecret("scalingo/denied"), config, json, errors, timeouts), pacer, errors, config, timeouts);
        int reads = sandbox.counter("secretsmanager.GetSecretValue");
        int exchanges = sandbox.counter("auth.exchange");

        ScalingoException error = assertThrows(ScalingoException.class,
                () -> misconfigured.listDomains("token-from-secret", NO_DEADLINE));

        assertTrue(error.isConfiguration(), error.getMessage());
        assertFalse(error.isTransient(), "no retry can help");
        assertFalse(error.isPermanent(), "and it is not the request's fault either");
        assertTrue(error.getMessage().contains("scalingo/denied") && error.getMessage().contains("AccessDeniedException"),
                error.getMessage());
        assertFalse(error.getMessage().contains("tk-us-denied-token"));
        assertEquals(reads + 1, sandbox.counter("secretsmanager.GetSecretValue"), "read once, not retried");
        assertEquals(exchanges, sandbox.counter("auth.exchange"), "nothing to exchange");
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
        BearerTokens bearers = new BearerTokens(auth, apiTokens.fromSecret("scalingo/rotating"), config, json, errors, timeouts);
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
