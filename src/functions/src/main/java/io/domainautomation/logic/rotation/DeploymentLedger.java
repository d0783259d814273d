package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.util.Optional;

import io.domainautomation.logic.tls.CertificateIdentity;

/**
 * What the rotation deployed on each domain (the ledger's table when deployed): which certificate (its SHA-256
 * fingerprint), from which secret and version, when, and what Scalingo reported right after (subject, expiry, key),
 * so a certificate is uploaded exactly when it differs from what was deployed or when someone changed the domain's;
 * and which states (rejected, conflict, expiring) were announced, so each is announced once per change.
 */
public interface DeploymentLedger {

    /**
     * One deployment; never key material. An upload is recorded twice: before it, as an intent (its own record,
     * {@code confirmed} false, with the certificate's own subject and expiry), then, once Scalingo answered, as the
     * domain's deployment ({@code confirmed}). A run that ends between the two leaves the intent beside the deployment
     * before it, for the next run to settle by looking: {@code verifiable} when Scalingo did not report that subject and
     * expiry before the upload, so reporting them now means it was applied (a re-key keeps both: not verifiable, uploaded
     * again). {@code announced}: its {@code Certificate Rotated} was published (after the deployment was recorded: a run
     * that ends between the two leaves it to the next, under the same id).
     */
    record Deployed(String app, String domain, String sha256, String secret, String versionId, Instant deployedAt,
            String subject, Instant notAfter, String keyDescription, boolean announced, CertificateIdentity certificate,
            boolean confirmed, boolean verifiable) {

        /** The same deployment, its announcement published. */
        public Deployed announcedNow() {
            return new Deployed(app, domain, sha256, secret, versionId, deployedAt, subject, notAfter, keyDescription, true,
                    certificate, confirmed, verifiable);
        }

        /** The same deployment, as Scalingo reports the domain carrying it. */
        public Deployed confirmedAs(String reportedSubject, Instant reportedNotAfter, String reportedKey) {
            return new Deployed(app, domain, sha256, secret, versionId, deployedAt, reportedSubject, reportedNotAfter,
                    reportedKey, announced, certificate, true, verifiable);
        }
    }

    /** The domain's last confirmed deployment. */
    Optional<Deployed> deployed(String app, String domain);

    void recordDeployed(Deployed deployed);

    /** The last upload's intent on the domain (it may since have been confirmed, or not have happened). */
    Optional<Deployed> intent(String app, String domain);

    /** Recorded before an upload: an intent never replaces the deployment before it. */
    void recordIntent(Deployed intent);

    /** The deployment was announced; nothing changes if a later deployment replaced it meanwhile. */
    void markAnnounced(Deployed deployed);

    /**
     * Records that {@code state} is being announced on {@code topic} for the domain, not published yet.
     *
     * @return false when that very state was announced and published already (nothing new to say); true for a new
     *         state, and for one recorded by a run that could not publish it (it is said again, under the same id)
     */
    boolean announce(String app, String domain, String topic, String state);

    /** The announcement of {@code state} was published; nothing changes if a newer state was recorded meanwhile. */
    void confirm(String app, String domain, String topic, String state);
}
