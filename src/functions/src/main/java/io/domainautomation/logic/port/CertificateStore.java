package io.domainautomation.logic.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The certificate secrets (implemented by {@code aws.CertificateSecrets}, Secrets Manager; in memory in tests). A
 * secret is managed when it carries the tag {@value #APP_TAG} (the app's name or ID) and, when the caller gives a name
 * prefix, its name starts with it. The optional tag {@value #DOMAINS_TAG} lists the domains it serves, separated by
 * spaces; without it, the secret serves every domain of the app its certificate covers. Reads are of the current
 * version. Every failed call is a {@link ServiceFailure}.
 */
public interface CertificateStore {

    String APP_TAG = "scalingo:app";
    String DOMAINS_TAG = "scalingo:domains";

    /**
     * A managed secret: where it is, and which app and domains it declares; one {@code scheduledForDeletion} declares
     * nothing (DeleteSecret with a recovery window: its value refused until RestoreSecret).
     */
    record ManagedSecret(String arn, String name, Optional<String> app, Optional<List<String>> domains,
            boolean scheduledForDeletion) {

        public ManagedSecret(String arn, String name, Optional<String> app, Optional<List<String>> domains) {
            this(arn, name, app, domains, false);
        }

        public boolean managed() {
            return app.isPresent();
        }

        /** The same secret, its app named as {@code app} (the one identity its tag's name or ID stands for). */
        public ManagedSecret withApp(String app) {
            return new ManagedSecret(arn, name, Optional.of(app), domains, scheduledForDeletion);
        }
    }

    /** The PEM texts of a secret's current version, and which version. {@code toString} never prints the key. */
    record Material(String certificatePem, String privateKeyPem, String versionId, Instant versionCreated) {
        @Override
        public String toString() {
            return "Material[certificate=<" + certificatePem.length() + " chars>, privateKey=<redacted>]";
        }
    }

    /** The secret exists but does not hold a certificate and key in the expected layout. */
    final class UnusableSecret extends Exception {
        public UnusableSecret(String message) {
            super(message, null, false, false);
        }
    }

    /** Every managed secret (all pages); those scheduled for deletion are left out. */
    List<ManagedSecret> listManaged(Optional<String> namePrefix);

    /** One secret's tags (and whether it is scheduled for deletion); not managed (no app) when its name lacks the prefix. */
    ManagedSecret describe(String secretId, Optional<String> namePrefix);

    Material read(String secretId) throws UnusableSecret;
}
