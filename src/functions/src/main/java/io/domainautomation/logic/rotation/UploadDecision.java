package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/**
 * Whether a domain needs its secret's certificate, pure: decided by the certificate's fingerprint against what the
 * ledger says was deployed (a re-key keeps the subject and the expiry, so those cannot tell), and by what Scalingo
 * reports against what it reported right after that deployment (a certificate someone changed by hand is put back).
 */
public record UploadDecision(boolean upload, String reason) {

    public static UploadDecision decide(String secretSha256, Optional<DeploymentLedger.Deployed> recorded, Domain domain) {
        if (recorded.isEmpty()) {
            return new UploadDecision(true, "no deployment of this certificate on record (the domain carries "
                    + describe(domain) + ")");
        }
        DeploymentLedger.Deployed deployed = recorded.get();
        if (!deployed.sha256().equals(secretSha256)) {
            return new UploadDecision(true, "the secret holds another certificate than the one deployed on "
                    + deployed.deployedAt() + " (sha256 " + abbreviate(deployed.sha256()) + ", from " + deployed.secret() + ")");
        }
        if (!sameAsDeployed(deployed, domain)) {
            return new UploadDecision(true, "the domain's certificate was changed since it was deployed: it carries "
                    + describe(domain) + ", not " + deployed.subject() + " valid until " + deployed.notAfter());
        }
        return new UploadDecision(false, "deployed on " + deployed.deployedAt() + " from " + deployed.secret()
                + " version " + deployed.versionId());
    }

    /**
     * Whether an upload whose answer never came was applied, by looking: Scalingo reports its certificate's subject
     * and expiry and did not before it (a re-key shows the same either way: not known).
     */
    public static boolean applied(DeploymentLedger.Deployed intent, Domain domain) {
        return intent.verifiable() && sameAsDeployed(intent, domain);
    }

    /** Scalingo reports the deployed subject, expiry and (once it answered the upload) key. */
    static boolean sameAsDeployed(DeploymentLedger.Deployed deployed, Domain domain) {
        return domain.hasCustomCertificate() && Objects.equals(deployed.subject(), domain.tlscert())
                && (deployed.keyDescription() == null || Objects.equals(deployed.keyDescription(), domain.tlskey()))
                && domain.validity() != null && seconds(domain.validity().toInstant()).equals(seconds(deployed.notAfter()));
    }

    private static Instant seconds(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
    }

    private static String describe(Domain domain) {
        return domain.hasCustomCertificate() ? "certificate " + domain.tlscert() + " valid until " + domain.validity()
                : "no custom certificate";
    }

    private static String abbreviate(String sha256) {
        return sha256.length() > 23 ? sha256.substring(0, 23) + "..." : sha256;
    }
}
