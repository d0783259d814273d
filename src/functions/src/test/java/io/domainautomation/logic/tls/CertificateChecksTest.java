package io.domainautomation.logic.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.domainautomation.testsupport.TestCertificates.Issued;
import io.domainautomation.testsupport.TestCertificates;

/** Every check a certificate passes before upload, on certificates and keys made at test time. */
class CertificateChecksTest {

    private static final Instant NOW = Instant.now();
    private static final Duration SEVEN_DAYS = Duration.ofDays(7);
    private static KeyPair rsa2048;

    @BeforeAll
    static void keys() {
        rsa2048 = TestCertificates.rsa(2048);
    }

    private static Issued leaf(KeyPair keys, Instant notBefore, Duration validFor, String... names) {
        return TestCertificates.selfSigned(keys, "CN=" + names[0], List.of(names), notBefore, validFor);
    }

    private static PemBundle bundle(String certificates, String key) throws CertificateProblem {
        return PemBundle.parse(certificates, key);
    }

    @Test
    void aGoodRsaCertificatePasses() throws CertificateProblem {
        Issued good = leaf(rsa2048, NOW.minus(Duration.ofDays(1)), Duration.ofDays(90), "shop.example");
        List<X509Certificate> chain = CertificateChecks.validate(bundle(good.certificatePem(), good.privateKeyPem()), NOW, SEVEN_DAYS);
        assertEquals(good.certificate(), chain.get(0));
        CertificateChecks.coversDomain(chain.get(0), "shop.example");
    }

    @Test
    void pkcs1Pkcs8AndEcKeysAreRead() throws CertificateProblem {
        assertTrue(TestCertificates.pem(rsa2048.getPrivate()).contains("BEGIN RSA PRIVATE KEY"));
        assertEquals("RSA", PemBundle.parsePrivateKey(TestCertificates.pem(rsa2048.getPrivate())).getAlgorithm());
        assertEquals("RSA", PemBundle.parsePrivateKey(TestCertificates.pkcs8(rsa2048.getPrivate())).getAlgorithm());
        KeyPair ec = TestCertificates.ec("secp256r1");
        assertEquals("EC", PemBundle.parsePrivateKey(TestCertificates.pkcs8(ec.getPrivate())).getAlgorithm());
        String sec1 = TestCertificates.sec1(ec);
        assertTrue(sec1.contains("BEGIN EC PRIVATE KEY"));
        Issued ecLeaf = leaf(ec, NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "ec.example");
        PemBundle bundle = bundle(ecLeaf.certificatePem(), sec1);
        assertTrue(PemBundle.keyMatches(bundle.privateKey(), bundle.leaf().getPublicKey()));
        CertificateChecks.validate(bundle, NOW, SEVEN_DAYS);
        String withParameters = TestCertificates.ecParametersThenSec1(ec);
        assertTrue(withParameters.startsWith("-----BEGIN EC PARAMETERS-----"), withParameters);
        PemBundle opensslEcparam = bundle(ecLeaf.certificatePem(), withParameters);
        assertTrue(PemBundle.keyMatches(opensslEcparam.privateKey(), opensslEcparam.leaf().getPublicKey()),
                "an EC PARAMETERS block before the key (openssl ecparam -genkey) is skipped");
    }

    @Test
    void anEncryptedKeyIsRefusedClearly() throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(rsa2048.getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                            .setPassword("passphrase".toCharArray()).build()));
        }
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemBundle.parsePrivateKey(out.toString()));
        assertEquals("encrypted-key", problem.check());
    }

    @Test
    void garbageEmptyAndTruncatedPemAreRefused() {
        assertEquals("missing-certificate", assertThrows(CertificateProblem.class, () -> PemBundle.parseCertificates("")).check());
        assertEquals("missing-key", assertThrows(CertificateProblem.class, () -> PemBundle.parsePrivateKey(" ")).check());
        assertEquals("unreadable-certificate",
                assertThrows(CertificateProblem.class, () -> PemBundle.parseCertificates("hello world")).check());
        String pem = leaf(rsa2048, NOW, Duration.ofDays(30), "t.example").certificatePem();
        String truncated = pem.substring(0, pem.length() / 2);
        assertTrue(assertThrows(CertificateProblem.class, () -> PemBundle.parseCertificates(truncated)).check().startsWith("unreadable"));
        String keyPem = TestCertificates.pkcs8(rsa2048.getPrivate());
        CertificateProblem truncatedKey = assertThrows(CertificateProblem.class,
                () -> PemBundle.parsePrivateKey(keyPem.substring(0, keyPem.length() / 2)));
        assertTrue(truncatedKey.check().startsWith("unreadable"));
        assertFalse(truncatedKey.getMessage().contains(keyPem.split("\n")[2]), "the message never quotes the key");
        assertEquals("not-a-certificate", assertThrows(CertificateProblem.class, () -> PemBundle.parseCertificates(keyPem)).check());
    }

    @Test
    void aKeyOfAnotherCertificateIsAMismatch() {
        Issued issued = leaf(rsa2048, NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "m.example");
        String otherKey = TestCertificates.pkcs8(TestCertificates.rsa(2048).getPrivate());
        CertificateProblem problem = assertThrows(CertificateProblem.class,
                () -> CertificateChecks.validate(bundle(issued.certificatePem(), otherKey), NOW, SEVEN_DAYS));
        assertEquals("key-mismatch", problem.check());
    }

    @Test
    void expiredNotYetValidAndSoonExpiringAreRefused() {
        Issued expired = leaf(rsa2048, NOW.minus(Duration.ofDays(100)), Duration.ofDays(90), "e.example");
        Issued future = leaf(rsa2048, NOW.plus(Duration.ofDays(2)), Duration.ofDays(90), "f.example");
        Issued soon = leaf(rsa2048, NOW.minus(Duration.ofDays(85)), Duration.ofDays(90), "s.example");
        assertEquals("expired", check(expired));
        assertEquals("not-yet-valid", check(future));
        assertEquals("expires-soon", check(soon));
    }

    @Test
    void theMinimumValidityEdge() throws CertificateProblem {
        Issued eightDays = leaf(rsa2048, NOW.minus(Duration.ofDays(1)), Duration.ofDays(9), "edge.example");
        CertificateChecks.checkValidity(eightDays.certificate(), NOW, SEVEN_DAYS);
        assertThrows(CertificateProblem.class, () -> CertificateChecks.checkValidity(eightDays.certificate(), NOW, Duration.ofDays(9)));
    }

    @Test
    void weakKeysAreRefused() {
        Issued rsa1024 = leaf(TestCertificates.rsa(1024), NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "weak.example");
        assertEquals("weak-key", check(rsa1024));
        Issued p521 = leaf(TestCertificates.ec("secp521r1"), NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "p521.example");
        assertEquals("weak-key", check(p521));
    }

    @Test
    void p384IsAccepted() throws CertificateProblem {
        Issued p384 = leaf(TestCertificates.ec("secp384r1"), NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "p384.example");
        CertificateChecks.validate(bundle(p384.certificatePem(), p384.privateKeyPem()), NOW, SEVEN_DAYS);
    }

    @Test
    void theSansMustCoverTheDomainWildcardsByRfc6125() throws CertificateProblem {
        Issued wildcard = leaf(rsa2048, NOW.minus(Duration.ofDays(1)), Duration.ofDays(30), "*.shop.example", "shop.example");
        CertificateChecks.coversDomain(wildcard.certificate(), "www.shop.example");
        CertificateChecks.coversDomain(wildcard.certificate(), "shop.example");
        CertificateProblem deeper = assertThrows(CertificateProblem.class,
                () -> CertificateChecks.coversDomain(wildcard.certificate(), "a.b.shop.example"));
        assertEquals("wrong-host", deeper.check());
        assertThrows(CertificateProblem.class, () -> CertificateChecks.coversDomain(wildcard.certificate(), "other.example"));
    }

    @Test
    void aShuffledChainIsPutInOrderAndABrokenOneRefused() throws CertificateProblem {
        KeyPair rootKeys = TestCertificates.rsa(2048);
        KeyPair intermediateKeys = TestCertificates.rsa(2048);
        Issued root = TestCertificates.signed(rootKeys, "CN=Test Root", List.of(), NOW.minus(Duration.ofDays(10)),
                Duration.ofDays(3650), rootKeys.getPrivate(), "CN=Test Root", true);
        Issued intermediate = TestCertificates.signed(intermediateKeys, "CN=Test Intermediate", List.of(),
                NOW.minus(Duration.ofDays(10)), Duration.ofDays(365), rootKeys.getPrivate(), "CN=Test Root", true);
        Issued leaf = TestCertificates.signed(rsa2048, "CN=chain.example", List.of("chain.example"),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(90), intermediateKeys.getPrivate(), "CN=Test Intermediate", false);

        List<X509Certificate> shuffled = new ArrayList<>(List.of(intermediate.certificate(), root.certificate(), leaf.certificate()));
        assertEquals(List.of(leaf.certificate(), intermediate.certificate(), root.certificate()), ChainOrder.order(shuffled));
        Collections.reverse(shuffled);
        assertEquals(List.of(leaf.certificate(), intermediate.certificate(), root.certificate()), ChainOrder.order(shuffled));

        Issued stranger = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=Stranger", List.of(), NOW, Duration.ofDays(30));
        CertificateProblem broken = assertThrows(CertificateProblem.class,
                () -> ChainOrder.order(List.of(leaf.certificate(), stranger.certificate())));
        assertEquals("broken-chain", broken.check());

        KeyPair impostorKeys = TestCertificates.rsa(2048);
        Issued impostor = TestCertificates.signed(impostorKeys, "CN=Test Intermediate", List.of(), NOW.minus(Duration.ofDays(10)),
                Duration.ofDays(365), rootKeys.getPrivate(), "CN=Test Root", true);
        CertificateProblem badSignature = assertThrows(CertificateProblem.class,
                () -> ChainOrder.order(List.of(leaf.certificate(), impostor.certificate())));
        assertTrue(badSignature.getMessage().contains("does not verify"), badSignature.getMessage());
    }

    private static String check(Issued issued) {
        return assertThrows(CertificateProblem.class,
                () -> CertificateChecks.validate(bundle(issued.certificatePem(), issued.privateKeyPem()), NOW, SEVEN_DAYS)).check();
    }
}
