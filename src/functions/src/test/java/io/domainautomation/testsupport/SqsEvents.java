package io.domainautomation.testsupport;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** SQS event JSON as Lambda delivers it (aws:sqs records), for posting to the mock event server. */
public final class SqsEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsEvents() {
    }

    public record Message(String messageId, String body) {
        public static Message of(String body) {
            return new Message(UUID.randomUUID().toString(), body);
        }
    }

    public static String event(List<Message> messages) {
        return event(messages, java.util.Map.of());
    }

    /** @param attributes each message's string message attributes, by message id (none for a message not in it) */
    public static String event(List<Message> messages, java.util.Map<String, java.util.Map<String, String>> messageAttributesById) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", "AQEB" + message.messageId().replace("-", ""));
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            attributes.put("ApproximateReceiveCount", "1");
            long sent = System.currentTimeMillis(); // SQS's own clock: offboarding leaves links made after it
            attributes.put("SentTimestamp", String.valueOf(sent));
            attributes.put("SenderId", "AIDAEXAMPLE");
            attributes.put("ApproximateFirstReceiveTimestamp", String.valueOf(sent + 100));
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            messageAttributesById.getOrDefault(message.messageId(), java.util.Map.of()).forEach((name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                attribute.put("stringValue", value);
                attribute.put("dataType", "String");
            });
            record.put("md5OfBody", "0");
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:eu-west-3:000000000000:customer-onboarding");
            record.put("awsRegion", "eu-west-3");
        }
        return root.toString();
    }

    public static String event(Message... messages) {
        return event(List.of(messages));
    }

    public static String onboarding(String app, String domain) {
        ObjectNode body = JSON.createObjectNode();
        body.put("app", app);
        body.put("domain", domain);
        return body.toString();
    }
}
