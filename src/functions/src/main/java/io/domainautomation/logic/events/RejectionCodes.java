package io.domainautomation.logic.events;

/** The codes a {@code Domain Rejected} may carry (its schema's {@code code}), for a consumer to act on. */
public final class RejectionCodes {

    /** No proof of ownership came before the window's end (the reason starts with it too). */
    public static final String OWNERSHIP_NOT_PROVEN = "ownership-not-proven";

    private RejectionCodes() {
    }
}
