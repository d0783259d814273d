package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/**
 * Is a domain's Let's Encrypt certificate newly issued, or stuck? Decided from what a scan sees and the ledger's
 * record of the previous scans, so each announcement is made once per change. Pure.
 * <ul>
 * <li>awaited ({@code pending_dns}, {@code dns_required}, {@code error}, {@code new}) longer than the configured time:
 * stuck, announced once per status;
 * <li>{@code created} after being seen awaited: issued. A domain younger than the window that no scan saw awaited
 * (linked and issued between two scans) is announced issued too; an older one without a record is not (the first scan
 * after this was deployed does not announce every certificate of the platform).
 * </ul>
 */
public final class LetsencryptWatch {

    public enum Announce {
        NOTHING, ISSUED, STUCK
    }

    /**
     * @param next    the record to keep ({@code empty}: none)
     * @param changed whether the ledger must be written ({@code next} stored, or the record forgotten)
     */
    public record Observation(Optional<CertificateProgress> next, boolean changed, Announce announce) {
    }

    private LetsencryptWatch() {
    }

    /**
     * @param window     how long after its creation a domain counts as new, and how long an issued record is kept
     * @param stuckAfter how long a certificate may be awaited before it is announced stuck
     */
    public static Observation observe(Optional<CertificateProgress> previous, String app, Domain domain, Instant now,
            Duration window, Duration stuckAfter) {
        String status = domain.letsencryptStatus();
        if (Boolean.FALSE.equals(domain.letsencryptEnabled()) || status == null || status.isBlank()) {
            return new Observation(Optional.empty(), previous.isPresent(), Announce.NOTHING);
        }
        Instant created = domain.createdAt() == null ? null : domain.createdAt().toInstant();
        boolean young = created != null && created.plus(window).isAfter(now);
        if (CertificateProgress.ISSUED.equals(status)) {
            CertificateProgress issued = new CertificateProgress(app, domain.name(), status, now, false);
            if (previous.isEmpty()) {
                return young ? new Observation(Optional.of(issued), true, Announce.ISSUED)
                        : new Observation(Optional.empty(), false, Announce.NOTHING);
            }
            if (!previous.get().issued()) {
                return new Observation(Optional.of(issued), true, Announce.ISSUED);
            }
            // Issued and announced: kept while the domain is young, so the rule above cannot announce it again.
            return young ? new Observation(previous, false, Announce.NOTHING)
                    : new Observation(Optional.empty(), true, Announce.NOTHING);
        }
        CertificateProgress awaited;
        if (previous.isEmpty() || previous.get().issued()) {
            // A new domain has been awaiting its certificate since it was linked; any other since now (a renewal).
            Instant since = previous.isEmpty() && young ? created : now;
            awaited = new CertificateProgress(app, domain.name(), status, since, false);
        } else if (!previous.get().status().equals(status)) {
            awaited = new CertificateProgress(app, domain.name(), status, previous.get().since(), false);
        } else {
            awaited = previous.get();
        }
        boolean stuck = !awaited.stuckAnnounced() && !awaited.since().plus(stuckAfter).isAfter(now);
        if (stuck) {
            awaited = new CertificateProgress(app, domain.name(), status, awaited.since(), true);
        }
        return new Observation(Optional.of(awaited), !previous.equals(Optional.of(awaited)),
                stuck ? Announce.STUCK : Announce.NOTHING);
    }
}
