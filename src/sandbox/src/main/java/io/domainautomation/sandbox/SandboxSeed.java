package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Loads a fixture into the sandbox: {@code {"apiTokens": [...], "apps": [{"name": "...", "domains": [{"name":
 * "...", "canonical": false, "letsencrypt_status": "created", "created_days_ago": 3, "still_cnamed": false}]}],
 * "secrets": [{"name":
 * "...", "secretString": "...", "tags": {...}}]}}. A secret may say {@code "generateCertificateFor": ["host", ...]}
 * instead of a secretString: a self-signed certificate and key are then made at start-up, so no key material is
 * ever committed.
 */
public final class SandboxSeed {
    private SandboxSeed() {
    }

    /** A seed file on disk, as {@code java -jar scalingo-sandbox.jar --seed FILE} takes it. */
    public static void load(SandboxState state, java.nio.file.Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            apply(state, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox seed " + file + " cannot be read as JSON", e);
        }
    }

    /** A seed on the class path (dev mode's {@code sandbox/dev-seed.json}). */
    public static void load(SandboxState state, String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("sandbox seed " + resource + " not found on the classpath");
            }
            apply(state, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox seed " + resource + " is not valid JSON", e);
        }
    }

    static void apply(SandboxState state, JsonNode seed) {
        seed.path("apiTokens").forEach(token -> state.addApiToken(token.asText()));
        for (JsonNode app : seed.path("apps")) {
            String name = app.path("name").asText();
            state.addApp(name);
            for (JsonNode domain : app.path("domains")) {
                state.seedDomain(name, domain.path("name").asText(),
                        state.now().minus(Duration.ofDays(domain.path("created_days_ago").asLong(0))),
                        domain.path("letsencrypt_status").asText("created"), domain.path("canonical").asBoolean(false));
                if (domain.path("still_cnamed").asBoolean(false)) {
                    state.stillCnamed(name, domain.path("name").asText(), true);
                }
            }
        }
        for (JsonNode secret : seed.path("secrets")) {
            Map<String, String> tags = new HashMap<>();
            secret.path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
            String secretString = secret.path("secretString").asText();
            if (secret.path("generateCertificateFor").isArray()) {
                List<String> names = new ArrayList<>();
                secret.get("generateCertificateFor").forEach(n -> names.add(n.asText()));
                secretString = SelfSignedCertificates.secretString(names, Duration.ofDays(secret.path("validDays").asLong(90)));
            }
            state.putSecret(secret.path("name").asText(), secretString, tags);
        }
    }
}
