package io.domainautomation.logic.rotation;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;

/**
 * What a rotation run covers, read from whatever invoked it: a schedule (EventBridge Scheduler input or a
 * scheduled rule event) checks every managed secret; a Secrets Manager change (PutSecretValue,
 * UpdateSecretVersionStage via CloudTrail, RotationSucceeded) checks that secret only; a manual invocation names
 * {@code secretId}, or {@code app} and {@code domain}. Any of them may say {@code "dryRun": true}.
 */
public record RotationTrigger(Scope scope, Optional<String> secretId, Optional<String> app, Optional<Hostname> domain,
        boolean dryRun, String source) {

    public enum Scope { ALL, SECRET, DOMAIN }

    public static RotationTrigger parse(JsonNode event, boolean dryRunByDefault) throws InvalidInput {
        if (event == null || !event.isObject()) {
            throw new InvalidInput("event", "expected a JSON object: a schedule, a Secrets Manager event, "
                    + "{\"secretId\": ...} or {\"app\": ..., \"domain\": ...}");
        }
        boolean dryRun = dryRunByDefault;
        if (event.has("dryRun")) {
            if (!event.get("dryRun").isBoolean()) {
                throw new InvalidInput("dryRun", "dryRun must be true or false");
            }
            dryRun = event.get("dryRun").asBoolean();
        }
        String detailType = event.path("detail-type").asText("");
        if (event.path("source").asText("").equals("aws.secretsmanager") || detailType.contains("CloudTrail")) {
            String secretId = changedSecret(event.path("detail"));
            return new RotationTrigger(Scope.SECRET, Optional.of(secretId), Optional.empty(), Optional.empty(), dryRun,
                    "secret-change:" + event.path("detail").path("eventName").asText("unknown"));
        }
        if (detailType.equals("Scheduled Event") || event.path("schedule").asBoolean(false)
                || "all".equals(event.path("scope").asText(null))) {
            return new RotationTrigger(Scope.ALL, Optional.empty(), Optional.empty(), Optional.empty(), dryRun, "schedule");
        }
        if (event.hasNonNull("secretId")) {
            if (!event.get("secretId").isTextual() || event.get("secretId").asText().isBlank()) {
                throw new InvalidInput("secretId", "secretId must be a secret name or ARN");
            }
            return new RotationTrigger(Scope.SECRET, Optional.of(event.get("secretId").asText().trim()), Optional.empty(),
                    Optional.empty(), dryRun, "manual");
        }
        if (event.hasNonNull("app") || event.hasNonNull("domain")) {
            String app = AppName.parse("app", event.path("app").isTextual() ? event.get("app").asText() : null);
            Hostname domain = Hostname.parse("domain", event.path("domain").isTextual() ? event.get("domain").asText() : null);
            return new RotationTrigger(Scope.DOMAIN, Optional.empty(), Optional.of(app), Optional.of(domain), dryRun, "manual");
        }
        throw new InvalidInput("event", "unrecognised trigger: expected a schedule, a Secrets Manager event, "
                + "{\"secretId\": ...} or {\"app\": ..., \"domain\": ...}");
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
