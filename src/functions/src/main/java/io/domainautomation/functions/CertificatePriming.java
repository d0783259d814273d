package io.domainautomation.functions;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jboss.logging.Logger;

import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificateChecks;
import io.domainautomation.logic.tls.CertificateIdentity;
import io.domainautomation.logic.tls.HostnameMatch;
import io.domainautomation.logic.tls.PemBundle;

/**
 * The rotation only, before a SnapStart snapshot: runs the certificate path (PEM parsing with BouncyCastle, the
 * checks, the proof that the key matches, the identity, the encoding for Scalingo) on a certificate made for it with
 * a throwaway key, once with an EC key and once with an RSA key (most certificates have one or the other), discarded
 * afterwards: nothing after the restore uses them. A separate class so that no other function loads BouncyCastle.
 */
final class CertificatePriming {

    private static final Logger LOG = Logger.getLogger(CertificatePriming.class);
    private static final String NAME = "priming.invalid";

    private CertificatePriming() {
    }

    /** Whether the path ran with both keys; a failure is logged, never fatal (the first rotation is only slower). */
    static boolean run(CertificateAttachment attachment) {
        try {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            prime(attachment, ec.generateKeyPair(), "SHA256withECDSA");
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            prime(attachment, rsa.generateKeyPair(), "SHA256withRSA");
            return true;
        } catch (Exception e) {
            LOG.warnf("cold-start priming: the certificate path was not primed (%s)", e.getClass().getSimpleName());
            return false;
        }
    }

    private static void prime(CertificateAttachment attachment, KeyPair keys, String signature) throws Exception {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + NAME);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(90))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, NAME)));
        byte[] der = builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())).getEncoded();
        List<X509Certificate> chain = attachment.checkedChain(new CertificateStore.Material(PemBundle.armour("CERTIFICATE", der),
                PemBundle.armour("PRIVATE KEY", keys.getPrivate().getEncoded()), "cold-start-priming", now));
        CertificateIdentity.of(chain.get(0));
        HostnameMatch.certificateCovers(chain.get(0), NAME);
        CertificateChecks.coversDomain(chain.get(0), NAME);
        CertificateAttachment.encode(chain);
    }
}
