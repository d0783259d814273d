package io.domainautomation.logic.tls;

import java.time.Duration;
import java.util.Optional;

/**
 * What a certificate secret must be to be used: the least validity a certificate may have left, and the name prefix a
 * certificate secret must have (when configured). Shared by link-on-signup's {@code tlsSecretId} and the rotation.
 */
public record CertificatePolicy(Duration minValidity, Optional<String> secretNamePrefix) {

    public CertificatePolicy {
        secretNamePrefix = secretNamePrefix.filter(p -> !p.isBlank());
    }
}
