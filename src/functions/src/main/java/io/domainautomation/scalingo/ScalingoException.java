package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one error type of the Scalingo client. {@code status} is the HTTP status, or 0 when no reply arrived
 * (timeout, refused or reset connection). {@code messages} are Scalingo's own error strings; {@code fieldErrors}
 * are the per-field messages of a 422. Messages never carry a token, a bearer or key material.
 */
public class ScalingoException extends RuntimeException {

    private final int status;
    private final String operation;
    private final List<String> messages;
    private final Map<String, List<String>> fieldErrors;
    private final String resource;
    private final Duration retryAfter;

    private ScalingoException(int status, String operation, List<String> messages, Map<String, List<String>> fieldErrors,
            String resource, Duration retryAfter, Throwable cause) {
        super(describe(status, operation, messages, fieldErrors, resource), cause, false, cause != null);
        this.status = status;
        this.operation = operation;
        this.messages = List.copyOf(messages);
        this.fieldErrors = Map.copyOf(fieldErrors);
        this.resource = resource;
        this.retryAfter = retryAfter;
    }

    /** An error reply of the API, as {@link ScalingoErrorMapper} read it. */
    public static ScalingoException reply(int status, List<String> messages, Map<String, List<String>> fieldErrors,
            String resource, Duration retryAfter) {
        return new ScalingoException(status, null, messages, fieldErrors, resource, retryAfter, null);
    }

    /** A status with Scalingo's messages and nothing else. */
    public static ScalingoException reply(int status, String... messages) {
        return reply(status, List.of(messages), Map.of(), null, null);
    }

    /** No usable reply: refused or reset connection, timeout, a body cut short. */
    public static ScalingoException transport(String operation, Throwable cause) {
        String reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new ScalingoException(0, operation, List.of(reason), Map.of(), null, null, cause);
    }

    /** A reply that says success but lacks what it must carry: the API misbehaved. */
    public static ScalingoException malformedReply(String operation, String what) {
        return new ScalingoException(502, operation, List.of(what), Map.of(), null, null, null);
    }

    /** The same error, labelled with the client operation that met it (the mapper only knows the reply). */
    ScalingoException during(String op) {
        if (op.equals(operation)) {
            return this;
        }
        return new ScalingoException(status, op, messages, fieldErrors, resource, retryAfter, getCause());
    }

    public int status() {
        return status;
    }

    public String operation() {
        return operation;
    }

    public List<String> messages() {
        return messages;
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }

    /** What a 404 says was not found ({@code app}, {@code domain}), when Scalingo says it. */
    public Optional<String> resource() {
        return Optional.ofNullable(resource);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean isTransient() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /** 400, 401 (after a fresh exchange), 402, 403, 404, 409, 422, ...: retrying the same request cannot help. */
    public boolean isPermanent() {
        return !isTransient() && status >= 400;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isRateLimited() {
        return status == 429;
    }

    public boolean isUnauthorized() {
        return status == 401;
    }

    private static String describe(int status, String operation, List<String> messages,
            Map<String, List<String>> fieldErrors, String resource) {
        StringBuilder text = new StringBuilder("Scalingo ").append(operation == null ? "call" : operation).append(" failed: ");
        text.append(status == 0 ? "no reply" : "HTTP " + status);
        if (resource != null) {
            text.append(" (").append(resource).append(")");
        }
        if (!messages.isEmpty()) {
            text.append(": ").append(String.join("; ", messages));
        }
        fieldErrors.forEach((field, errors) -> text.append("; ").append(field).append(' ').append(String.join(", ", errors)));
        return text.toString();
    }
}
