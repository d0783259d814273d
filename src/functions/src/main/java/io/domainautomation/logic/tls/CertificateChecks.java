package io.domainautomation.logic.tls;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The checks a certificate must pass before it is uploaded, each a small pure decision with a stable name for
 * reports: {@code key-mismatch}, {@code not-yet-valid}, {@code expired}, {@code expires-soon}, {@code weak-key},
 * {@code wrong-host}, plus the parsing ({@code unreadable-*}, {@code encrypted-key}) and chain
 * ({@code broken-chain}) checks of {@link PemBundle} and {@link ChainOrder}.
 */
public final class CertificateChecks {

    private static final Map<String, String> ALLOWED_CURVES = Map.of("1.2.840.10045.3.1.7", "P-256", "1.3.132.0.34", "P-384");
    public static final int MIN_RSA_BITS = 2048;

    private CertificateChecks() {
    }

    /** Everything about the certificate itself; the hostname is checked per domain by {@link #coversDomain}. */
    public static List<X509Certificate> validate(PemBundle bundle, Instant now, Duration minValidity) throws CertificateProblem {
        List<X509Certificate> chain = ChainOrder.order(bundle.chain());
        X509Certificate leaf = chain.get(0);
        if (!PemBundle.keyMatches(bundle.privateKey(), leaf.getPublicKey())) {
            throw new CertificateProblem("key-mismatch", "the private key does not belong to the certificate "
                    + PemBundle.scalingoSubject(leaf));
        }
        checkValidity(leaf, now, minValidity);
        checkKeyStrength(leaf.getPublicKey());
        return chain;
    }

    public static void checkValidity(X509Certificate leaf, Instant now, Duration minValidity) throws CertificateProblem {
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            throw new CertificateProblem("not-yet-valid", "the certificate is valid only from " + notBefore);
        }
        if (!now.isBefore(notAfter)) {
            throw new CertificateProblem("expired", "the certificate expired on " + notAfter);
        }
        if (Duration.between(now, notAfter).compareTo(minValidity) < 0) {
            throw new CertificateProblem("expires-soon", "the certificate expires on " + notAfter + ", within the minimum of "
                    + minValidity.toDays() + " days");
        }
    }

    public static void checkKeyStrength(PublicKey key) throws CertificateProblem {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new CertificateProblem("weak-key", "the RSA key has " + bits + " bits; at least " + MIN_RSA_BITS);
            }
            return;
        }
        if (key.getAlgorithm().equals("EC")) {
            Object parameters = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
            String curve = parameters instanceof ASN1ObjectIdentifier oid ? ALLOWED_CURVES.get(oid.getId()) : null;
            if (curve == null) {
                throw new CertificateProblem("weak-key", "the EC key is not on P-256 or P-384");
            }
            return;
        }
        throw new CertificateProblem("weak-key", "the key type " + key.getAlgorithm() + " is not supported; use RSA or EC");
    }

    public static void coversDomain(X509Certificate leaf, String domain) throws CertificateProblem {
        if (!HostnameMatch.certificateCovers(leaf, domain)) {
            throw new CertificateProblem("wrong-host", "the certificate is for " + HostnameMatch.dnsNames(leaf)
                    + ", not for " + domain);
        }
    }
}
