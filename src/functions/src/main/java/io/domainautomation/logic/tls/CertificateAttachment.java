package io.domainautomation.logic.tls;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ServiceFailure;

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

    /**
     * The role may not read the secret (AccessDenied): a configuration problem, the same in every function. Not
     * retried; reported with the reason and counted as a configuration error.
     */
    public static final class Misconfigured extends Exception {
        public Misconfigured(String message) {
            super(message, null, false, false);
        }
    }

    private final CertificateStore secrets;
    private final Duration minValidity;
    private final Optional<String> namePrefix;
    private final Clock clock;

    public CertificateAttachment(CertificateStore secrets, CertificatePolicy policy, Clock clock) {
        this.secrets = secrets;
        this.minValidity = policy.minValidity();
        this.namePrefix = policy.secretNamePrefix();
        this.clock = clock;
    }

    /** The secret's name in a name or an ARN ({@code arn:aws:secretsmanager:region:account:secret:name-AbCdEf}). */
    static String nameOf(String secretId) {
        int at = secretId.startsWith("arn:") ? secretId.indexOf(":secret:") : -1;
        return at < 0 ? secretId : secretId.substring(at + ":secret:".length());
    }

    /**
     * The certificate secret a message names for its app's domain, checked: it must be a certificate secret of
     * that app (tagged {@code scalingo:app} with the app's name or its ID, under the configured name prefix), so a
     * message cannot have any secret the role can read (the token's, another customer's) uploaded to its domain.
     *
     * @param app the app as the message names it (its name or its ID)
     * @param resolve the app as Scalingo knows it, looked up only when the secret's tag does not spell the app as the
     *            message does (the other of name and ID)
     * @throws InvalidInput (field {@code tlsSecretId}) when the secret is missing, not the app's, malformed, or its
     *         certificate fails a check for this domain
     * @throws Misconfigured when the role may not read the secret
     * @throws Unavailable when Secrets Manager failed transiently
     */
    public Checked forDomain(String secretId, String app, java.util.function.Supplier<App> resolve, String domain)
            throws InvalidInput, Unavailable, Misconfigured {
        CertificateStore.Material material;
        if (namePrefix.isPresent() && !nameOf(secretId).startsWith(namePrefix.get())) {
            // Before any call: the role may read only the secrets under the prefix, so AWS would deny the rest.
            throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId)
                    + " is not a certificate secret: its name does not start with " + namePrefix.get());
        }
        try {
            CertificateStore.ManagedSecret secret = secrets.describe(secretId, Optional.empty());
            if (namePrefix.isPresent() && !secret.name().startsWith(namePrefix.get())) {
                throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId)
                        + " is not a certificate secret: its name does not start with " + namePrefix.get());
            }
            if (secret.scheduledForDeletion()) {
                throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId)
                        + " is scheduled for deletion: restore it (RestoreSecret) or name another");
            }
            Optional<String> tag = secret.app().map(String::trim);
            if (tag.isEmpty()) {
                throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId) + " is not a certificate secret of app "
                        + app + ": its " + CertificateStore.APP_TAG + " tag is missing");
            }
            if (!tag.get().equalsIgnoreCase(app.trim())) {
                App known = resolve.get(); // one identity: the tag may name the app by the other of name and ID
                if (!tag.get().equalsIgnoreCase(known.name()) && !tag.get().equals(known.id())) {
                    throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId) + " is not a certificate secret"
                            + " of app " + known.name() + " (" + known.id() + "): its " + CertificateStore.APP_TAG + " tag is \""
                            + tag.get() + "\"");
                }
            }
            material = secrets.read(secret.arn());
        } catch (CertificateStore.UnusableSecret e) {
            throw new InvalidInput("tlsSecretId", "secret " + secretId + ": " + e.getMessage());
        } catch (ServiceFailure e) {
            if (e.isTransient()) {
                throw new Unavailable("Secrets Manager: " + e.code());
            }
            if (e.kind() == ServiceFailure.Kind.DENIED) {
                throw new Misconfigured("the role may not read secret " + InvalidInput.shown(secretId) + " (" + e.code() + ")");
            }
            throw new InvalidInput("tlsSecretId", "secret " + InvalidInput.shown(secretId) + ": " + e.code());
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
    public List<X509Certificate> checkedChain(CertificateStore.Material material) throws CertificateProblem {
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
