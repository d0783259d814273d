package io.domainautomation.logic.cleanup;

import java.time.Instant;

/**
 * What the ledger remembers of a domain's Let's Encrypt certificate between scans: the status last seen, since when
 * the certificate has been awaited (or, once {@code created}, when it was seen issued), and whether it was announced
 * stuck. Kept only while it matters: while the certificate is awaited, and for a while after it was issued.
 */
public record CertificateProgress(String app, String domain, String status, Instant since, boolean stuckAnnounced) {

    public static final String ISSUED = "created";

    public boolean issued() {
        return ISSUED.equals(status);
    }
}
