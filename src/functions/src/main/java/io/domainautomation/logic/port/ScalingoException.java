package io.domainautomation.logic.port;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one error type of the Scalingo client. {@code status} is the HTTP status, or 0 when no reply arrived
 * (timeout, refused or reset connection), when the call could not be made before the invocation's deadline
 * ({@link #isNotInTime()}), or when the client is misconfigured ({@link #isConfiguration()}). {@code messages} are
 * Scalingo's own error strings; {@code fieldErrors} are the per-field messages of a 422. Messages never carry a
 * token, a bearer or key material.
 */
public class ScalingoException extends RuntimeException {

    private enum Kind { REPLY, NO_REPLY, NOT_IN_TIME, CONFIGURATION }

    private final Kind kind;
    private final int status;
    private final String operation;
    private final List<String> messages;
    private final Map<String, List<String>> fieldErrors;
    private final String resource;
    private final Duration retryAfter;

    private ScalingoException(Kind kind, int status, String operation, List<String> messages,
            Map<String, List<String>> fieldErrors, String resource, Duration retryAfter, Throwable cause) {
        super(describe(kind, status, operation, messages, fieldErrors, resource), cause, false, cause != null);
        this.kind = kind;
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
        return new ScalingoException(Kind.REPLY, status, null, messages, fieldErrors, resource, retryAfter, null);
    }

    /** A status with Scalingo's messages and nothing else. */
    public static ScalingoException reply(int status, String... messages) {
        return reply(status, List.of(messages), Map.of(), null, null);
    }

    /** No usable reply: refused or reset connection, timeout, a body cut short. */
    public static ScalingoException transport(String operation, Throwable cause) {
        String reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new ScalingoException(Kind.NO_REPLY, 0, operation, List.of(reason), Map.of(), null, null, cause);
    }

    /** The call could not be made before the invocation's deadline; a slot of the rate budget frees in {@code retryAfter}. */
    public static ScalingoException notInTime(String operation, Duration retryAfter) {
        return new ScalingoException(Kind.NOT_IN_TIME, 0, operation,
                List.of("not before the invocation's deadline; the rate budget frees a slot in " + retryAfter.toMillis() + " ms"),
                Map.of(), null, retryAfter, null);
    }

    /**
     * The request was not sent: less than its longest time ({@code longest}) was left before the invocation's
     * deadline, so it could have ended past it. A new invocation has the time.
     */
    public static ScalingoException tooLittleTime(String operation, Duration longest) {
        return new ScalingoException(Kind.NOT_IN_TIME, 0, operation,
                List.of("not sent: less than one request's longest time (" + longest.toMillis()
                        + " ms) is left before the invocation's deadline"),
                Map.of(), null, Duration.ofSeconds(1), null);
    }

    /** The client cannot work as configured (the API token cannot be had): no retry can help, an operator must act. */
    public static ScalingoException configuration(String operation, String reason) {
        return new ScalingoException(Kind.CONFIGURATION, 0, operation, List.of(reason), Map.of(), null, null, null);
    }

    /** A reply that says success but lacks what it must carry: the API misbehaved. */
    public static ScalingoException malformedReply(String operation, String what) {
        return new ScalingoException(Kind.REPLY, 502, operation, List.of(what), Map.of(), null, null, null);
    }

    /** The same error, labelled with the client operation that met it (the mapper only knows the reply). */
    public ScalingoException during(String op) {
        if (op.equals(operation)) {
            return this;
        }
        return new ScalingoException(kind, status, op, messages, fieldErrors, resource, retryAfter, getCause());
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

    /** Worth trying again later: no reply, 408, 429, a 5xx, or not in time for this invocation. */
    public boolean isTransient() {
        return switch (kind) {
            case NO_REPLY, NOT_IN_TIME -> true;
            case CONFIGURATION -> false;
            case REPLY -> status == 408 || status == 429 || status >= 500;
        };
    }

    /**
     * The call was not made in time: nothing of it was sent (a refused request, or a retry refused after a failure
     * that is then reported instead), so nothing of it can have been applied.
     */
    public boolean isNotInTime() {
        return kind == Kind.NOT_IN_TIME;
    }

    public boolean isConfiguration() {
        return kind == Kind.CONFIGURATION;
    }

    /** Scalingo refused this request: 400, 401 (after a fresh exchange), 402, 403, 404, 409, 422... Retrying cannot help. */
    public boolean isPermanent() {
        return kind == Kind.REPLY && !isTransient() && status >= 400;
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

    private static String describe(Kind kind, int status, String operation, List<String> messages,
            Map<String, List<String>> fieldErrors, String resource) {
        StringBuilder text = new StringBuilder("Scalingo ").append(operation == null ? "call" : operation).append(" failed: ");
        text.append(switch (kind) {
            case REPLY -> "HTTP " + status;
            case NO_REPLY -> "no reply";
            case NOT_IN_TIME -> "not in time";
            case CONFIGURATION -> "misconfigured";
        });
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
