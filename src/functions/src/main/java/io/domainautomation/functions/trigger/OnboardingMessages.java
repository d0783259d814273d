package io.domainautomation.functions.trigger;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LinkRequest;
import io.domainautomation.logic.OnboardingRequest;
import io.domainautomation.logic.UnlinkRequest;

/**
 * The body of an onboarding SQS message: {@code {"app": "...", "domain": "...", "canonical": false, "letsencrypt":
 * true, "tlsSecretId": "..."}} (schema: {@code src/main/resources/schemas/onboarding-message.schema.json}), also
 * accepted inside an SNS notification envelope (an SNS topic with an SQS subscription without raw delivery).
 */
public final class OnboardingMessages {

    public static final int MAX_BODY_CHARS = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("app", "domain", "canonical", "letsencrypt", "tlsSecretId", "requestId");
    private static final Set<String> UNLINK_FIELDS = Set.of("action", "app", "domain", "requestId");
    private static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("^[\\x21-\\x7e]{1,128}$");
    private static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9/_+=.@:-]{1,2048}");

    private OnboardingMessages() {
    }

    /**
     * A link, as always, or with {@code "action": "unlink"} an unlink (offboarding), which takes only {@code app},
     * {@code domain} and {@code requestId}.
     */
    public static OnboardingRequest parse(ObjectMapper json, String body) throws InvalidInput {
        JsonNode root = JsonInput.readObject(json, body, "message body", MAX_BODY_CHARS);
        if (isSnsNotification(root)) {
            root = JsonInput.readObject(json, root.get("Message").asText(), "SNS Message", MAX_BODY_CHARS);
        }
        if (root.has("action") && !root.get("action").isNull()) {
            String action = JsonInput.requiredText(root, "action");
            if (!action.equals("unlink")) {
                throw new InvalidInput("action", "action must be \"unlink\" (to offboard a domain), or absent (to link one),"
                        + " not " + InvalidInput.shown(action));
            }
            JsonInput.onlyFields(root, UNLINK_FIELDS);
            return new UnlinkRequest(AppName.parse("app", JsonInput.requiredText(root, "app")),
                    Hostname.parse("domain", JsonInput.requiredText(root, "domain")), requestId(root));
        }
        JsonInput.onlyFields(root, FIELDS);
        String app = AppName.parse("app", JsonInput.requiredText(root, "app"));
        Hostname domain = Hostname.parse("domain", JsonInput.requiredText(root, "domain"));
        boolean canonical = JsonInput.optionalBoolean(root, "canonical", false);
        boolean letsencrypt = JsonInput.optionalBoolean(root, "letsencrypt", true);
        Optional<String> tlsSecretId = Optional.empty();
        if (root.has("tlsSecretId") && !root.get("tlsSecretId").isNull()) {
            String secretId = JsonInput.requiredText(root, "tlsSecretId");
            if (!SECRET_ID.matcher(secretId).matches()) {
                throw new InvalidInput("tlsSecretId", "tlsSecretId is not a Secrets Manager secret name or ARN");
            }
            tlsSecretId = Optional.of(secretId);
        }
        return new LinkRequest(app, domain, canonical, letsencrypt, tlsSecretId, requestId(root));
    }

    private static Optional<String> requestId(JsonNode root) throws InvalidInput {
        if (!root.has("requestId") || root.get("requestId").isNull()) {
            return Optional.empty();
        }
        String id = JsonInput.requiredText(root, "requestId");
        if (!REQUEST_ID.matcher(id).matches()) {
            throw new InvalidInput("requestId", "requestId must be 1 to 128 printable ASCII characters without spaces");
        }
        return Optional.of(id);
    }

    private static boolean isSnsNotification(JsonNode root) {
        return "Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()
                && root.has("TopicArn");
    }
}
