package io.domainautomation.logic.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A PEM certificate chain and its private key, parsed with BouncyCastle: PKCS#1 RSA, PKCS#8 and SEC1 EC keys;
 * encrypted keys are refused. {@code toString} never prints the key.
 */
public final class PemBundle {

    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;

    private PemBundle(List<X509Certificate> chain, PrivateKey privateKey) {
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
    }

    public static PemBundle parse(String certificatesPem, String privateKeyPem) throws CertificateProblem {
        return new PemBundle(parseCertificates(certificatesPem), parsePrivateKey(privateKeyPem));
    }

    /** The chain as given (leaf first by convention). */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public static List<X509Certificate> parseCertificates(String pem) throws CertificateProblem {
        if (pem == null || pem.isBlank()) {
            throw new CertificateProblem("missing-certificate", "the certificate is empty");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new CertificateProblem("not-a-certificate",
                            "the certificate field holds something other than certificates (" + kind(item) + ")");
                }
                certificates.add(converter.getCertificate(holder));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new CertificateProblem("unreadable-certificate", "the certificate is not valid PEM: "
                    + e.getClass().getSimpleName());
        }
        if (certificates.isEmpty()) {
            throw new CertificateProblem("unreadable-certificate", "no PEM certificate found");
        }
        return certificates;
    }

    public static PrivateKey parsePrivateKey(String pem) throws CertificateProblem {
        if (pem == null || pem.isBlank()) {
            throw new CertificateProblem("missing-key", "the private key is empty");
        }
        Object item;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            item = parser.readObject();
            // openssl ecparam -genkey writes the curve (EC PARAMETERS) before the key: the key names its curve too
            while (item instanceof ASN1ObjectIdentifier || item instanceof X9ECParameters) {
                item = parser.readObject();
            }
        } catch (IOException | RuntimeException e) {
            // The exception text of a PEM parser may quote the input: only its type is kept.
            throw new CertificateProblem("unreadable-key", "the private key is not valid PEM: " + e.getClass().getSimpleName());
        }
        if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new CertificateProblem("encrypted-key",
                    "the private key is encrypted with a passphrase; store it unencrypted in the secret");
        }
        PrivateKeyInfo info = item instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                : item instanceof PrivateKeyInfo plain ? plain : null;
        if (info != null) {
            return toJdkKey(info);
        }
        throw new CertificateProblem("unreadable-key", item == null ? "no PEM private key found"
                : "the key field holds something other than a private key (" + kind(item) + ")");
    }

    /** The JDK's own key classes (RSA, EC), so no security provider has to be registered. */
    private static PrivateKey toJdkKey(PrivateKeyInfo info) throws CertificateProblem {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm = switch (oid) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            default -> throw new CertificateProblem("unsupported-key", "the private key type (OID " + oid
                    + ") is not supported; use RSA or EC");
        };
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CertificateProblem("unreadable-key", "the private key cannot be decoded: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Pairs of keys proven to match, by the SHA-256 of both encodings, when a test or the simulation asks for it
     * ({@link #rememberProofs}): they check the same few certificates and keys again and again, and a signature is the
     * costly part of a run. Off when deployed: no digest of a private key is kept in memory (nor in a SnapStart
     * snapshot). Bounded.
     */
    private static final java.util.Map<String, Boolean> PROVEN = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int PROVEN_MAX = 4096;
    private static volatile boolean rememberProofs;

    /** Tests and the simulation: remember key-match proofs (off by default, and when deployed). */
    public static void rememberProofs(boolean remember) {
        rememberProofs = remember;
        PROVEN.clear();
    }

    /** True when the private key belongs to the public key: proven by a signature, for RSA and EC alike. */
    public static boolean keyMatches(PrivateKey privateKey, PublicKey publicKey) {
        if (!rememberProofs) {
            return proveMatch(privateKey, publicKey);
        }
        String pair;
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String privateDigest = java.util.HexFormat.of().formatHex(sha.digest(privateKey.getEncoded()));
            pair = privateDigest + ":" + java.util.HexFormat.of().formatHex(sha.digest(publicKey.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return proveMatch(privateKey, publicKey);
        }
        Boolean known = PROVEN.get(pair);
        if (known != null) {
            return known;
        }
        boolean matches = proveMatch(privateKey, publicKey);
        if (matches) {
            if (PROVEN.size() >= PROVEN_MAX) {
                PROVEN.clear();
            }
            PROVEN.put(pair, true);
        }
        return matches;
    }

    private static boolean proveMatch(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null || !privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** DER bytes in PEM armour of the given type ("CERTIFICATE", ...), written by BouncyCastle. */
    public static String armour(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException("writing PEM to memory failed", e);
        }
        return out.toString();
    }

    /** The subject the way Scalingo reports it: {@code /C=FR/ST=Some-State/O=Example/CN=example.com}. */
    public static String scalingoSubject(X509Certificate certificate) {
        X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        StringBuilder subject = new StringBuilder();
        for (RDN rdn : name.getRDNs()) {
            var attribute = rdn.getFirst();
            String label = BCStyle.INSTANCE.oidToDisplayName(attribute.getType());
            subject.append('/').append(label == null ? attribute.getType().getId() : label)
                    .append('=').append(attribute.getValue().toString());
        }
        return subject.toString();
    }

    private static String kind(Object item) {
        return item.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "PemBundle[leaf=" + leaf().getSubjectX500Principal() + ", chain=" + chain.size() + ", key=<redacted>]";
    }
}
