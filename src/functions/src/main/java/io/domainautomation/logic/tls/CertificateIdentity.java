package io.domainautomation.logic.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** How reports name a certificate: subject, serial and SHA-256 fingerprint. Never key material. */
public record CertificateIdentity(String subject, String serial, String sha256, String notAfter) {

    public static CertificateIdentity of(X509Certificate certificate) {
        return new CertificateIdentity(PemBundle.scalingoSubject(certificate), certificate.getSerialNumber().toString(16),
                fingerprint(certificate), certificate.getNotAfter().toInstant().toString());
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "unavailable";
        }
    }
}
