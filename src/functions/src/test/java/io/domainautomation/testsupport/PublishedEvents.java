package io.domainautomation.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.sandbox.SandboxState;

/**
 * The events the sandbox's EventBridge received, by detail-type, each detail validated against its published schema
 * (infra/events) by the JSON Schema validator before a test looks at it.
 */
public final class PublishedEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PublishedEvents() {
    }

    /** infra/events/&lt;detail-type in kebab case&gt;.schema.json; both link events share one. */
    public static String schemaOf(String detailType) {
        String name = detailType.equals("Domain Already Linked") ? "Domain Linked" : detailType;
        return "infra/events/" + name.toLowerCase(Locale.ROOT).replace(' ', '-') + ".schema.json";
    }

    public static List<JsonNode> of(SandboxState sandbox, String detailType) {
        return sandbox.events().stream().filter(e -> e.detailType().equals(detailType)).map(e -> {
            JsonNode detail = read(e.detail());
            assertEquals(List.of(), EventSchemas.problems(schemaOf(detailType), detail), detailType + ": " + detail);
            return detail;
        }).toList();
    }

    public static JsonNode only(SandboxState sandbox, String detailType) {
        List<JsonNode> matching = of(sandbox, detailType);
        assertEquals(1, matching.size(), detailType + " in " + sandbox.events());
        return matching.get(0);
    }

    private static JsonNode read(String detail) {
        try {
            return JSON.readTree(detail);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + detail, e);
        }
    }
}
