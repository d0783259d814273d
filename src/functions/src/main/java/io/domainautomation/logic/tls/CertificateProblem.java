package io.domainautomation.logic.tls;

/** A certificate or key that cannot be used, with the check that failed. Never carries key material. */
public class CertificateProblem extends Exception {

    private final String check;

    public CertificateProblem(String check, String message) {
        super(message, null, false, false);
        this.check = check;
    }

    /** A short, stable name of the failed check, such as {@code key-mismatch} or {@code encrypted-key}. */
    public String check() {
        return check;
    }
}
