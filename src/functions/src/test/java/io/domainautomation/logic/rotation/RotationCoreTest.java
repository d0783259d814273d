package io.domainautomation.logic.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.RotationWorld;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;
import io.domainautomation.testsupport.TestCertificates;

/**
 * The rotation's core on the in-memory ports, without Quarkus: uploads once per change, settles conflicts, keeps
 * going past a secret that cannot be read. The same paths run against the sandbox in RotateCertFromSecretsManagerTest.
 */
class RotationCoreTest {

    private static final String DOMAIN = "www.acme.example";

    private RotationWorld world;

    @BeforeEach
    void setUp() {
        world = new RotationWorld();
        world.scalingo.addApp("shop");
        world.scalingo.seedDomain("shop", DOMAIN, OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC).minusDays(30));
    }

    private String secret(String name, Duration validFor, Map<String, String> tags) {
        KeyPair keys = TestCertificates.ec("secp256r1");
        TestCertificates.Issued issued = TestCertificates.selfSigned(keys, "CN=" + DOMAIN, List.of(DOMAIN),
                world.clock.instant().minus(Duration.ofDays(1)), validFor);
        return world.secrets.put(name, issued.certificatePem(), TestCertificates.pkcs8(keys.getPrivate()), tags);
    }

    private RotationReport run() {
        return world.rotation.run(RotationScope.all(false, "test"), Duration.ofMinutes(4), world.invocationDeadline());
    }

    private static List<Outcome> outcomes(RotationReport report) {
        return report.entries().stream().map(Entry::outcome).toList();
    }

    @Test
    void aSecretsCertificateIsUploadedOnceAndNotAgainUntilItChanges() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        assertEquals(List.of(Outcome.ROTATED), outcomes(run()));
        assertEquals(1, world.scalingo.calls("updateDomain"));

        assertEquals(List.of(Outcome.UNCHANGED), outcomes(run()));
        assertEquals(1, world.scalingo.calls("updateDomain"), "the same certificate is not uploaded again");

        secret("certs/shop", Duration.ofDays(120), Map.of(CertificateStore.APP_TAG, "shop"));
        assertEquals(List.of(Outcome.ROTATED), outcomes(run()));
        assertEquals(2, world.scalingo.calls("updateDomain"));
    }

    @Test
    void aCertificateChangedByHandOnScalingoIsPutBack() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        run();
        world.scalingo.change("shop", DOMAIN, d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(), d.name(),
                d.createdAt(), "CN=someone-else", d.tlskey(), true, d.sslStatus(), d.validity().plusDays(3), d.canonical(),
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        assertEquals(List.of(Outcome.ROTATED), outcomes(run()));
        assertEquals(2, world.scalingo.calls("updateDomain"));
    }

    @Test
    void aSecretNamingTheDomainBeatsOneThatOnlyCoversItWhicheverExpiresLast() {
        secret("certs/implicit", Duration.ofDays(200), Map.of(CertificateStore.APP_TAG, "shop"));
        secret("certs/explicit", Duration.ofDays(60), Map.of(CertificateStore.APP_TAG, "shop", CertificateStore.DOMAINS_TAG, DOMAIN));
        RotationReport report = run();
        Entry rotated = report.entries().stream().filter(e -> e.outcome() == Outcome.ROTATED).findFirst().orElseThrow();
        Entry conflict = report.entries().stream().filter(e -> e.outcome() == Outcome.CONFLICT).findFirst().orElseThrow();
        assertEquals("certs/explicit", rotated.secret());
        assertEquals("certs/implicit", conflict.secret());
        assertTrue(report.notices().stream().anyMatch(n -> n.event().detailType().equals("Certificate Conflict")),
                "the losing secret is announced");
        assertEquals(1, world.scalingo.calls("updateDomain"));
    }

    @Test
    void aSecretThatCannotBeReadIsReportedFailedAndNothingIsUploaded() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        world.secrets.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("secrets.read")) {
                    throw new ServiceFailure("Secrets Manager GetSecretValue", "ThrottlingException",
                            ServiceFailure.Kind.TRANSIENT, null);
                }
            }
        });
        RotationReport report = run();
        assertEquals(List.of(Outcome.FAILED), outcomes(report));
        assertEquals("secrets-manager", report.entries().get(0).check());
        assertEquals(0, world.scalingo.calls("updateDomain"));
    }

    /**
     * RotationNotRunAlarm counts completed full runs (FullRunsCompleted, emitted when a report says it listed every
     * secret and was not handed on): a run whose listing failed did not look at anything and must not count.
     */
    @Test
    void onlyARunOverAllSecretsThatListedThemSaysSo() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        assertTrue(run().listedAll());

        world.secrets.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("secrets.listManaged")) {
                    throw new ServiceFailure("Secrets Manager ListSecrets", "InternalServiceError",
                            ServiceFailure.Kind.TRANSIENT, null);
                }
            }
        });
        RotationReport failed = run();
        assertEquals(List.of(Outcome.FAILED), outcomes(failed));
        assertFalse(failed.listedAll(), "a run that could not list the secrets is not a completed run");
        world.secrets.faults(Faults.NONE);

        String arn = secret("certs/shop", Duration.ofDays(120), Map.of(CertificateStore.APP_TAG, "shop"));
        assertFalse(world.rotation.run(RotationScope.secret(arn, false, "test"), Duration.ofMinutes(4), world.invocationDeadline()).listedAll(),
                "a secret-change run looks at one app's secrets");
    }

    @Test
    void aDryRunReportsWhatWouldBeUploadedAndUploadsNothing() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        RotationReport report = world.rotation.run(RotationScope.all(true, "test"), Duration.ofMinutes(4),
                world.invocationDeadline());
        assertEquals(List.of(Outcome.WOULD_ROTATE), outcomes(report));
        assertEquals(0, world.scalingo.calls("updateDomain"));
    }
}
