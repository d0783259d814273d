package io.domainautomation.logic.cleanup;

import java.time.Instant;

/**
 * What the ledger remembers of a domain's Let's Encrypt certificate between scans: the status last seen, since when
 * the certificate has been awaited (or, once {@code created}, when it was seen issued), whether it was announced
 * stuck, and when a scan last wrote it ({@code seenAt}: the ledger forgets a record no scan has written for a while,
 * so an unchanged one is written again now and then, see {@link LetsencryptWatch#REFRESH_AFTER}). Kept only while it
 * matters: while the certificate is awaited, and for a while after it was issued.
 */
public record CertificateProgress(String app, String domain, String status, Instant since, boolean stuckAnnounced,
        Instant seenAt) {

    public static final String ISSUED = "created";

    /** The same progress, written again at {@code now}. */
    public CertificateProgress seen(Instant now) {
        return new CertificateProgress(app, domain, status, since, stuckAnnounced, now);
    }

    /** The same status, start and announcement, whenever each was written. */
    public boolean sameAs(CertificateProgress other) {
        return app.equals(other.app) && domain.equals(other.domain) && status.equals(other.status) && since.equals(other.since)
                && stuckAnnounced == other.stuckAnnounced;
    }

    public boolean issued() {
        return ISSUED.equals(status);
    }
}
