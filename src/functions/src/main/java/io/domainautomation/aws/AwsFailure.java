package io.domainautomation.aws;

/**
 * An AWS call that failed, as the rest of the project sees it: what was being done, AWS' error code, and whether
 * trying again later can help. Made only by {@link AwsErrors}. The message never quotes a request or a secret.
 */
public final class AwsFailure extends RuntimeException {

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

    AwsFailure(String action, String code, Kind kind, Throwable cause) {
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
