package io.domainautomation.scalingo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.aws.AwsErrors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Where the long-lived Scalingo API token comes from: a Secrets Manager secret when one is configured (read once
 * per container, then cached, and read again when Scalingo refuses it), else {@code SCALINGO_API_TOKEN}. The token
 * is never logged nor put in an error.
 */
@ApplicationScoped
public class ApiTokenSource {

    private final ScalingoConfig config;
    private final Instance<SecretsManagerClient> secretsManager;
    private final ObjectMapper json = new ObjectMapper();
    private volatile String token;

    ApiTokenSource(ScalingoConfig config, Instance<SecretsManagerClient> secretsManager) {
        this.config = config;
        this.secretsManager = secretsManager;
    }

    public String apiToken() {
        String known = token;
        if (known == null) {
            synchronized (this) {
                if (token == null) {
                    token = load();
                }
                known = token;
            }
        }
        return known;
    }

    /**
     * After Scalingo refused the token: reads the secret again, in case the token was rotated there. True when it
     * now holds a different token (then in use); false when there is no secret, it cannot be read now (the refusal
     * is the error to report), or it still holds the refused token.
     */
    public synchronized boolean reloadAfterRefusal() {
        if (config.apiTokenSecretId().isEmpty()) {
            return false;
        }
        String current;
        try {
            current = load();
        } catch (IllegalStateException unreadable) {
            return false;
        }
        if (current.equals(token)) {
            return false;
        }
        token = current;
        return true;
    }

    private String load() {
        if (config.apiTokenSecretId().isPresent()) {
            return fromSecret(config.apiTokenSecretId().get());
        }
        return config.apiToken().filter(t -> !t.isBlank()).map(String::trim)
                .orElseThrow(() -> new IllegalStateException(
                        "No Scalingo API token: set SCALINGO_API_TOKEN, or SCALINGO_API_TOKEN_SECRET_ID to a Secrets Manager secret"));
    }

    private String fromSecret(String secretId) {
        String secretString;
        try {
            secretString = secretsManager.get().getSecretValue(r -> r.secretId(secretId)).secretString();
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot read the Scalingo API token secret " + secretId + ": "
                    + AwsErrors.code(e), e);
        }
        if (secretString == null || secretString.isBlank()) {
            throw new IllegalStateException("The Scalingo API token secret " + secretId + " has no SecretString");
        }
        String trimmed = secretString.trim();
        if (!trimmed.startsWith("{")) {
            return trimmed;
        }
        try {
            JsonNode fields = json.readTree(trimmed);
            JsonNode value = fields.path("token");
            if (!value.isTextual() || value.asText().isBlank()) {
                value = fields.path("SCALINGO_API_TOKEN");
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new IllegalStateException("The Scalingo API token secret " + secretId
                        + " is JSON without a \"token\" field");
            }
            return value.asText().trim();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The Scalingo API token secret " + secretId + " is neither a token nor valid JSON");
        }
    }
}
