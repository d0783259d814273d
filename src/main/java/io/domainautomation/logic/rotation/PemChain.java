package io.domainautomation.logic.rotation;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** A certificate chain back to PEM, in the order given (leaf first). */
final class PemChain {
    private PemChain() {
    }

    static String encode(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes());
        for (X509Certificate certificate : chain) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n").append(encoder.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("a parsed certificate could not be encoded again", e);
            }
        }
        return pem.toString();
    }
}
