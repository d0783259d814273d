package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.domainautomation.sandbox.SandboxState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

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
    SandboxState sandbox;

    @Inject
    ScalingoConfig config;

    @Inject
    Instance<SecretsManagerClient> secretsManager;

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
                () -> new ApiTokenSource(withSecretId("scalingo/nope"), secretsManager).apiToken());
        assertEquals("Cannot read the Scalingo API token secret scalingo/nope: ResourceNotFoundException", missing.getMessage());

        IllegalStateException denied = assertThrows(IllegalStateException.class,
                () -> new ApiTokenSource(withSecretId("scalingo/locked"), secretsManager).apiToken());
        assertEquals("Cannot read the Scalingo API token secret scalingo/locked: AccessDeniedException", denied.getMessage());
        assertFalse(denied.getMessage().contains("tk-us-locked"));
    }

    private ScalingoConfig withSecretId(String secretId) {
        return (ScalingoConfig) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ScalingoConfig.class },
                (proxy, method, args) -> method.getName().equals("apiTokenSecretId") ? Optional.of(secretId)
                        : method.invoke(config, args));
    }
}
