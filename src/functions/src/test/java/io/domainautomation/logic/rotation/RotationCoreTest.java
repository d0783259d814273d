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
    void aContainerListsTheAppsOnceForItsSecretsTagsUntilTheyAreOldOrNameAnAppTheyDoNotKnow() {
        String arn = secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        RotationScope changed = RotationScope.secret(arn, false, "test");
        world.rotation.run(changed, Duration.ofMinutes(4), world.invocationDeadline());
        assertEquals(1, world.scalingo.calls("listApps"));
        world.rotation.run(changed, Duration.ofMinutes(4), world.invocationDeadline());
        assertEquals(1, world.scalingo.calls("listApps"), "the names listed a moment ago name its app");

        world.scalingo.addApp("blog");
        String blog = secret("certs/blog", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "blog"));
        world.rotation.run(RotationScope.secret(blog, false, "test"), Duration.ofMinutes(4), world.invocationDeadline());
        assertEquals(2, world.scalingo.calls("listApps"), "an app made since: listed again at once");

        world.clock.advance(SecretGathering.NAMES_KEPT);
        world.rotation.run(changed, Duration.ofMinutes(4), world.invocationDeadline());
        assertEquals(3, world.scalingo.calls("listApps"), "names as old as NAMES_KEPT are listed again (a rename shows)");
    }

    @Test
    void aSecretTaggedByIdHasTheAppsListedEveryTimeSoARenameAndANewAppUnderTheOldNameNeverGetItsCertificate() {
        String shopId = world.scalingo.listApps(world.invocationDeadline()).stream().filter(a -> a.name().equals("shop"))
                .findFirst().orElseThrow().id();
        String arn = secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, shopId));
        RotationScope changed = RotationScope.secret(arn, false, "test");
        int listedBefore = world.scalingo.calls("listApps");
        world.rotation.run(changed, Duration.ofMinutes(4), world.invocationDeadline());
        world.rotation.run(changed, Duration.ofMinutes(4), world.invocationDeadline());
        assertEquals(listedBefore + 2, world.scalingo.calls("listApps"), "a tag by ID is never resolved from kept names");
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
    void anAppWithoutTheTimeForItsFirstRequestIsHandedOnNotFailed() {
        world.scalingo.addApp("store");
        world.scalingo.seedDomain("store", "www.store.example", OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC));
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        secret("certs/store", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "store"));
        world.scalingo.oneRequest(Duration.ofSeconds(13));
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("scalingo.listDomains")) {
                    world.clock.advance(Duration.ofSeconds(1));
                }
            }
        });

        // 14.5 s: the apps are listed and the first app's domains listed and its certificate uploaded (13 s at the
        // longest each); the second app is not started with less than a request's time and its slowest step's left
        // (its upload, after its listing, would have had 12.5 s and been refused half-way): it is handed on
        RotationReport report = world.rotation.run(RotationScope.all(false, "test"), Duration.ofMinutes(4),
                world.clock.deadlineIn(Duration.ofMillis(14_500)));

        assertEquals(List.of(Outcome.ROTATED), outcomes(report));
        assertEquals("shop", report.continueAfter());
        assertEquals(1, world.scalingo.calls("listDomains"), "no request for the second app");
    }

    @Test
    void aSecretThatCannotBeReadIsReportedFailedAndNothingIsUploaded() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        world.secrets.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.startsWith("secrets.read ")) {
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

    // ------------------------------------------------------------------ one app, one identity

    private String shopId() {
        return world.scalingo.apps().stream().filter(a -> a.name().equals("shop")).findFirst().orElseThrow().id();
    }

    private static Faults readsFailingFor(String secretName) {
        return new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("secrets.read " + secretName)) {
                    throw new ServiceFailure("Secrets Manager GetSecretValue", "ThrottlingException",
                            ServiceFailure.Kind.TRANSIENT, null);
                }
            }
        };
    }

    @Test
    void secretsTaggedWithTheAppsNameAndWithItsIdAreOneAppWhoseExplicitSecretWinsOnce() {
        secret("certs/by-name", Duration.ofDays(200), Map.of(CertificateStore.APP_TAG, "shop"));
        secret("certs/by-id", Duration.ofDays(60), Map.of(CertificateStore.APP_TAG, shopId(), CertificateStore.DOMAINS_TAG, DOMAIN));
        RotationReport first = run();
        Entry rotated = first.entries().stream().filter(e -> e.outcome() == Outcome.ROTATED).findFirst().orElseThrow();
        assertEquals("certs/by-id", rotated.secret(), "the secret naming the domain wins, whichever spelling of the app");
        assertEquals("shop", rotated.app(), "the app is named by its name, whatever the tag says");
        assertTrue(first.entries().stream().anyMatch(e -> e.outcome() == Outcome.CONFLICT && e.secret().equals("certs/by-name")),
                first.entries().toString());
        for (int day = 0; day < 3; day++) {
            assertEquals(0, run().entries().stream().filter(e -> e.outcome() == Outcome.ROTATED).count(), "day " + day);
        }
        assertEquals(1, world.scalingo.calls("updateDomain"), "uploaded once, not once per spelling and per day");
        assertTrue(world.deployments.deployed("shop", DOMAIN).isPresent(), "the ledger keys the app by its name");
    }

    @Test
    void aWinnerThatCannotBeReadThisRunKeepsTheDomainOnItsCertificate() {
        secret("certs/explicit", Duration.ofDays(60), Map.of(CertificateStore.APP_TAG, "shop", CertificateStore.DOMAINS_TAG, DOMAIN));
        secret("certs/implicit", Duration.ofDays(200), Map.of(CertificateStore.APP_TAG, "shop"));
        assertEquals("certs/explicit", run().entries().stream().filter(e -> e.outcome() == Outcome.ROTATED).findFirst()
                .orElseThrow().secret());
        String carried = world.scalingo.domain("shop", DOMAIN).orElseThrow().tlscert();

        world.secrets.faults(readsFailingFor("certs/explicit"));
        RotationReport held = run();
        assertEquals(1, world.scalingo.calls("updateDomain"), "the runner-up is not uploaded while the winner cannot be read");
        assertEquals(carried, world.scalingo.domain("shop", DOMAIN).orElseThrow().tlscert());
        assertTrue(held.entries().stream().anyMatch(e -> e.outcome() == Outcome.FAILED && e.secret().equals("certs/explicit")));
        assertTrue(held.entries().stream().anyMatch(e -> e.outcome() == Outcome.UNCHANGED && e.domain().equals(DOMAIN)
                && e.reason().contains("could not be read")), held.entries().toString());

        world.secrets.faults(Faults.NONE);
        run();
        assertEquals(1, world.scalingo.calls("updateDomain"), "readable again: nothing to change, nothing uploaded");
    }

    @Test
    void anImplicitSecretThatCannotBeReadDoesNotHoldADomainAReadableSecretNames() {
        secret("certs/explicit", Duration.ofDays(60), Map.of(CertificateStore.APP_TAG, "shop", CertificateStore.DOMAINS_TAG, DOMAIN));
        secret("certs/implicit", Duration.ofDays(200), Map.of(CertificateStore.APP_TAG, "shop"));
        world.secrets.faults(readsFailingFor("certs/implicit"));
        assertEquals(List.of("certs/explicit"), run().entries().stream().filter(e -> e.outcome() == Outcome.ROTATED)
                .map(Entry::secret).toList(), "it could not beat a secret naming the domain");
    }

    // ------------------------------------------------------------------ every change announced, under its own id

    @Test
    void aDeploymentARunCouldNotAnnounceIsAnnouncedByTheNextUnderTheSameId() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        RotationAnnouncements announcements = new RotationAnnouncements(world.deployments);
        RotationReport first = run();
        String id = first.notices().stream().filter(n -> n.event().detailType().equals(RotationEvents.CERTIFICATE_ROTATED))
                .findFirst().orElseThrow().event().eventId();
        assertFalse(world.deployments.deployed("shop", DOMAIN).orElseThrow().announced(), "recorded before it is announced");
        // The invocation ends here (its deadline, out of memory): nothing published, nothing confirmed.

        RotationReport second = run();
        assertEquals(1, world.scalingo.calls("updateDomain"), "not uploaded again");
        List<String> again = second.notices().stream().map(n -> n.event().eventId()).toList();
        assertEquals(List.of(id), again, "announced by the next run, under the same id");
        announcements.confirm(second, announcements.news(second), List.of());
        assertTrue(world.deployments.deployed("shop", DOMAIN).orElseThrow().announced());

        assertTrue(run().notices().isEmpty(), "announced once published: nothing more to say");
    }

    @Test
    void aCertificatePutBackAfterAChangeByHandIsAnotherEvent() {
        secret("certs/shop", Duration.ofDays(90), Map.of(CertificateStore.APP_TAG, "shop"));
        RotationAnnouncements announcements = new RotationAnnouncements(world.deployments);
        RotationReport first = run();
        announcements.confirm(first, announcements.news(first), List.of());
        world.clock.advance(Duration.ofHours(1));
        world.scalingo.change("shop", DOMAIN, d -> new io.domainautomation.logic.port.Domain(d.id(), d.appId(), d.name(),
                d.createdAt(), "CN=someone-else", d.tlskey(), true, d.sslStatus(), d.validity().plusDays(3), d.canonical(),
                d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
        RotationReport second = run();
        assertEquals(2, world.scalingo.calls("updateDomain"));
        String firstId = first.notices().get(0).event().eventId();
        String secondId = second.notices().stream().filter(n -> n.event().detailType().equals(RotationEvents.CERTIFICATE_ROTATED))
                .findFirst().orElseThrow().event().eventId();
        assertFalse(firstId.equals(secondId), "the same certificate and version, uploaded again: a second change, its own id");
    }

    @Test
    void aStateWhoseAnnouncementWasNotPublishedIsAnnouncedAgainUntilItIs() {
        world.secrets.put("certs/broken", "not a certificate", "none", Map.of(CertificateStore.APP_TAG, "shop"));
        RotationAnnouncements announcements = new RotationAnnouncements(world.deployments);
        RotationReport first = run();
        List<io.domainautomation.logic.events.Notice> news = announcements.news(first);
        assertEquals(1, news.size(), "Certificate Rejected, the first time");
        // not published (the bus refused it), so not confirmed
        announcements.confirm(first, news, news.stream().map(io.domainautomation.logic.events.Notice::event).toList());
        RotationReport second = run();
        List<io.domainautomation.logic.events.Notice> again = announcements.news(second);
        assertEquals(List.of(news.get(0).event().eventId()), again.stream().map(n -> n.event().eventId()).toList(),
                "said again, under the same id");
        announcements.confirm(second, again, List.of());
        assertTrue(announcements.news(run()).isEmpty(), "published: the same state is not news");
    }
}
