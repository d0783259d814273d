package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.util.Optional;

/**
 * What the rotation deployed on each domain (the ledger's table when deployed): which certificate (its SHA-256
 * fingerprint), from which secret and version, when, and what Scalingo reported right after (subject, expiry, key),
 * so a certificate is uploaded exactly when it differs from what was deployed or when someone changed the domain's.
 */
public interface DeploymentLedger {

    /** One deployment; never key material. */
    record Deployed(String app, String domain, String sha256, String secret, String versionId, Instant deployedAt,
            String subject, Instant notAfter, String keyDescription) {
    }

    Optional<Deployed> deployed(String app, String domain);

    void recordDeployed(Deployed deployed);
}
