package io.domainautomation.logic.port;

/**
 * A call to an outside service behind a port (Secrets Manager, Lambda, EventBridge when deployed) that failed, as
 * {@code logic} sees it: what was being done, the service's error code, and whether trying again later can help.
 * Adapters make it (the AWS ones in {@code aws.AwsErrors}, the one place AWS' errors are classified); in-memory
 * ports make it in tests. The message never quotes a request or a secret.
 */
public final class ServiceFailure extends RuntimeException {

    public enum Kind {
        /** No reply, throttled, or AWS failed: the same call may succeed later. */
        TRANSIENT,
        /** The role may not do this (AccessDenied...): a configuration or permission problem. */
        DENIED,
        /** The resource does not exist (ResourceNotFoundException...). */
        NOT_FOUND,
        /** Any other refusal of the request itself. */
        REFUSED
    }

    private final String code;
    private final Kind kind;

    public ServiceFailure(String action, String code, Kind kind, Throwable cause) {
        super(action + ": " + code, cause, false, false);
        this.code = code;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}
