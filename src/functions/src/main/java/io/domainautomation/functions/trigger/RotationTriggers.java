package io.domainautomation.functions.trigger;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.rotation.RotationScope;

/**
 * What a rotation run covers, read from whatever invoked it: a schedule (EventBridge Scheduler input or a
 * scheduled rule event) checks every managed secret; a Secrets Manager change checks that secret only, whether
 * Secrets Manager's own {@code Secret Label Updated} event (AWSCURRENT moved to a new version; no trail needed) or
 * a CloudTrail one (PutSecretValue, UpdateSecretVersionStage, RotationSucceeded, TagResource, UntagResource,
 * DeleteSecret, RestoreSecret); a manual invocation names
 * {@code secretId}, or {@code app} and {@code domain}. Any of them may say {@code "dryRun": true}.
 */
public final class RotationTriggers {

    private static final String EXPECTED = "expected a schedule, a Secrets Manager event, {\"secretId\": ...} or "
            + "{\"app\": ..., \"domain\": ...}";

    private RotationTriggers() {
    }

    public static RotationScope parse(JsonNode event, boolean dryRunByDefault) throws InvalidInput {
        if (event == null || !event.isObject()) {
            throw new InvalidInput("event", "expected a JSON object: " + EXPECTED.substring("expected ".length()));
        }
        boolean dryRun = JsonInput.optionalBoolean(event, "dryRun", dryRunByDefault);
        String detailType = event.path("detail-type").asText("");
        if (detailType.equals("Secret Label Updated")) {
            return labelUpdated(event, dryRun);
        }
        if (event.path("source").asText("").equals("aws.secretsmanager") || detailType.contains("CloudTrail")) {
            return RotationScope.secret(changedSecret(event.path("detail")), dryRun,
                    "secret-change:" + event.path("detail").path("eventName").asText("unknown"));
        }
        if (detailType.equals("Scheduled Event") || event.path("schedule").asBoolean(false)
                || "all".equals(event.path("scope").asText(null))) {
            String after = JsonInput.textOrNull(event, "after");
            return after == null ? RotationScope.all(dryRun, "schedule")
                    : RotationScope.allAfter(after, dryRun, "schedule, continued after " + InvalidInput.shown(after));
        }
        if (event.hasNonNull("secretId")) {
            if (!event.get("secretId").isTextual() || event.get("secretId").asText().isBlank()) {
                throw new InvalidInput("secretId", "secretId must be a secret name or ARN");
            }
            return RotationScope.secret(event.get("secretId").asText().trim(), dryRun, "manual");
        }
        if (event.hasNonNull("app") || event.hasNonNull("domain")) {
            String app = AppName.parse("app", JsonInput.textOrNull(event, "app"));
            Hostname domain = Hostname.parse("domain", JsonInput.textOrNull(event, "domain"));
            return RotationScope.domain(app, domain, dryRun, "manual");
        }
        throw new InvalidInput("event", "unrecognised trigger: " + EXPECTED);
    }

    /** The native event: {@code resources} holds the secret's ARN, {@code detail} its name, label and version. */
    private static RotationScope labelUpdated(JsonNode event, boolean dryRun) throws InvalidInput {
        String label = event.path("detail").path("labelUpdated").asText("");
        if (!label.equals("AWSCURRENT")) {
            throw new InvalidInput("detail.labelUpdated", "only a new AWSCURRENT version is rotated, not a move of " +
                    (label.isEmpty() ? "an unnamed label" : InvalidInput.shown(label)));
        }
        JsonNode arn = event.path("resources").path(0);
        String secret = arn.isTextual() && !arn.asText().isBlank() ? arn.asText() : event.path("detail").path("name").asText("");
        if (secret.isBlank()) {
            throw new InvalidInput("detail.name", "the Secret Label Updated event names no secret (resources, detail.name)");
        }
        return RotationScope.secret(secret, dryRun, "secret-label-updated:" + event.path("detail").path("versionId").asText("unknown"));
    }

    private static String changedSecret(JsonNode detail) throws InvalidInput {
        for (JsonNode candidate : new JsonNode[] { detail.path("requestParameters").path("secretId"),
                detail.path("additionalEventData").path("SecretId"), detail.path("responseElements").path("arn"),
                detail.path("requestParameters").path("SecretId") }) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        throw new InvalidInput("detail", "the Secrets Manager event names no secret (requestParameters.secretId, "
                + "additionalEventData.SecretId)");
    }
}
