package io.domainautomation.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code /_sandbox/*}: what benchmarks and a sandbox in its own process need from outside: counters, faults,
 * apps. Never part of the Scalingo API.
 */
final class ControlRoutes {

    private final SandboxState state;
    private final ObjectMapper json;

    ControlRoutes(SandboxState state, ObjectMapper json) {
        this.state = state;
        this.json = json;
    }

    Reply handle(String method, String path, String body) {
        JsonNode request = SandboxServer.parseOrNull(json, body);
        switch (method + " " + path) {
            case "GET /_sandbox/counters":
                return Reply.json(200, json.valueToTree(state.counters()).toString());
            case "GET /_sandbox/queues":
                return Reply.json(200, json.valueToTree(state.queues()).toString());
            case "GET /_sandbox/events":
                return Reply.json(200, events().toString());
            case "POST /_sandbox/counters/reset":
                state.clearCounters();
                return Reply.empty(204);
            case "POST /_sandbox/faults":
                if (request == null) {
                    return Reply.json(400, "{\"error\":\"expected a JSON object of faults\"}");
                }
                SandboxFaults faults = state.faults();
                faults.reset();
                faults.latency(request.path("latencyMillis").asLong(0))
                        .serverErrorRate(request.path("serverErrorRate").asDouble(0))
                        .dropRate(request.path("dropRate").asDouble(0))
                        .slowRate(request.path("slowRate").asDouble(0), request.path("slowMillis").asLong(15_000))
                        .rateLimitBurst(request.path("rateLimitBurst").asInt(0));
                return Reply.empty(204);
            case "POST /_sandbox/rate-limit":
                if (request == null) {
                    return Reply.json(400, "{\"error\":\"expected {\\\"requests\\\": n, \\\"periodMillis\\\": m}\"}");
                }
                state.rateLimit(request.path("requests").asInt(60),
                        java.time.Duration.ofMillis(request.path("periodMillis").asLong(60_000)));
                return Reply.empty(204);
            case "POST /_sandbox/apps":
                if (request == null || !request.path("name").isTextual()) {
                    return Reply.json(400, "{\"error\":\"expected {\\\"name\\\": \\\"app\\\"}\"}");
                }
                ObjectNode created = json.createObjectNode();
                created.put("id", state.addApp(request.get("name").asText()).id());
                return Reply.json(201, created.toString());
            default:
                return Reply.json(404, "{\"error\":\"unknown sandbox control route\"}");
        }
    }

    /** The events received, each detail as the JSON object it is (not the string PutEvents carried). */
    private com.fasterxml.jackson.databind.node.ArrayNode events() {
        com.fasterxml.jackson.databind.node.ArrayNode list = json.createArrayNode();
        for (SandboxRecords.ReceivedEvent event : state.events()) {
            com.fasterxml.jackson.databind.node.ObjectNode node = list.addObject();
            node.put("id", event.eventId());
            node.put("eventBusName", event.eventBusName());
            node.put("source", event.source());
            node.put("detail-type", event.detailType());
            node.put("time", event.receivedAt().toString());
            node.set("detail", SandboxServer.parseOrNull(json, event.detail()));
        }
        return list;
    }
}
