package io.domainautomation.logic.cleanup;

import java.time.Instant;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/**
 * Evidence that a domain's traffic still reaches the platform whatever its DNS looks like from here (a CDN or a proxy
 * answers with its own addresses): a certificate of the domain that is still valid. A Let's Encrypt certificate lives
 * 90 days and is renewed through a challenge that must reach the platform, so a valid one means traffic got through
 * within the last 90 days; a custom certificate someone uploaded and that has not expired means someone still cares.
 */
public final class TrafficEvidence {

    public static final String LETSENCRYPT_VALID = "letsencrypt-certificate-valid";
    public static final String CUSTOM_CERTIFICATE_VALID = "custom-certificate-valid";

    private TrafficEvidence() {
    }

    public static Optional<String> of(Domain domain, Instant now) {
        boolean valid = domain.validity() != null && domain.validity().toInstant().isAfter(now);
        if (!valid) {
            return Optional.empty();
        }
        if (domain.hasCustomCertificate()) {
            return Optional.of(CUSTOM_CERTIFICATE_VALID);
        }
        if (Boolean.TRUE.equals(domain.letsencrypt()) || "created".equals(domain.letsencryptStatus())) {
            return Optional.of(LETSENCRYPT_VALID);
        }
        return Optional.empty();
    }
}
