package io.domainautomation.logic;

import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An onboarding message: {@code {"app": "...", "domain": "...", "canonical": false, "letsencrypt": true,
 * "tlsSecretId": "..."}} (schema: {@code src/main/resources/schemas/onboarding-message.schema.json}), also accepted
 * inside an SNS notification envelope. Parsing fails with one clear reason naming the field.
 */
public record OnboardingRequest(String app, Hostname domain, boolean canonical, boolean letsencrypt,
        Optional<String> tlsSecretId) {

    public static final int MAX_BODY_CHARS = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("app", "domain", "canonical", "letsencrypt", "tlsSecretId");
    private static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9/_+=.@:-]{1,2048}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stable key for de-duplication: the same app and domain are the same work. */
    public String key() {
        return app + "|" + domain.ascii();
    }

    public static OnboardingRequest parse(String body) throws InvalidInput {
        JsonNode root = readObject(body, "message body");
        if (isSnsNotification(root)) {
            root = readObject(root.get("Message").asText(), "SNS Message");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidInput(name, "unknown field \"" + shorten(name) + "\"; allowed: app, domain, canonical, letsencrypt, tlsSecretId");
            }
        }
        String app = AppName.parse("app", requiredText(root, "app"));
        Hostname domain = Hostname.parse("domain", requiredText(root, "domain"));
        boolean canonical = optionalBoolean(root, "canonical", false);
        boolean letsencrypt = optionalBoolean(root, "letsencrypt", true);
        Optional<String> tlsSecretId = Optional.empty();
        if (root.has("tlsSecretId") && !root.get("tlsSecretId").isNull()) {
            String secretId = requiredText(root, "tlsSecretId");
            if (!SECRET_ID.matcher(secretId).matches()) {
                throw new InvalidInput("tlsSecretId", "tlsSecretId is not a Secrets Manager secret name or ARN");
            }
            tlsSecretId = Optional.of(secretId);
        }
        return new OnboardingRequest(app, domain, canonical, letsencrypt, tlsSecretId);
    }

    private static boolean isSnsNotification(JsonNode root) {
        return "Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()
                && root.has("TopicArn");
    }

    private static JsonNode readObject(String text, String what) throws InvalidInput {
        if (text == null || text.isBlank()) {
            throw new InvalidInput("body", what + " is empty");
        }
        if (text.length() > MAX_BODY_CHARS) {
            throw new InvalidInput("body", what + " is " + text.length() + " characters; at most " + MAX_BODY_CHARS);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new InvalidInput("body", what + " is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInput("body", what + " must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        return root;
    }

    private static String requiredText(JsonNode root, String field) throws InvalidInput {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInput(field, field + " is required");
        }
        if (!value.isTextual()) {
            throw new InvalidInput(field, field + " must be a string, got " + value.getNodeType());
        }
        if (value.asText().isBlank()) {
            throw new InvalidInput(field, field + " must not be blank");
        }
        return value.asText().strip();
    }

    private static boolean optionalBoolean(JsonNode root, String field, boolean fallback) throws InvalidInput {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidInput(field, field + " must be true or false, got " + value.getNodeType());
        }
        return value.booleanValue();
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
