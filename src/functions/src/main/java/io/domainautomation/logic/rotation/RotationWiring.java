package io.domainautomation.logic.rotation;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.domainautomation.logic.tls.CertificatePolicy;

/** The certificate checks' policy, from the rotation's settings ({@code ROTATION_MIN_VALIDITY}, name prefix). */
public class RotationWiring {

    @Produces
    @Singleton
    CertificatePolicy certificatePolicy(RotationConfig config) {
        return new CertificatePolicy(config.minValidity(), config.secretNamePrefix());
    }
}
