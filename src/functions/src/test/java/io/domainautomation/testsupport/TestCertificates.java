package io.domainautomation.testsupport;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.domainautomation.sandbox.SandboxState;

/** Certificates and keys made at test time: no key material is ever committed. */
public final class TestCertificates {
    private TestCertificates() {
    }

    public record Issued(X509Certificate certificate, KeyPair keys) {
        public String certificatePem() {
            return pem(certificate);
        }

        /** The SecretString of a certificate secret, as the rotation and link-on-signup read it. */
        public String secretString() {
            return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                    .put("certificate", certificatePem()).put("privateKey", privateKeyPem()).toString();
        }

        /** PKCS#8 ({@code BEGIN PRIVATE KEY}). */
        public String privateKeyPem() {
            return pkcs8(keys.getPrivate());
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, new SecureRandom());
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), new SecureRandom());
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate for the given subject and DNS names, valid from notBefore for the given time. */
    public static Issued selfSigned(KeyPair keys, String subject, List<String> dnsNames, Instant notBefore, Duration validFor) {
        return signed(keys, subject, dnsNames, notBefore, validFor, keys.getPrivate(), subject, false);
    }

    public static Issued signed(KeyPair keys, String subject, List<String> dnsNames, Instant notBefore, Duration validFor,
            PrivateKey issuerKey, String issuerSubject, boolean ca) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuerSubject),
                    new BigInteger(64, new SecureRandom()), Date.from(notBefore), Date.from(notBefore.plus(validFor)),
                    new X500Name(subject), keys.getPublic());
            if (!dnsNames.isEmpty()) {
                GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
            return new Issued(certificate, keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 PEM, the form that carries the EC curve with the key. */
    public static String pkcs8(PrivateKey key) {
        String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded());
        return armour("PRIVATE KEY", base64);
    }

    /**
     * What {@code openssl ecparam -name prime256v1 -genkey} writes: the curve as an {@code EC PARAMETERS} block (its
     * OID), then the SEC1 key.
     */
    public static String ecParametersThenSec1(KeyPair keys) {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        try {
            String curve = java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive().getEncoded());
            return armour("EC PARAMETERS", curve) + sec1(keys);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SEC1 ({@code BEGIN EC PRIVATE KEY}) with the named curve, the form openssl ecparam -genkey writes. */
    public static String sec1(KeyPair keys) {
        try {
            var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            var curve = info.getPrivateKeyAlgorithm().getParameters();
            var publicBits = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                    .getPublicKeyData();
            var full = new org.bouncycastle.asn1.sec.ECPrivateKey(
                    ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getParams().getOrder().bitLength(),
                    sec1.getKey(), publicBits, curve);
            String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(full.getEncoded());
            return armour("EC PRIVATE KEY", base64);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM armour around base64 text; the type is passed in so no key header stands in the sources. */
    private static String armour(String type, String base64) {
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    /** BouncyCastle's PEM writer: {@code BEGIN CERTIFICATE}, or {@code BEGIN RSA PRIVATE KEY} (PKCS#1) for RSA keys. */
    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * {@code apps} apps named {@code <appPrefix>000...}, each with two domains and, for each domain, a managed secret
     * {@code <secretPrefix><app>/<n>} naming it in {@code scalingo:domains}: the fleet of the rotation-at-scale runs.
     */
    public static void seedRotationFleet(SandboxState sandbox, String appPrefix, String secretPrefix,
            int apps, KeyPair keys, Instant now) {
        for (int a = 0; a < apps; a++) {
            String app = String.format("%s%03d", appPrefix, a);
            sandbox.addApp(app);
            for (int d = 0; d < 2; d++) {
                String domain = "d" + d + "." + app + ".example";
                sandbox.seedDomain(app, domain, now, "created", false);
                Issued issued = selfSigned(keys, "CN=" + domain, List.of(domain), now.minus(Duration.ofDays(1)), Duration.ofDays(90));
                sandbox.putSecret(secretPrefix + app + "/" + d, issued.secretString(), Map.of("scalingo:app", app,
                        "scalingo:domains", domain));
            }
        }
    }
}
