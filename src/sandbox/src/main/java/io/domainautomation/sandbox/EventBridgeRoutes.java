package io.domainautomation.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * EventBridge's PutEvents on the AWS JSON 1.1 protocol ({@code X-Amz-Target: AWSEvents.PutEvents}), so the real
 * AWS SDK client publishes to it: at most 10 entries, each with Source, DetailType and a JSON Detail; partial
 * failures (fault injection) answered entry by entry with {@code FailedEntryCount}, as EventBridge does. What it
 * accepted is at {@code GET /_sandbox/events}.
 */
final class EventBridgeRoutes {

    private static final String AMZ_JSON = "application/x-amz-json-1.1";

    private final EventBridgeState eventBridge;
    private final SandboxFaults faults;
    private final SandboxCounters counters;
    private final ObjectMapper json;

    EventBridgeRoutes(EventBridgeState eventBridge, SandboxFaults faults, SandboxCounters counters, ObjectMapper json) {
        this.eventBridge = eventBridge;
        this.faults = faults;
        this.counters = counters;
        this.json = json;
    }

    Reply handle(String target, String authorization, String body) {
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return error("MissingAuthenticationTokenException", "Request is missing a SigV4 Authentication Token");
        }
        JsonNode request = SandboxServer.parseOrNull(json, body);
        if (request == null || !"AWSEvents.PutEvents".equals(target)) {
            return error("UnknownOperationException", "The sandbox supports PutEvents only");
        }
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            return error("ValidationException", "Entries must hold 1 to 10 entries");
        }
        if (body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256 * 1024) {
            return error("ValidationException", "Total size of the entries in the request is over the limit of 256 KB");
        }
        counters.count("events.PutEvents");
        long hang = faults.eventsHangMillis();
        if (hang > 0) {
            try {
                Thread.sleep(hang); // the caller's timeout ends the call first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return error("ServiceUnavailable", "the sandbox's EventBridge hung");
        }
        ObjectNode reply = json.createObjectNode();
        ArrayNode results = reply.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            ObjectNode result = results.addObject();
            String detail = entry.path("Detail").asText("");
            if (entry.path("Source").asText("").isEmpty() || entry.path("DetailType").asText("").isEmpty()
                    || SandboxServer.parseOrNull(json, detail) == null) {
                result.put("ErrorCode", "MalformedDetail");
                result.put("ErrorMessage", "Source, DetailType and a JSON Detail are required");
                failed++;
            } else if (faults.drawEventEntryFailure()) {
                result.put("ErrorCode", "InternalFailure");
                result.put("ErrorMessage", "sandbox: this entry failed");
                failed++;
            } else {
                String eventId = UUID.randomUUID().toString();
                List<String> resources = new ArrayList<>();
                entry.path("Resources").forEach(r -> resources.add(r.asText()));
                eventBridge.receiveEvent(new SandboxRecords.ReceivedEvent(eventId, entry.path("EventBusName").asText("default"),
                        entry.get("Source").asText(), entry.get("DetailType").asText(), detail, List.copyOf(resources), Instant.now()));
                counters.count("events.accepted");
                result.put("EventId", eventId);
            }
        }
        reply.put("FailedEntryCount", failed);
        return new Reply(200, AMZ_JSON, reply.toString(), Map.of());
    }

    private Reply error(String type, String message) {
        ObjectNode error = json.createObjectNode();
        error.put("__type", type);
        error.put("message", message);
        return new Reply(400, AMZ_JSON, error.toString(), Map.of());
    }
}
