package io.domainautomation.sandbox;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.sandbox.SandboxRecords.SandboxSecret;

/**
 * A Secrets Manager endpoint speaking the AWS JSON 1.1 protocol ({@code X-Amz-Target: secretsmanager.*}), so the
 * real AWS SDK v2 client runs its own serialisation, signing and error parsing against it: GetSecretValue (by
 * version id or staging label), DescribeSecret, ListSecrets, CreateSecret, PutSecretValue, TagResource and
 * UntagResource, UpdateSecretVersionStage (a label held by another version moves only with RemoveFromVersionId
 * naming it), DeleteSecret and RestoreSecret, with version ids and staging labels as Secrets Manager moves
 * them. A secret scheduled for deletion is listed no more (unless asked), described with its {@code DeletedDate}, and
 * refuses its value and every change but RestoreSecret with InvalidRequestException, as AWS documents. A secret tagged
 * {@code sandbox:access=denied} answers AccessDeniedException.
 */
final class SecretsManagerRoutes {

    private static final String AMZ_JSON = "application/x-amz-json-1.1";
    private static final String PREFIX = "secretsmanager.";

    private final SecretsManagerState secretsManager;
    private final SandboxCounters counters;
    private final ObjectMapper json;

    SecretsManagerRoutes(SecretsManagerState secretsManager, SandboxCounters counters, ObjectMapper json) {
        this.secretsManager = secretsManager;
        this.counters = counters;
        this.json = json;
    }

    Reply handle(String target, String authorization, String body) {
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return error(400, "MissingAuthenticationTokenException", "Request is missing a SigV4 Authentication Token");
        }
        JsonNode request = SandboxServer.parseOrNull(json, body);
        if (request == null || !request.isObject()) {
            return error(400, "SerializationException", "Request body is not a JSON object");
        }
        String action = target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : target;
        counters.count("secretsmanager." + action);
        return switch (action) {
            case "GetSecretValue" -> withLiveSecret(request, secret -> secretValue(secret, request));
            case "DescribeSecret" -> withSecret(request, secret -> Reply.json(200, describe(secret).toString()));
            case "ListSecrets" -> list(request);
            case "CreateSecret" -> create(request);
            case "PutSecretValue" -> withLiveSecret(request, secret -> putValue(secret, request));
            case "TagResource" -> withLiveSecret(request, secret -> {
                Map<String, String> tags = new java.util.HashMap<>();
                request.path("Tags").forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText()));
                secretsManager.tagSecret(secret.arn(), tags);
                return new Reply(200, AMZ_JSON, "{}", Map.of());
            });
            case "UntagResource" -> withLiveSecret(request, secret -> {
                List<String> keys = new java.util.ArrayList<>();
                request.path("TagKeys").forEach(key -> keys.add(key.asText()));
                secretsManager.untagSecret(secret.arn(), keys);
                return new Reply(200, AMZ_JSON, "{}", Map.of());
            });
            case "UpdateSecretVersionStage" -> withLiveSecret(request, secret -> moveStage(secret, request));
            case "DeleteSecret" -> withSecret(request, secret -> delete(secret, request));
            case "RestoreSecret" -> withSecret(request, secret -> {
                secretsManager.restoreSecret(secret.arn());
                ObjectNode reply = json.createObjectNode();
                reply.put("ARN", secret.arn());
                reply.put("Name", secret.name());
                return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
            });
            default -> error(400, "UnknownOperationException", "Unsupported operation " + action);
        };
    }

    private Reply withSecret(JsonNode request, java.util.function.Function<SandboxSecret, Reply> action) {
        String id = request.path("SecretId").asText("");
        if (id.isEmpty()) {
            return error(400, "InvalidParameterException", "SecretId is required");
        }
        return secretsManager.secret(id).map(secret -> "denied".equals(secret.tags().get("sandbox:access"))
                ? error(400, "AccessDeniedException", "User is not authorized to access secret " + secret.name())
                : action.apply(secret))
                .orElseGet(() -> error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    }

    /** As Secrets Manager: a secret scheduled for deletion refuses its value and every change but RestoreSecret. */
    private Reply withLiveSecret(JsonNode request, java.util.function.Function<SandboxSecret, Reply> action) {
        return withSecret(request, secret -> secret.scheduledForDeletion() ? markedForDeletion() : action.apply(secret));
    }

    private Reply markedForDeletion() {
        return error(400, "InvalidRequestException",
                "You can't perform this operation on the secret because it was marked for deletion.");
    }

    /** DeleteSecret: scheduled (RecoveryWindowInDays, 7 to 30, default 30), or at once (ForceDeleteWithoutRecovery). */
    private Reply delete(SandboxSecret secret, JsonNode request) {
        boolean force = request.path("ForceDeleteWithoutRecovery").asBoolean(false);
        int window = request.path("RecoveryWindowInDays").asInt(30);
        if (force && request.hasNonNull("RecoveryWindowInDays")) {
            return error(400, "InvalidParameterException",
                    "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }
        if (!force && (window < 7 || window > 30)) {
            return error(400, "InvalidParameterException", "RecoveryWindowInDays must be between 7 and 30 days.");
        }
        if (!force && secret.scheduledForDeletion()) {
            return markedForDeletion();
        }
        secretsManager.deleteSecret(secret.arn(), force);
        ObjectNode reply = json.createObjectNode();
        reply.put("ARN", secret.arn());
        reply.put("Name", secret.name());
        reply.put("DeletionDate", secretsManager.now().plus(java.time.Duration.ofDays(force ? 0 : window)).getEpochSecond());
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    private Reply secretValue(SandboxSecret secret, JsonNode request) {
        String versionId = request.hasNonNull("VersionId") ? request.get("VersionId").asText() : null;
        String stage = request.hasNonNull("VersionStage") ? request.get("VersionStage").asText() : versionId == null ? "AWSCURRENT" : null;
        java.util.Optional<SandboxRecords.SecretVersion> version = secret.version(versionId, stage);
        if (version.isEmpty()) {
            return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: " + stage);
        }
        ObjectNode reply = json.createObjectNode();
        reply.put("ARN", secret.arn());
        reply.put("Name", secret.name());
        reply.put("VersionId", version.get().versionId());
        reply.put("SecretString", version.get().secretString());
        ArrayNode stages = reply.putArray("VersionStages");
        version.get().stages().forEach(stages::add);
        reply.put("CreatedDate", version.get().createdAt().toEpochMilli() / 1000.0);
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    private Reply create(JsonNode request) {
        String name = request.path("Name").asText("");
        if (name.isEmpty() || !request.path("SecretString").isTextual()) {
            return error(400, "InvalidParameterException", "Name and SecretString are required");
        }
        Map<String, String> tags = new java.util.HashMap<>();
        request.path("Tags").forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText()));
        if (secretsManager.secret(name).filter(SandboxSecret::scheduledForDeletion).isPresent()) {
            return error(400, "InvalidRequestException",
                    "You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        return secretsManager.createSecret(name, request.get("SecretString").asText(), tags)
                .map(created -> {
                    ObjectNode reply = json.createObjectNode();
                    reply.put("ARN", created.arn());
                    reply.put("Name", created.name());
                    reply.put("VersionId", created.versionId());
                    return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
                })
                .orElseGet(() -> error(400, "ResourceExistsException", "The operation failed because the secret " + name + " already exists."));
    }

    private Reply putValue(SandboxSecret secret, JsonNode request) {
        if (!request.path("SecretString").isTextual()) {
            return error(400, "InvalidParameterException", "SecretString is required");
        }
        List<String> stages = new java.util.ArrayList<>();
        request.path("VersionStages").forEach(stage -> stages.add(stage.asText()));
        SandboxRecords.SecretVersion version = secretsManager.putSecretValue(secret.arn(), request.get("SecretString").asText(), stages);
        ObjectNode reply = json.createObjectNode();
        reply.put("ARN", secret.arn());
        reply.put("Name", secret.name());
        reply.put("VersionId", version.versionId());
        ArrayNode labels = reply.putArray("VersionStages");
        version.stages().forEach(labels::add);
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    private Reply moveStage(SandboxSecret secret, JsonNode request) {
        String stage = request.path("VersionStage").asText("");
        String moveTo = request.path("MoveToVersionId").asText("");
        if (stage.isEmpty() || moveTo.isEmpty()) {
            return error(400, "InvalidParameterException", "VersionStage and MoveToVersionId are required here");
        }
        String holder = secret.version(null, stage).map(SandboxRecords.SecretVersion::versionId).orElse(null);
        String removeFrom = request.path("RemoveFromVersionId").asText("");
        if (holder != null && !holder.equals(moveTo) && !holder.equals(removeFrom)) {
            // as Secrets Manager: a label on another version moves only when the call names that version
            return error(400, "InvalidParameterException", "The parameter RemoveFromVersionId can't be empty. Staging label "
                    + stage + " is currently attached to version " + holder + ", so you must explicitly reference that version"
                    + " in RemoveFromVersionId.");
        }
        if (!secretsManager.updateVersionStage(secret.arn(), stage, moveTo)) {
            return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret version " + moveTo);
        }
        ObjectNode reply = json.createObjectNode();
        reply.put("ARN", secret.arn());
        reply.put("Name", secret.name());
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    private ObjectNode describe(SandboxSecret secret) {
        ObjectNode node = json.createObjectNode();
        node.put("ARN", secret.arn());
        node.put("Name", secret.name());
        ArrayNode tags = node.putArray("Tags");
        secret.tags().forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        ObjectNode versions = node.putObject("VersionIdsToStages");
        secret.versions().forEach(v -> versions.set(v.versionId(), json.valueToTree(v.stages())));
        node.put("CreatedDate", secret.createdAt().getEpochSecond());
        if (secret.scheduledForDeletion()) {
            node.put("DeletedDate", secret.deletedAt().getEpochSecond());
        }
        return node;
    }

    private Reply list(JsonNode request) {
        boolean planned = request.path("IncludePlannedDeletion").asBoolean(false);
        List<SandboxSecret> matching = secretsManager.secrets().stream()
                .filter(s -> planned || !s.scheduledForDeletion())
                .filter(s -> matches(s, request.path("Filters")))
                .collect(Collectors.toList());
        int max = Math.max(1, Math.min(100, request.path("MaxResults").asInt(100)));
        int start = request.hasNonNull("NextToken") ? parseToken(request.get("NextToken").asText()) : 0;
        if (start < 0) {
            return error(400, "InvalidNextTokenException", "The NextToken value is invalid");
        }
        ObjectNode reply = json.createObjectNode();
        ArrayNode list = reply.putArray("SecretList");
        matching.stream().skip(start).limit(max).forEach(s -> list.add(describe(s)));
        if (start + max < matching.size()) {
            reply.put("NextToken", "page-" + (start + max));
        }
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    /** Filters as AWS documents them: every filter must match; values of one filter are alternatives (prefix match). */
    private static boolean matches(SandboxSecret secret, JsonNode filters) {
        for (JsonNode filter : filters) {
            String key = filter.path("Key").asText();
            boolean any = false;
            for (JsonNode valueNode : filter.path("Values")) {
                String value = valueNode.asText();
                any |= switch (key) {
                    case "name" -> secret.name().startsWith(value);
                    case "tag-key" -> secret.tags().keySet().stream().anyMatch(k -> k.startsWith(value));
                    case "tag-value" -> secret.tags().values().stream().anyMatch(v -> v.startsWith(value));
                    case "all" -> secret.name().contains(value) || secret.tags().keySet().stream().anyMatch(k -> k.contains(value))
                            || secret.tags().values().stream().anyMatch(v -> v.contains(value));
                    default -> false;
                };
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static int parseToken(String token) {
        try {
            return token.startsWith("page-") ? Integer.parseInt(token.substring(5)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Reply error(int status, String type, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        return new Reply(status, AMZ_JSON, body.toString(), Map.of("x-amzn-ErrorType", type));
    }
}
