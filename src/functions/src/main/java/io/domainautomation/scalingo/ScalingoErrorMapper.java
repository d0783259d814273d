package io.domainautomation.scalingo;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.port.ScalingoException;

/**
 * The one place where Scalingo's failures become {@link ScalingoException}s: every error reply (the documented JSON
 * bodies, {@code error}, {@code errors} per field, {@code resource}; the plain-text 429 {@code Retry later}; anything
 * else, HTML error pages, empty or truncated bodies, described without being trusted) and every failure without a
 * usable reply. The REST client gets this bean as its provider.
 */
@Singleton
public class ScalingoErrorMapper implements ResponseExceptionMapper<ScalingoException> {

    private static final int MAX_TEXT = 200;

    private final ObjectMapper json;

    ScalingoErrorMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public ScalingoException toThrowable(Response response) {
        String body = readBody(response);
        return fromReply(response.getStatus(), body, response.getMediaType(), response.getHeaderString("Retry-After"));
    }

    /** Whatever the REST client threw, as a {@link ScalingoException} labelled with the operation (if known). */
    ScalingoException translate(String operation, Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ScalingoException e) {
                return operation == null ? e : e.during(operation);
            }
        }
        if (thrown instanceof WebApplicationException web && web.getResponse() != null) {
            return toThrowable(web.getResponse()).during(operation == null ? "call" : operation);
        }
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return ScalingoException.transport(operation, root);
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }

    ScalingoException fromReply(int status, String body, MediaType mediaType, String retryAfterHeader) {
        List<String> messages = new ArrayList<>();
        Map<String, List<String>> fieldErrors = new LinkedHashMap<>();
        String resource = null;
        JsonNode json = parseJson(body);
        if (json != null && json.isObject()) {
            if (json.path("error").isTextual()) {
                messages.add(json.get("error").asText());
            }
            JsonNode errors = json.path("errors");
            if (errors.isObject()) {
                errors.fields().forEachRemaining(field -> fieldErrors.put(field.getKey(), textList(field.getValue())));
            } else if (errors.isArray() || errors.isTextual()) {
                messages.addAll(textList(errors));
            }
            if (json.path("resource").isTextual()) {
                resource = json.get("resource").asText();
            }
            if (messages.isEmpty() && fieldErrors.isEmpty()) {
                messages.add("unrecognised JSON error body");
            }
        } else if (body == null || body.isBlank()) {
            messages.add("empty reply body");
        } else if (looksLikeMarkup(body, mediaType)) {
            messages.add("non-JSON reply (" + (mediaType == null ? "markup" : mediaType.toString()) + ", "
                    + body.length() + " characters)");
        } else {
            messages.add(shorten(body.strip()));
        }
        return ScalingoException.reply(status, messages, fieldErrors, resource, parseRetryAfter(retryAfterHeader));
    }

    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String readBody(Response response) {
        try {
            if (!response.hasEntity()) {
                return "";
            }
            String body = response.readEntity(String.class);
            return body == null ? "" : body;
        } catch (RuntimeException unreadable) {
            return "";
        }
    }

    private JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private static List<String> textList(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> texts.add(shorten(item.asText())));
        } else {
            texts.add(shorten(node.asText()));
        }
        return texts;
    }

    private static boolean looksLikeMarkup(String body, MediaType mediaType) {
        String start = body.stripLeading();
        return start.startsWith("<") || (mediaType != null && mediaType.getSubtype().contains("html"));
    }

    private static String shorten(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
