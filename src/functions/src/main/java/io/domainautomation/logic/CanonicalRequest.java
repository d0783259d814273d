package io.domainautomation.logic;

import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The body of {@code PUT /apps/{app}/canonical-domain}: {@code {"domain": "...", "link": false}}. */
public record CanonicalRequest(Hostname domain, boolean link) {

    public static final int MAX_BODY_CHARS = 4 * 1024;
    private static final Set<String> FIELDS = Set.of("domain", "link");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CanonicalRequest parse(String body) throws InvalidInput {
        if (body == null || body.isBlank()) {
            throw new InvalidInput("body", "the request body is empty; expected {\"domain\": \"<hostname>\"}");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new InvalidInput("body", "the request body is " + body.length() + " characters; at most " + MAX_BODY_CHARS);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidInput("body", "the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInput("body", "the request body must be a JSON object {\"domain\": \"<hostname>\"}");
        }
        return fromFields(root, FIELDS);
    }

    /** Reads {@code domain} and {@code link} from an object whose allowed fields are given. */
    public static CanonicalRequest fromFields(JsonNode root, Set<String> allowed) throws InvalidInput {
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidInput(name, "unknown field \"" + (name.length() <= 64 ? name : name.substring(0, 64))
                        + "\"; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        JsonNode domain = root.get("domain");
        if (domain == null || domain.isNull()) {
            throw new InvalidInput("domain", "domain is required");
        }
        if (!domain.isTextual()) {
            throw new InvalidInput("domain", "domain must be a string, got " + domain.getNodeType());
        }
        JsonNode link = root.get("link");
        if (link != null && !link.isNull() && !link.isBoolean()) {
            throw new InvalidInput("link", "link must be true or false, got " + link.getNodeType());
        }
        return new CanonicalRequest(Hostname.parse("domain", domain.asText()), link != null && link.asBoolean(false));
    }
}
