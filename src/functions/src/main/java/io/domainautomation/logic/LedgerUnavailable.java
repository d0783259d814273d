package io.domainautomation.logic;

/**
 * The ledger (the DynamoDB table of the cleanup and the rotation) could not be read or written; {@code isTransient}
 * says whether trying again later can help.
 */
public final class LedgerUnavailable extends RuntimeException {

    private final boolean isTransient;

    public LedgerUnavailable(String message, boolean isTransient, Throwable cause) {
        super(message, cause, false, false);
        this.isTransient = isTransient;
    }

    public boolean isTransient() {
        return isTransient;
    }
}
