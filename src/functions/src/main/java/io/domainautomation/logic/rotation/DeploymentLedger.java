package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.util.Optional;

/**
 * What the rotation deployed on each domain (the ledger's table when deployed): which certificate (its SHA-256
 * fingerprint), from which secret and version, when, and what Scalingo reported right after (subject, expiry, key),
 * so a certificate is uploaded exactly when it differs from what was deployed or when someone changed the domain's;
 * and which states (rejected, conflict, expiring) were announced, so each is announced once per change.
 */
public interface DeploymentLedger {

    /** One deployment; never key material. */
    record Deployed(String app, String domain, String sha256, String secret, String versionId, Instant deployedAt,
            String subject, Instant notAfter, String keyDescription) {
    }

    Optional<Deployed> deployed(String app, String domain);

    void recordDeployed(Deployed deployed);

    /**
     * Records that {@code state} was announced on {@code topic} for the domain.
     *
     * @return false when that very state was already announced (nothing new to say)
     */
    boolean announce(String app, String domain, String topic, String state);

    /** The announcement of {@code state} could not be published: forgotten, so the next run makes it again. */
    void withdraw(String app, String domain, String topic, String state);
}
