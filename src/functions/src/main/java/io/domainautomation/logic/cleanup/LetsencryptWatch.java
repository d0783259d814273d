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

    /**
     * How often a record no change rewrites is written again all the same: the ledger forgets a record nobody has
     * written for its retention (30 days), and a forgotten record of a certificate still stuck would be announced stuck
     * again, or a young domain's issued certificate issued again. Well inside the retention, so scans that are late
     * or capped still rewrite it in time.
     */
    public static final Duration REFRESH_AFTER = Duration.ofDays(7);

    public enum Announce {
        NOTHING, ISSUED, STUCK
    }

    /**
     * @param next    the record to keep ({@code empty}: none)
     * @param changed whether the ledger must be written ({@code next} stored, or the record forgotten)
     * @param rewriteOnly written only so the ledger does not forget it: nothing in it changed
     */
    public record Observation(Optional<CertificateProgress> next, boolean changed, Announce announce, boolean rewriteOnly) {

        Observation(Optional<CertificateProgress> next, boolean changed, Announce announce) {
            this(next, changed, announce, false);
        }
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
            CertificateProgress issued = new CertificateProgress(app, domain.name(), status, now, false, now);
            if (previous.isEmpty()) {
                return young ? new Observation(Optional.of(issued), true, Announce.ISSUED)
                        : new Observation(Optional.empty(), false, Announce.NOTHING);
            }
            if (!previous.get().issued()) {
                return new Observation(Optional.of(issued), true, Announce.ISSUED);
            }
            // Issued and announced: kept while the domain is young, so the rule above cannot announce it again.
            return young ? kept(previous.get(), previous.get(), now, Announce.NOTHING)
                    : new Observation(Optional.empty(), true, Announce.NOTHING);
        }
        CertificateProgress awaited;
        if (previous.isEmpty() || previous.get().issued()) {
            // A new domain has been awaiting its certificate since it was linked; any other since now (a renewal).
            Instant since = previous.isEmpty() && young ? created : now;
            awaited = new CertificateProgress(app, domain.name(), status, since, false, now);
        } else if (!previous.get().status().equals(status)) {
            awaited = new CertificateProgress(app, domain.name(), status, previous.get().since(), false, now);
        } else {
            awaited = previous.get();
        }
        boolean stuck = !awaited.stuckAnnounced() && !awaited.since().plus(stuckAfter).isAfter(now);
        if (stuck) {
            awaited = new CertificateProgress(app, domain.name(), status, awaited.since(), true, now);
        }
        Announce announce = stuck ? Announce.STUCK : Announce.NOTHING;
        return previous.isPresent() ? kept(previous.get(), awaited, now, announce)
                : new Observation(Optional.of(awaited), true, announce);
    }

    /** {@code next} kept: written when it changed, or when the stored record was last written long ago. */
    private static Observation kept(CertificateProgress previous, CertificateProgress next, Instant now, Announce announce) {
        if (!next.sameAs(previous)) {
            return new Observation(Optional.of(next.seen(now)), true, announce);
        }
        boolean due = !previous.seenAt().plus(REFRESH_AFTER).isAfter(now);
        return due ? new Observation(Optional.of(previous.seen(now)), true, announce, true)
                : new Observation(Optional.of(previous), false, announce);
    }
}
