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
            case "POST /_sandbox/dns":
                return dns(request);
            default:
                return Reply.json(404, "{\"error\":\"unknown sandbox control route\"}");
        }
    }

    /**
     * Sets a name's records of one type in the dev-mode DNS server: {@code {"name", "type": "TXT"|"CNAME"|"A"|"AAAA",
     * "values": [...]}}; no values removes them (for CNAME, A and AAAA: every record of the name).
     */
    private Reply dns(JsonNode request) {
        if (state.dns().isEmpty()) {
            return Reply.json(409, "{\"error\":\"no sandbox DNS server runs (sandbox.dns-port is not set)\"}");
        }
        if (request == null || !request.path("name").isTextual() || !request.path("type").isTextual()
                || !request.path("values").isArray()) {
            return Reply.json(400, "{\"error\":\"expected {\\\"name\\\": ..., \\\"type\\\": \\\"TXT|CNAME|A|AAAA\\\","
                    + " \\\"values\\\": [...]}\"}");
        }
        SandboxDns dns = state.dns().get();
        String name = request.get("name").asText();
        java.util.List<String> values = new java.util.ArrayList<>();
        request.get("values").forEach(value -> values.add(value.asText()));
        switch (request.get("type").asText().toUpperCase(java.util.Locale.ROOT)) {
            case "TXT" -> dns.txt(name, values.toArray(String[]::new));
            case "CNAME" -> {
                if (values.size() > 1) {
                    return Reply.json(400, "{\"error\":\"a name has at most one CNAME\"}");
                }
                if (values.isEmpty()) {
                    dns.remove(name);
                } else {
                    dns.cname(name, values.get(0));
                }
            }
            case "A", "AAAA" -> {
                if (values.isEmpty()) {
                    dns.remove(name);
                } else {
                    try {
                        dns.address(name, values.toArray(String[]::new));
                    } catch (IllegalArgumentException notAnAddress) {
                        return Reply.json(400, "{\"error\":\"not an IP address: " + notAnAddress.getMessage() + "\"}");
                    }
                }
            }
            default -> {
                return Reply.json(400, "{\"error\":\"type must be TXT, CNAME, A or AAAA\"}");
            }
        }
        return Reply.empty(204);
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
