package io.domainautomation.aws;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import io.domainautomation.scalingo.ApiTokenSource;
import io.domainautomation.scalingo.ScalingoConfig;

/**
 * The Scalingo API token for the client: deployed, from the Secrets Manager secret named by
 * {@code SCALINGO_API_TOKEN_SECRET_ID} (its SecretString is the token, or JSON with {@code token}), read once per
 * container and read again when Scalingo refuses it; else {@code SCALINGO_API_TOKEN}.
 */
@ApplicationScoped
public class ScalingoApiToken {

    private final ScalingoConfig config;
    private final Instance<SecretsManagerClient> secretsManager;
    private final ObjectMapper json;

    ScalingoApiToken(ScalingoConfig config, Instance<SecretsManagerClient> secretsManager, ObjectMapper json) {
        this.config = config;
        this.secretsManager = secretsManager;
        this.json = json;
    }

    @Produces
    @Singleton
    ApiTokenSource source() {
        return config.apiTokenSecretId().filter(id -> !id.isBlank()).map(this::fromSecret)
                .orElseGet(() -> ApiTokenSource.configured(config));
    }

    /** The token kept in this secret, read on first use. */
    public ApiTokenSource fromSecret(String secretId) {
        return new FromSecret(secretId);
    }

    /**
     * Builds the Secrets Manager client the token is read with, sending nothing: before a SnapStart snapshot, which
     * must hold neither the token nor a connection ({@link AwsLoopbackPriming} runs the request path itself).
     */
    public void warm() {
        if (config.apiTokenSecretId().filter(id -> !id.isBlank()).isPresent()) {
            secretsManager.get().serviceClientConfiguration();
        }
    }

    private final class FromSecret implements ApiTokenSource {

        private final String secretId;
        private volatile String token;

        FromSecret(String secretId) {
            this.secretId = secretId;
        }

        @Override
        public String apiToken() {
            String known = token;
            if (known == null) {
                synchronized (this) {
                    if (token == null) {
                        token = read();
                    }
                    known = token;
                }
            }
            return known;
        }

        @Override
        public synchronized boolean reloadAfterRefusal() {
            String current;
            try {
                current = read();
            } catch (IllegalStateException unreadable) {
                return false;
            }
            if (current.equals(token)) {
                return false;
            }
            token = current;
            return true;
        }

        private String read() {
            String secretString;
            try {
                secretString = secretsManager.get().getSecretValue(r -> r.secretId(secretId)).secretString();
            } catch (SdkException e) {
                throw new IllegalStateException("Cannot read the Scalingo API token secret " + secretId + ": "
                        + AwsErrors.failure("read", e).code(), e);
            }
            if (secretString == null || secretString.isBlank()) {
                throw new IllegalStateException("The Scalingo API token secret " + secretId + " has no SecretString");
            }
            String trimmed = secretString.trim();
            if (!trimmed.startsWith("{")) {
                return trimmed;
            }
            JsonNode fields;
            try {
                fields = json.readTree(trimmed);
            } catch (IOException e) {
                throw new IllegalStateException("The Scalingo API token secret " + secretId + " is neither a token nor valid JSON");
            }
            for (String field : new String[] { "token", "SCALINGO_API_TOKEN" }) {
                JsonNode value = fields.path(field);
                if (value.isTextual() && !value.asText().isBlank()) {
                    return value.asText().trim();
                }
            }
            throw new IllegalStateException("The Scalingo API token secret " + secretId + " is JSON without a \"token\" field");
        }
    }
}
