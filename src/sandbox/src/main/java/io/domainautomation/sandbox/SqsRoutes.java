package io.domainautomation.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Enough of SQS's JSON protocol ({@code X-Amz-Target: AmazonSQS.SendMessage}) for the dead-letter path: the real
 * SDK client sends, and checks the MD5 digests of body and attributes that this endpoint returns.
 */
final class SqsRoutes {

    private static final String AMZ_JSON = "application/x-amz-json-1.0";

    private final SqsState sqs;
    private final SandboxFaults faults;
    private final SandboxCounters counters;
    private final ObjectMapper json;

    SqsRoutes(SqsState sqs, SandboxFaults faults, SandboxCounters counters, ObjectMapper json) {
        this.sqs = sqs;
        this.faults = faults;
        this.counters = counters;
        this.json = json;
    }

    Reply handle(String target, String authorization, String body) {
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return error("MissingAuthenticationToken", "Request is missing a SigV4 Authentication Token");
        }
        if (faults.sqsUnavailable()) {
            counters.count("fault.sqs");
            ObjectNode failure = json.createObjectNode();
            failure.put("__type", "com.amazonaws.sqs#InternalError");
            failure.put("message", "sandbox: SQS unavailable");
            return new Reply(500, AMZ_JSON, failure.toString(), Map.of());
        }
        JsonNode request = SandboxServer.parseOrNull(json, body);
        if (request == null || !"AmazonSQS.SendMessage".equals(target)) {
            return error("UnsupportedOperation", "The sandbox supports SendMessage only");
        }
        String queueUrl = request.path("QueueUrl").asText("");
        String messageBody = request.path("MessageBody").asText("");
        if (queueUrl.isEmpty() || messageBody.isEmpty()) {
            return error("MissingParameter", "QueueUrl and MessageBody are required");
        }
        Map<String, String> attributes = new TreeMap<>();
        Map<String, JsonNode> rawAttributes = new TreeMap<>();
        request.path("MessageAttributes").fields().forEachRemaining(field -> {
            rawAttributes.put(field.getKey(), field.getValue());
            attributes.put(field.getKey(), field.getValue().path("StringValue").asText());
        });
        int delaySeconds = request.path("DelaySeconds").asInt(0);
        if (delaySeconds < 0 || delaySeconds > 900) {
            return error("InvalidParameterValue", "Value " + delaySeconds + " for parameter DelaySeconds is invalid. Reason:"
                    + " must be between 0 and 900, if provided.");
        }
        String messageId = UUID.randomUUID().toString();
        counters.count("sqs.SendMessage");
        sqs.enqueue(queueUrl, new SandboxRecords.QueuedMessage(messageId, messageBody, Map.copyOf(attributes), delaySeconds));
        ObjectNode reply = json.createObjectNode();
        reply.put("MessageId", messageId);
        reply.put("MD5OfMessageBody", md5(messageBody.getBytes(StandardCharsets.UTF_8)));
        if (!rawAttributes.isEmpty()) {
            reply.put("MD5OfMessageAttributes", md5(attributeDigestInput(rawAttributes)));
        }
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    /** SQS's documented digest layout: per attribute, sorted by name: name, data type, transport byte, value. */
    private static byte[] attributeDigestInput(Map<String, JsonNode> attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        attributes.forEach((name, value) -> {
            writeLengthPrefixed(out, name.getBytes(StandardCharsets.UTF_8));
            String dataType = value.path("DataType").asText("String");
            writeLengthPrefixed(out, dataType.getBytes(StandardCharsets.UTF_8));
            out.write(1);
            writeLengthPrefixed(out, value.path("StringValue").asText("").getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }

    private static void writeLengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply error(String type, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("__type", "com.amazonaws.sqs#" + type);
        body.put("message", message);
        return new Reply(400, AMZ_JSON, body.toString(), Map.of("x-amzn-query-error", type + ";Sender"));
    }
}
