package io.domainautomation.logic.tls;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.aws.AwsFailure;
import io.domainautomation.aws.CertificateSecrets;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.rotation.RotationConfig;
import io.domainautomation.scalingo.Domain;

/**
 * A certificate from a Secrets Manager secret, checked and ready to send with a link or an update; and whether a
 * domain already carries it. Shared by link-on-signup ({@code tlsSecretId}) and the rotation.
 */
@ApplicationScoped
public class CertificateAttachment {

    /** The checked chain (in order, PEM) and key, and the leaf. {@code toString} never prints the key. */
    public record Checked(String chainPem, String privateKeyPem, X509Certificate leaf) {
        @Override
        public String toString() {
            return "Checked[leaf=" + PemBundle.scalingoSubject(leaf) + ", privateKey=<redacted>]";
        }
    }

    /** Secrets Manager did not answer usefully this time (throttled, unavailable): worth trying again later. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final CertificateSecrets secrets;
    private final Duration minValidity;
    private final Clock clock = Clock.systemUTC();

    CertificateAttachment(CertificateSecrets secrets, RotationConfig config) {
        this.secrets = secrets;
        this.minValidity = config.minValidity();
    }

    /**
     * @throws InvalidInput (field {@code tlsSecretId}) when the secret is missing, forbidden, malformed, or its
     *         certificate fails a check for this domain
     * @throws Unavailable when Secrets Manager failed transiently
     */
    public Checked forDomain(String secretId, String domain) throws InvalidInput, Unavailable {
        CertificateSecrets.Material material;
        try {
            material = secrets.read(secretId);
        } catch (CertificateSecrets.UnusableSecret e) {
            throw new InvalidInput("tlsSecretId", "secret " + secretId + ": " + e.getMessage());
        } catch (AwsFailure e) {
            if (e.isTransient()) {
                throw new Unavailable("Secrets Manager: " + e.code());
            }
            throw new InvalidInput("tlsSecretId", "secret " + secretId + ": " + e.code());
        }
        try {
            List<X509Certificate> chain = checkedChain(material);
            CertificateChecks.coversDomain(chain.get(0), domain);
            return new Checked(encode(chain), material.privateKeyPem(), chain.get(0));
        } catch (CertificateProblem e) {
            throw new InvalidInput("tlsSecretId", "certificate check " + e.check() + " failed: " + e.getMessage());
        }
    }

    /**
     * A secret's certificate and key, parsed and checked (key match, validity with the minimum left, chain order,
     * key strength): the chain in order, leaf first. Which domains it covers is the caller's check.
     */
    public List<X509Certificate> checkedChain(CertificateSecrets.Material material) throws CertificateProblem {
        PemBundle bundle = PemBundle.parse(material.certificatePem(), material.privateKeyPem());
        return CertificateChecks.validate(bundle, clock.instant(), minValidity);
    }

    /** Scalingo reports a custom certificate by subject and expiry: both equal means this certificate is on. */
    public static boolean carries(Domain domain, X509Certificate leaf) {
        return domain.hasCustomCertificate() && domain.validity() != null
                && PemBundle.scalingoSubject(leaf).equals(domain.tlscert())
                && domain.validity().toInstant().truncatedTo(ChronoUnit.SECONDS)
                        .equals(leaf.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A chain back to PEM, in the order given (leaf first). */
    public static String encode(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                pem.append(PemBundle.armour("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("a parsed certificate could not be encoded again", e);
            }
        }
        return pem.toString();
    }
}
