package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.tls.CertificateAttachment;
import io.quarkus.test.junit.QuarkusTest;

/** The rotation's certificate path runs through, checks included, with an EC and with an RSA key. */
@QuarkusTest
class CertificatePrimingTest {

    @Inject
    CertificateAttachment attachment;

    @Test
    void bothKeyTypesGoThroughThePath() {
        assertTrue(CertificatePriming.run(attachment), "a certificate made with each key type passed every check");
    }
}
