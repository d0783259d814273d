package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The sandbox's own reading and writing of PEM, the way Scalingo's API treats a certificate it is sent: kept apart
 * from the functions' parsers on purpose, so the sandbox can catch their mistakes instead of sharing them.
 */
final class SandboxPem {

    /** What Scalingo refuses with a 422. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private SandboxPem() {
    }

    /** The first certificate of a PEM chain. */
    static X509Certificate leaf(String pem) throws Refused {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object first = parser.readObject();
            if (first instanceof X509CertificateHolder holder) {
                return new JcaX509CertificateConverter().getCertificate(holder);
            }
            throw new Refused("no PEM certificate");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new Refused("not a readable PEM certificate");
        }
    }

    /** An unencrypted RSA or EC private key, PKCS#1, SEC1 or PKCS#8, skipping leading parameter blocks. */
    static PrivateKey privateKey(String pem) throws Refused {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
            throw new Refused("no unencrypted PEM private key");
        } catch (IOException | RuntimeException e) {
            throw new Refused("not a readable PEM private key");
        }
    }

    static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] probe = new byte[16];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signer.sign());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** How Scalingo shows a certificate in {@code tlscert}: {@code /C=FR/O=Example/CN=example.com}. */
    static String subject(X509Certificate certificate) {
        StringBuilder subject = new StringBuilder();
        for (RDN rdn : X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs()) {
            var attribute = rdn.getFirst();
            String label = BCStyle.INSTANCE.oidToDisplayName(attribute.getType());
            subject.append('/').append(label == null ? attribute.getType().getId() : label).append('=')
                    .append(attribute.getValue());
        }
        return subject.toString();
    }

    /** How Scalingo shows a key in {@code tlskey}: {@code RSA private key - 2048 bytes}. */
    static String keyDescription(PrivateKey key) {
        int bits = key instanceof RSAKey rsa ? rsa.getModulus().bitLength()
                : key instanceof ECKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 0;
        return (key instanceof ECKey ? "EC" : key.getAlgorithm()) + " private key - " + bits + " bytes";
    }

    static String armour(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
