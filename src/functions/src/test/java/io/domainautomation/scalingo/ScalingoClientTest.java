package io.domainautomation.scalingo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LogCapture;
import io.domainautomation.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared client against the sandbox over HTTP: every operation, every error class, retries and bearers. */
@QuarkusTest
class ScalingoClientTest {

    private static final Deadline NO_DEADLINE = Deadline.none();

    private static LogCapture logs;
    private static final List<String> privateKeysSent = new ArrayList<>();

    @Inject
    ScalingoClient client;

    @Inject
    SandboxState sandbox;

    @Inject
    ScalingoConfig config;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    @Inject
    ScalingoErrorMapper errors;

    @Inject
    RequestTimeouts timeouts;

    @Inject
    @RestClient
    AuthApi auth;

    @Inject
    @RestClient
    AppsApi appsApi;

    @Inject
    @RestClient
    DomainsApi domainsApi;

    @Inject
    ApiTokenSource apiToken;

    private String app;

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterAll
    static void noSecretInLogs() {
        logs.close();
        // Checked here because the bearers and keys used are only all known at the end.
        List<String> secrets = new ArrayList<>(privateKeysSent);
        secrets.add("tk-us-test-local-token");
        secrets.addAll(issuedBearers);
        assertTrue(logs.lines().size() > 0, "the capture saw the client's log lines");
        assertEquals(List.of(), logs.linesContainingAny(secrets), "no API token, bearer or private key in any log line");
    }

    private static final List<String> issuedBearers = new ArrayList<>();

    @BeforeEach
    void freshApp() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "client-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.clearCounters();
    }

    @org.junit.jupiter.api.AfterEach
    void rememberBearers() {
        issuedBearers.addAll(sandbox.issuedBearers());
    }

    @Test
    void appsAreListedAndShown() {
        List<App> apps = client.listApps(NO_DEADLINE);
        App mine = apps.stream().filter(a -> a.name().equals(app)).findFirst().orElseThrow();
        assertEquals("https://" + app + ".osc-fr1.scalingo.io", mine.baseUrl());
        App shown = client.getApp(app, NO_DEADLINE);
        assertEquals(mine.id(), shown.id());
        assertEquals(shown, client.getApp(mine.id(), NO_DEADLINE), "an app is found by ID as well as by name");
        assertEquals(1, sandbox.counter("apps.list"));
        assertEquals(2, sandbox.counter("apps.show"));
    }

    @Test
    void domainLifecycleLinkShowUpdateUnlink() {
        Domain linked = client.linkDomain(app, DomainChanges.link("www.example.test", null, null), NO_DEADLINE);
        assertEquals("www.example.test", linked.name());
        assertFalse(linked.isCanonical());
        assertEquals(Boolean.TRUE, linked.letsencryptEnabled());
        assertEquals("new", linked.letsencryptStatus());
        assertNotNull(linked.createdAt());

        assertEquals(linked.id(), Domain.named(client.listDomains(app, NO_DEADLINE), "WWW.example.test").orElseThrow().id(),
                "found by name whatever the case");
        assertEquals(List.of("www.example.test"), client.listDomains(app, NO_DEADLINE).stream().map(Domain::name).toList());

        Domain canonical = client.updateDomain(app, linked.id(), DomainChanges.canonical(true), NO_DEADLINE);
        assertTrue(canonical.isCanonical());
        assertEquals("https://www.example.test", client.getApp(app, NO_DEADLINE).url(), "the app's url follows its canonical domain");

        Domain noLetsEncrypt = client.updateDomain(app, linked.id(), DomainChanges.letsencrypt(false), NO_DEADLINE);
        assertEquals(Boolean.FALSE, noLetsEncrypt.letsencryptEnabled());

        client.unlinkDomain(app, linked.id(), NO_DEADLINE);
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(1, sandbox.counter("domains.unlink"));
    }

    @Test
    void certificateIsUploadedReadBackAndRemoved() {
        var keys = TestCertificates.rsa(2048);
        var issued = TestCertificates.selfSigned(keys, "C=FR,ST=Some-State,O=Internet Widgits Pty Ltd,CN=cert.example.test",
                List.of("cert.example.test"), Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        privateKeysSent.add(keyBody(issued.privateKeyPem()));
        Domain linked = client.linkDomain(app, DomainChanges.link("cert.example.test", null, null), NO_DEADLINE);

        Domain withCert = client.updateDomain(app, linked.id(),
                DomainChanges.certificate(issued.certificatePem(), issued.privateKeyPem()), NO_DEADLINE);

        assertEquals(Boolean.TRUE, withCert.ssl());
        assertEquals("/C=FR/ST=Some-State/O=Internet Widgits Pty Ltd/CN=cert.example.test", withCert.tlscert());
        assertEquals("RSA private key - 2048 bytes", withCert.tlskey());
        assertEquals(issued.certificate().getNotAfter().toInstant(), withCert.validity().toInstant());

        Domain removed = client.updateDomain(app, linked.id(), DomainChanges.removeCertificate(), NO_DEADLINE);
        assertEquals(Boolean.FALSE, removed.ssl());
        assertNull(removed.tlscert());
        assertNull(removed.validity());
    }

    @Test
    void aKeyThatDoesNotMatchIsA422WithItsFieldError() {
        var issued = TestCertificates.selfSigned(TestCertificates.ec("secp256r1"), "CN=mismatch.example.test",
                List.of("mismatch.example.test"), Instant.now(), Duration.ofDays(30));
        String otherKey = TestCertificates.pkcs8(TestCertificates.ec("secp256r1").getPrivate());
        privateKeysSent.add(keyBody(otherKey));
        Domain linked = client.linkDomain(app, DomainChanges.link("mismatch.example.test", null, null), NO_DEADLINE);

        ScalingoException error = assertThrows(ScalingoException.class,
                () -> client.updateDomain(app, linked.id(), DomainChanges.certificate(issued.certificatePem(), otherKey), NO_DEADLINE));

        assertEquals(422, error.status());
        assertTrue(error.isPermanent());
        assertEquals(List.of("does not match the certificate"), error.fieldErrors().get("tlskey"));
        assertEquals(1, sandbox.counter("domains.update"), "a permanent error is not retried");
        assertFalse(error.getMessage().contains("PRIVATE KEY"));
    }

    @Test
    void unknownAppAndDomainAre404sNamingTheResource() {
        ScalingoException noApp = assertThrows(ScalingoException.class, () -> client.listDomains("no-such-app", NO_DEADLINE));
        assertEquals(404, noApp.status());
        assertEquals("app", noApp.resource().orElseThrow());
        assertEquals("list domains", noApp.operation());

        ScalingoException noDomain = assertThrows(ScalingoException.class, () -> client.unlinkDomain(app, "000000000000000000000000", NO_DEADLINE));
        assertTrue(noDomain.isNotFound());
        assertEquals("domain", noDomain.resource().orElseThrow());
        assertEquals(1, sandbox.counter("domains.unlink"), "a 404 is not retried");
    }

    @Test
    void duplicateNamesAndTheTwentyDomainLimitAre422s() {
        client.linkDomain(app, DomainChanges.link("dup.example.test", null, null), NO_DEADLINE);
        ScalingoException duplicate = assertThrows(ScalingoException.class,
                () -> client.linkDomain(app, DomainChanges.link("dup.example.test", null, null), NO_DEADLINE));
        assertEquals(List.of("has already been taken"), duplicate.fieldErrors().get("name"));

        for (int i = 1; i < 20; i++) {
            client.linkDomain(app, DomainChanges.link("d" + i + ".limit.example.test", null, null), NO_DEADLINE);
        }
        ScalingoException limit = assertThrows(ScalingoException.class,
                () -> client.linkDomain(app, DomainChanges.link("d21.limit.example.test", null, null), NO_DEADLINE));
        assertEquals(422, limit.status());
        assertTrue(limit.fieldErrors().get("app").get(0).contains("limit of 20"));
        assertEquals(20, client.listDomains(app, NO_DEADLINE).size());
    }

    @Test
    void aRateLimitBurstIsRetriedThenSucceeds() {
        sandbox.faults().rateLimitBurst(2);
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        assertEquals(2, sandbox.counter("fault.domains.list"), "two 429 replies were met");
        assertEquals(1, sandbox.counter("domains.list"), "then one success");
    }

    @Test
    void retryAfterIsHonoured() {
        sandbox.faults().rateLimitBurst(1).retryAfter(1);
        long started = System.nanoTime();
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // The configured backoff is at most 200 ms in tests: only Retry-After explains a wait of a second.
        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "waited " + took);
        assertEquals(1, sandbox.counter("domains.list"));
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetriedWithinBounds() {
        sandbox.faults().failNext(2);
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        sandbox.faults().dropNext(1);
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        assertEquals(3, sandbox.counter("fault.domains.list"));
        assertEquals(2, sandbox.counter("domains.list"));
    }

    @Test
    void persistentServerErrorsGiveUpAfterTheConfiguredAttempts() {
        sandbox.faults().failNext(1000);
        long started = System.nanoTime();
        ScalingoException error = assertThrows(ScalingoException.class, () -> client.listDomains(app, NO_DEADLINE));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(error.isTransient());
        assertEquals(500, error.status());
        assertEquals(config.retry().maxAttempts(), sandbox.counter("fault.domains.list"));
        assertTrue(took.compareTo(config.retry().maxTotal()) < 0, "bounded by the total retry time, took " + took);
    }

    @Test
    void aReplySlowerThanTheReadTimeoutIsRetried() {
        sandbox.faults().slowNext(1, 3_000);
        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));
        assertEquals(1, sandbox.counter("fault.domains.list"));
        assertEquals(1, sandbox.counter("domains.list"));
    }

    @Test
    void anHtmlErrorPageIsDescribedNotTrusted() {
        sandbox.faults().htmlErrorPages("<html><body><h1>502 Bad Gateway</h1></body></html>").failNext(1000);
        ScalingoException error = assertThrows(ScalingoException.class, () -> client.getApp(app, NO_DEADLINE));
        assertTrue(error.messages().get(0).startsWith("non-JSON reply (text/html"), error.getMessage());
        assertFalse(error.getMessage().contains("<html>"));
    }

    @Test
    void anExpiredBearerIsExchangedOnceMoreAndTheCallRetried() {
        client.listDomains(app, NO_DEADLINE);
        int exchangesBefore = sandbox.counter("auth.exchange");
        sandbox.expireAllBearers();

        assertEquals(List.of(), client.listDomains(app, NO_DEADLINE));

        assertEquals(exchangesBefore + 1, sandbox.counter("auth.exchange"));
        assertEquals(1, sandbox.counter("rejected.401"));
    }

    @Test
    void concurrentCallersShareOneTokenExchange() throws Exception {
        BearerTokens fresh = new BearerTokens(auth, apiToken, config, json, errors, timeouts);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<String>> callers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                callers.add(fresh::authorization);
            }
            Set<String> seen = new java.util.HashSet<>();
            for (Future<String> result : pool.invokeAll(callers)) {
                seen.add(result.get());
            }
            assertEquals(1, seen.size(), "every caller got the same bearer");
            assertEquals(1, sandbox.counter("auth.exchange"), "one exchange for 32 concurrent callers");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBearerIsExchangedAgainWhenFewerThanFiveMinutesAreLeft() {
        sandbox.bearerLifetime(Duration.ofMinutes(30));
        BearerTokens longLived = new BearerTokens(auth, apiToken, config, json, errors, timeouts);
        longLived.authorization();
        longLived.authorization();
        assertEquals(1, sandbox.counter("auth.exchange"), "a bearer with 30 minutes left is reused");

        sandbox.bearerLifetime(Duration.ofMinutes(4));
        BearerTokens shortLived = new BearerTokens(auth, apiToken, config, json, errors, timeouts);
        shortLived.authorization();
        shortLived.authorization();
        assertEquals(3, sandbox.counter("auth.exchange"), "a bearer with under 5 minutes left is exchanged again");
        sandbox.bearerLifetime(Duration.ofHours(1));
    }

    @Test
    void aRefusedApiTokenIsAPermanent401() {
        ApiTokenSource wrong = new ApiTokenSource() {
            @Override
            public String apiToken() {
                return "tk-us-not-a-known-token";
            }

            @Override
            public boolean reloadAfterRefusal() {
                return false;
            }
        };
        ScalingoException error = assertThrows(ScalingoException.class, () -> new BearerTokens(auth, wrong, config, json, errors, timeouts).authorization());
        assertEquals(401, error.status());
        assertTrue(error.isPermanent());
        assertEquals("token exchange", error.operation());
        assertFalse(error.getMessage().contains("tk-us-not-a-known-token"));
    }

    @Test
    void theClientKeepsToItsRateBudgetSoTheSandboxNeverAnswers429() {
        sandbox.rateLimit(10, Duration.ofSeconds(1));
        ScalingoClient paced = new ScalingoClient(appsApi, domainsApi, new BearerTokens(auth, apiToken, config, json, errors, timeouts),
                new RequestPacer(10, Duration.ofSeconds(1), Duration.ofMillis(100)), errors, config, timeouts);
        for (int i = 0; i < 25; i++) {
            paced.listDomains(app, NO_DEADLINE);
        }
        assertEquals(25, sandbox.counter("domains.list"));
        assertEquals(0, sandbox.counter("rejected.429"), "no request went over the sandbox's budget");
    }

    @Test
    void withoutTheBudgetTheSandboxRateLimitAnswers429() {
        sandbox.rateLimit(3, Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            client.listDomains(app, NO_DEADLINE);
        }
        assertThrows(ScalingoException.class, () -> client.listDomains(app, NO_DEADLINE));
        assertTrue(sandbox.counter("rejected.429") >= 1);
    }

    @Test
    void aRequestThatCouldOutliveTheDeadlineIsNotSent() {
        // as configured for tests: 1 s to connect, 1.5 s to read
        assertEquals(Duration.ofMillis(2500), client.longestRequest());
        int listsBefore = sandbox.counter("domains.list");

        ScalingoException tooLate = assertThrows(ScalingoException.class,
                () -> client.listDomains(app, Deadline.after(Duration.ofMillis(2000))));

        assertTrue(tooLate.isNotInTime());
        assertTrue(tooLate.getMessage().contains("less than one request's longest time (2500 ms)"), tooLate.getMessage());
        assertEquals(listsBefore, sandbox.counter("domains.list"), "nothing was sent");
        assertEquals(List.of(), client.listDomains(app, Deadline.after(Duration.ofSeconds(3))), "with the time, it is");
    }

    @Test
    void noRetryIsStartedThatCouldOutliveTheDeadline() {
        client.listDomains(app, NO_DEADLINE); // a bearer in hand
        sandbox.faults().retryAfter(1).rateLimitBurst(3);
        int faultsBefore = sandbox.counter("fault.domains.list");

        // 2.5 s per request: the first attempt fits in 3 s, a retry after the 1 s Retry-After would not
        ScalingoException failure = assertThrows(ScalingoException.class,
                () -> client.listDomains(app, Deadline.after(Duration.ofSeconds(3))));

        assertEquals(429, failure.status(), "the upstream failure, not a timeout of our own");
        assertEquals(faultsBefore + 1, sandbox.counter("fault.domains.list"), "one request, no retry");
    }

    @Test
    void aRetryNotSentInTimeReportsTheLostReplyBeforeIt() {
        sandbox.seedDomain(app, "lost.example.test", java.time.Instant.now(), "created", false);
        String id = client.listDomains(app, NO_DEADLINE).get(0).id();
        // one request per 10 s: the retry's slot comes after the deadline
        ScalingoClient paced = new ScalingoClient(appsApi, domainsApi, new BearerTokens(auth, apiToken, config, json, errors, timeouts),
                new RequestPacer(1, Duration.ofSeconds(10), Duration.ofMillis(100)), errors, config, timeouts);
        sandbox.faults().loseRepliesNext(1);

        ScalingoException failure = assertThrows(ScalingoException.class,
                () -> paced.updateDomain(app, id, DomainChanges.canonical(true), Deadline.after(Duration.ofSeconds(6))));

        assertFalse(failure.isNotInTime(), "not \"not sent\": the first PATCH was sent, its reply lost");
        assertEquals(0, failure.status());
        assertTrue(failure.isTransient(), "a reply lost: unknown, for the caller to settle by looking");
        assertEquals(Boolean.TRUE, sandbox.domainNames(app).get("lost.example.test"), "and it was made");
    }

    @Test
    void aTokenExchangeThatCouldOutliveTheDeadlineIsNotSent() {
        BearerTokens fresh = new BearerTokens(auth, apiToken, config, json, errors, timeouts);
        int exchangesBefore = sandbox.counter("auth.exchange");

        // the exchange's longest time as configured for tests: 1 s to connect, 1.5 s to read
        ScalingoException tooLate = assertThrows(ScalingoException.class,
                () -> fresh.authorization(Deadline.after(Duration.ofSeconds(2))));

        assertTrue(tooLate.isNotInTime());
        assertEquals("token exchange", tooLate.operation());
        assertEquals(exchangesBefore, sandbox.counter("auth.exchange"), "nothing was sent");
        assertTrue(fresh.authorization(Deadline.after(Duration.ofSeconds(3))).startsWith("Bearer "));
    }

    @Test
    void aLostLinkReplyIsNotLinkedTwice() {
        // The sandbox links the domain, then drops the connection before replying: the ambiguous failure.
        sandbox.faults().loseRepliesNext(1);
        Domain linked = client.linkDomain(app, DomainChanges.link("lost-reply.example.test", null, null), NO_DEADLINE);
        assertEquals("lost-reply.example.test", linked.name());
        assertEquals(1, sandbox.counter("domains.link"), "one POST reached the sandbox");
        assertEquals(1, sandbox.counter("domains.list"), "the retry looked before linking again");
        assertEquals(1, client.listDomains(app, NO_DEADLINE).size(), "and found the domain: linked once");
    }

    private static String keyBody(String pem) {
        // A line of base64 from the middle of the key: enough to recognise it anywhere.
        String[] lines = pem.split("\n");
        return lines[lines.length / 2];
    }
}
