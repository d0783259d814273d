package io.domainautomation.functions.trigger;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.rotation.RotationScope;

/**
 * What a rotation run covers, read from whatever invoked it: a schedule (EventBridge Scheduler input or a
 * scheduled rule event) checks every managed secret; a Secrets Manager change (PutSecretValue,
 * UpdateSecretVersionStage via CloudTrail, RotationSucceeded) checks that secret only; a manual invocation names
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
        if (event.path("source").asText("").equals("aws.secretsmanager") || detailType.contains("CloudTrail")) {
            return RotationScope.secret(changedSecret(event.path("detail")), dryRun,
                    "secret-change:" + event.path("detail").path("eventName").asText("unknown"));
        }
        if (detailType.equals("Scheduled Event") || event.path("schedule").asBoolean(false)
                || "all".equals(event.path("scope").asText(null))) {
            return RotationScope.all(dryRun, "schedule");
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
