package io.domainautomation.functions.trigger;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.InvalidInput;

/**
 * The checks every trigger adapter makes on JSON it is given, each failing with one clear reason that names the
 * field, and never echoing more than a short piece of the input.
 */
public final class JsonInput {

    private JsonInput() {
    }

    /** Text that must be one JSON object, of at most {@code maxChars}; {@code what} names it in errors. */
    public static JsonNode readObject(ObjectMapper json, String text, String what, int maxChars) throws InvalidInput {
        if (text == null || text.isBlank()) {
            throw new InvalidInput("body", what + " is empty");
        }
        if (text.length() > maxChars) {
            throw new InvalidInput("body", what + " is " + text.length() + " characters; at most " + maxChars);
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (IOException e) {
            throw new InvalidInput("body", what + " is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInput("body", what + " must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        return root;
    }

    public static void onlyFields(JsonNode root, Collection<String> allowed) throws InvalidInput {
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidInput(name, "unknown field \"" + InvalidInput.shown(name) + "\"; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    /** A non-blank string, stripped. */
    public static String requiredText(JsonNode root, String field) throws InvalidInput {
        String value = textOrNull(root, field);
        if (value == null) {
            throw new InvalidInput(field, field + " is required");
        }
        if (value.isBlank()) {
            throw new InvalidInput(field, field + " must not be blank");
        }
        return value.strip();
    }

    /** A string when present and not null; what parsers of names want, who then check it themselves. */
    public static String textOrNull(JsonNode root, String field) throws InvalidInput {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInput(field, field + " must be a string, got " + value.getNodeType());
        }
        return value.asText();
    }

    public static boolean optionalBoolean(JsonNode root, String field, boolean fallback) throws InvalidInput {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidInput(field, field + " must be true or false, got " + value.getNodeType());
        }
        return value.booleanValue();
    }
}
