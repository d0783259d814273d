package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.sandbox.SandboxRecords.QueuedMessage;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.LogCapture;
import io.domainautomation.testsupport.SqsEvents.Message;
import io.domainautomation.testsupport.SqsEvents;
import io.quarkus.test.junit.QuarkusTest;

/**
 * link-on-signup through the real Lambda path: SQS event JSON posted to the Lambda mock event server, Funqy's SQS
 * handling, the function, the shared client, the sandbox over HTTP, and the dead-letter queue through the real SQS
 * SDK client.
 */
@QuarkusTest
class LinkOnSignupTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LogCapture logs;
    private static final Set<String> bearers = new LinkedHashSet<>();

    @Inject
    SandboxState sandbox;

    @ConfigProperty(name = "dead-letter-queue-url")
    String deadLetterQueue;

    @Inject
    io.domainautomation.logic.cleanup.CleanupLedger ledger;

    private String app;

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterAll
    static void noSecretInLogs() {
        logs.close();
        List<String> secrets = new ArrayList<>(bearers);
        secrets.add("tk-us-test-local-token");
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"outcome\":\"linked\"")), "outcome lines were captured");
        assertEquals(List.of(), logs.linesContainingAny(secrets));
    }

    /** The app's ID, by which a message or a secret's tag may name it as well as by its name. */
    private String appId;

    @BeforeEach
    void freshApp() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "signup-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        appId = sandbox.appId(app).orElseThrow();
        sandbox.clearQueues();
        sandbox.clearCounters();
    }

    @AfterEach
    void rememberBearers() {
        bearers.addAll(sandbox.issuedBearers());
    }

    @Test
    void aNewDomainIsLinkedWithOneListAndOnePost() {
        List<String> failures = invoke(Message.of(SqsEvents.onboarding(app, "www.new-customer.example")));

        assertEquals(List.of(), failures);
        assertEquals(Map.of("www.new-customer.example", false), sandbox.domainNames(app));
        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(0, sandbox.counter("domains.update"));
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"app\":\"" + app + "\"") && l.contains("\"outcome\":\"linked\"")));
    }

    @Test
    void anAlreadyLinkedDomainCostsOneListAndNoPost() {
        sandbox.seedDomain(app, "linked.example", Instant.now(), "created", false);

        assertEquals(List.of(), invoke(Message.of(SqsEvents.onboarding(app, "LINKED.example."))));

        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(0, sandbox.counter("domains.link"));
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"domain\":\"linked.example\"") && l.contains("already-linked")));
    }

    @Test
    void canonicalIsSetByThePostOrByOnePatchWhenAlreadyLinked() {
        invoke(Message.of(body(app, "canon.example", true)));
        assertEquals(Map.of("canon.example", true), sandbox.domainNames(app));
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(0, sandbox.counter("domains.update"), "the POST carried canonical: no PATCH");

        sandbox.seedDomain(app, "second.example", Instant.now(), "created", false);
        sandbox.clearCounters();
        invoke(Message.of(body(app, "second.example", true)));
        assertEquals(Map.of("canon.example", false, "second.example", true), sandbox.domainNames(app));
        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(1, sandbox.counter("domains.update"));

        sandbox.clearCounters();
        invoke(Message.of(body(app, "second.example", true)));
        assertEquals(0, sandbox.counter("domains.update"), "already canonical: nothing to do");
    }

    @Test
    void duplicatesInOneBatchLinkOnceWithoutErrors() {
        String body = SqsEvents.onboarding(app, "dup.example");
        List<String> failures = invoke(Message.of(body), Message.of(body), Message.of(body), Message.of(body));

        assertEquals(List.of(), failures);
        assertEquals(Map.of("dup.example", false), sandbox.domainNames(app));
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(List.of(), sandbox.queue(deadLetterQueue), "no duplicate ended in the dead-letter queue");

        assertEquals(List.of(), invoke(Message.of(body)), "and again in a later batch");
        assertEquals(1, sandbox.counter("domains.link"));
    }

    @Test
    void aMixedBatchFailsExactlyTheTransientRecords() {
        String otherApp = "signup-other-" + UUID.randomUUID().toString().substring(0, 6);
        sandbox.addApp(otherApp);
        sandbox.seedDomain(otherApp, "taken.example", Instant.now(), "created", false);
        String downApp = "signup-down-" + UUID.randomUUID().toString().substring(0, 6);
        sandbox.addApp(downApp);
        sandbox.faults().failApp(downApp);

        Message good = Message.of(SqsEvents.onboarding(app, "good.example"));
        Message malformed = Message.of("{\"app\": \"" + app + "\", \"domain\": ");
        Message taken = Message.of(SqsEvents.onboarding(app, "taken.example"));
        Message unknownApp = Message.of(SqsEvents.onboarding("no-such-app", "x.example"));
        Message badHost = Message.of(SqsEvents.onboarding(app, "https://bad.example/path"));
        Message transientFailure = Message.of(SqsEvents.onboarding(downApp, "later.example"));

        List<String> failures = invoke(good, malformed, taken, unknownApp, badHost, transientFailure);

        assertEquals(List.of(transientFailure.messageId()), failures, "only the transient record comes back");
        assertEquals(Map.of("good.example", false), sandbox.domainNames(app));
        Map<String, QueuedMessage> dead = deadLettersBySourceId();
        assertEquals(Set.of(malformed.messageId(), taken.messageId(), unknownApp.messageId(), badHost.messageId()), dead.keySet());
        assertEquals("message body is not valid JSON", dead.get(malformed.messageId()).attributes().get("failure-reason"));
        assertEquals(malformed.body(), dead.get(malformed.messageId()).body(), "the original body is kept");
        assertTrue(dead.get(taken.messageId()).attributes().get("failure-reason").contains("name has already been taken"));
        assertTrue(dead.get(unknownApp.messageId()).attributes().get("failure-reason").startsWith("unknown app no-such-app"));
        assertEquals("domain must be a bare hostname, without a scheme such as https://",
                dead.get(badHost.messageId()).attributes().get("failure-reason"));
        assertEquals("link-on-signup", dead.get(badHost.messageId()).attributes().get("function"));
    }

    @Test
    void theTwentyDomainLimitIsARejectionWithoutAPost() {
        for (int i = 0; i < 20; i++) {
            sandbox.seedDomain(app, "d" + i + ".full.example", Instant.now(), "created", false);
        }
        Message overLimit = Message.of(SqsEvents.onboarding(app, "one-more.example"));

        assertEquals(List.of(), invoke(overLimit));

        assertEquals(0, sandbox.counter("domains.link"));
        String reason = deadLettersBySourceId().get(overLimit.messageId()).attributes().get("failure-reason");
        assertEquals("the app has 20 custom domains, Scalingo's limit is 20", reason);
    }

    @Test
    void anSnsWrappedBodyIsUnwrapped() {
        ObjectNode sns = JSON.createObjectNode();
        sns.put("Type", "Notification");
        sns.put("MessageId", UUID.randomUUID().toString());
        sns.put("TopicArn", "arn:aws:sns:eu-west-3:000000000000:customer-onboarding");
        sns.put("Message", SqsEvents.onboarding(app, "via-sns.example"));
        sns.put("Timestamp", "2026-11-26T10:00:00.000Z");

        assertEquals(List.of(), invoke(Message.of(sns.toString())));
        assertEquals(Map.of("via-sns.example", false), sandbox.domainNames(app));
    }

    @Test
    void internationalisedAndWildcardNamesAreLinkedInAscii() {
        assertEquals(List.of(), invoke(Message.of(SqsEvents.onboarding(app, "Bücher." + app + ".example")),
                Message.of(SqsEvents.onboarding(app, "*.wild-" + app + ".example"))));
        // "bücher" is "xn--bcher-kva" in punycode (RFC 3492).
        assertEquals(Set.of("xn--bcher-kva." + app + ".example", "*.wild-" + app + ".example"), sandbox.domainNames(app).keySet());
    }

    @Test
    void aMessageThatCannotReachTheDeadLetterQueueIsRetriedNotLost() {
        sandbox.faults().sqsUnavailable(true);
        Message malformed = Message.of("not json at all");

        assertEquals(List.of(malformed.messageId()), invoke(malformed));

        sandbox.faults().sqsUnavailable(false);
        assertEquals(List.of(), invoke(malformed), "on redelivery it reaches the dead-letter queue");
        assertEquals(Set.of(malformed.messageId()), deadLettersBySourceId().keySet());
    }

    @Test
    void underA429StormAnd5xxBurstsEveryMessageEndsLinkedOnceOrComesBack() {
        List<String> apps = List.of(app, app + "-b", app + "-c");
        sandbox.addApp(app + "-b");
        sandbox.addApp(app + "-c");
        sandbox.faults().serverErrorRate(0.3).rateLimitBurst(15).dropRate(0.05);
        List<Message> pending = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pending.add(Message.of(SqsEvents.onboarding(apps.get(i % 3), "storm-" + i + "." + app + ".example")));
        }
        for (int round = 0; round < 12 && !pending.isEmpty(); round++) {
            List<Message> next = new ArrayList<>();
            for (int start = 0; start < pending.size(); start += 10) {
                List<Message> batch = pending.subList(start, Math.min(start + 10, pending.size()));
                Set<String> failed = Set.copyOf(invoke(batch.toArray(Message[]::new)));
                batch.stream().filter(m -> failed.contains(m.messageId())).forEach(next::add);
            }
            pending = next;
        }
        assertEquals(List.of(), pending, "every message got linked within the redeliveries");
        for (String each : apps) {
            assertEquals(10, sandbox.domainNames(each).size(), "each domain linked, once, to its app");
        }
        assertEquals(List.of(), sandbox.queue(deadLetterQueue), "no transient failure was taken for a permanent one");
        assertTrue(sandbox.counter("fault.domains.list") + sandbox.counter("fault.domains.link") > 0, "faults were injected");
    }

    /** The app is one identity: a message may name it by ID and the secret's tag by name, or the reverse. */
    @Test
    void aSecretTaggedWithTheAppsIdServesAMessageNamingItByNameAndTheReverse() {
        String byName = "byname." + app + ".example";
        String byId = "byid." + app + ".example";
        for (String[] pair : new String[][] { { byName, appId, app }, { byId, app, appId } }) {
            String domain = pair[0];
            var keys = io.domainautomation.testsupport.TestCertificates.rsa(2048);
            var issued = io.domainautomation.testsupport.TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain),
                    Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
            ObjectNode secret = JSON.createObjectNode();
            secret.put("certificate", issued.certificatePem());
            secret.put("privateKey", issued.privateKeyPem());
            sandbox.putSecret("certs/" + domain, secret.toString(), Map.of("scalingo:app", pair[1]));
            ObjectNode body = JSON.createObjectNode();
            body.put("app", pair[2]);
            body.put("domain", domain);
            body.put("tlsSecretId", "certs/" + domain);
            assertEquals(List.of(), invoke(Message.of(body.toString())), domain);
            assertEquals(java.util.Optional.of("/CN=" + domain), sandbox.certificateSubject(app, domain),
                    "tag " + pair[1] + ", message " + pair[2]);
        }
    }

    @Test
    void aCertificateFromSecretsManagerIsAttachedAtLinkTime() {
        var keys = io.domainautomation.testsupport.TestCertificates.rsa(2048);
        String domain = "tls." + app + ".example";
        var issued = io.domainautomation.testsupport.TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode secret = JSON.createObjectNode();
        secret.put("certificate", issued.certificatePem());
        secret.put("privateKey", issued.privateKeyPem());
        sandbox.putSecret("certs/" + app, secret.toString(), Map.of("scalingo:app", app));
        ObjectNode body = JSON.createObjectNode();
        body.put("app", app);
        body.put("domain", domain);
        body.put("tlsSecretId", "certs/" + app);

        assertEquals(List.of(), invoke(Message.of(body.toString())));
        assertEquals(java.util.Optional.of("/CN=" + domain), sandbox.certificateSubject(app, domain));
        assertEquals(1, sandbox.counter("domains.link"), "the POST carried the certificate");
        assertEquals(0, sandbox.counter("domains.update"));

        sandbox.clearCounters();
        assertEquals(List.of(), invoke(Message.of(body.toString())));
        assertEquals(0, sandbox.counter("domains.update"), "redelivered: the domain carries it already");

        Message wrongHost = Message.of(body.put("domain", "other." + app + ".example").toString());
        Message missing = Message.of(body.put("tlsSecretId", "certs/nothing-here").toString());
        assertEquals(List.of(), invoke(wrongHost, missing));
        Map<String, QueuedMessage> dead = deadLettersBySourceId();
        assertTrue(dead.get(wrongHost.messageId()).attributes().get("failure-reason").startsWith("certificate check wrong-host failed"));
        assertEquals("tlsSecretId", dead.get(wrongHost.messageId()).attributes().get("failed-field"));
        assertEquals("secret certs/nothing-here: ResourceNotFoundException",
                dead.get(missing.messageId()).attributes().get("failure-reason"));
        assertEquals(Map.of(domain, false), sandbox.domainNames(app), "nothing linked without its certificate");

        // Only the app's own certificate secrets: not another customer's, not an untagged one (the API token's)
        sandbox.putSecret("certs/someone-else", secret.toString(), Map.of("scalingo:app", "someone-else"));
        sandbox.putSecret("scalingo/token-like", secret.toString(), Map.of());
        sandbox.putSecret("certs/" + app + "-untagged", secret.toString(), Map.of());
        Message foreign = Message.of(body.put("domain", domain).put("tlsSecretId", "certs/someone-else").toString());
        Message untagged = Message.of(body.put("tlsSecretId", "certs/" + app + "-untagged").toString());
        Message outside = Message.of(body.put("tlsSecretId", "scalingo/token-like").toString());
        sandbox.putSecret("certs/" + app + "-locked", secret.toString(), Map.of("scalingo:app", app, "sandbox:access", "denied"));
        Message locked = Message.of(body.put("tlsSecretId", "certs/" + app + "-locked").toString());
        sandbox.clearCounters();
        assertEquals(List.of(), invoke(foreign, untagged, outside, locked), "a role that may not read the secret: not retried");
        assertEquals("configuration: the role may not read secret certs/" + app + "-locked (AccessDeniedException)",
                deadLettersBySourceId().get(locked.messageId()).attributes().get("failure-reason"));
        assertEquals(0, sandbox.counter("secretsmanager.GetSecretValue"), "neither secret's value was read");
        dead = deadLettersBySourceId();
        assertEquals("secret certs/someone-else is not a certificate secret of app " + app + " (" + appId
                + "): its scalingo:app tag is \"someone-else\"", dead.get(foreign.messageId()).attributes().get("failure-reason"));
        assertEquals("secret certs/" + app + "-untagged is not a certificate secret of app " + app
                + ": its scalingo:app tag is missing", dead.get(untagged.messageId()).attributes().get("failure-reason"));
        // Outside the certificate prefix: refused before any call (the role could not even describe it).
        assertEquals("secret scalingo/token-like is not a certificate secret: its name does not start with certs/",
                dead.get(outside.messageId()).attributes().get("failure-reason"));
        assertEquals(3, sandbox.counter("secretsmanager.DescribeSecret"), "the three under the prefix were described, not the fourth");

        // A secret scheduled for deletion is no certificate to attach, and the reason says so
        sandbox.putSecret("certs/" + app + "-leaving", secret.toString(), Map.of("scalingo:app", app));
        sandbox.deleteSecret("certs/" + app + "-leaving", false);
        Message leaving = Message.of(body.put("tlsSecretId", "certs/" + app + "-leaving").toString());
        assertEquals(List.of(), invoke(leaving));
        assertEquals("secret certs/" + app + "-leaving is scheduled for deletion: restore it (RestoreSecret) or name another",
                deadLettersBySourceId().get(leaving.messageId()).attributes().get("failure-reason"));
    }

    /** The tombstone as an operator reads it (the test itself is no function, so the sandbox's IAM knows it so). */
    private java.util.Optional<io.domainautomation.logic.cleanup.Tombstone> tombstone(String domain) {
        try (io.domainautomation.aws.LocalCredentials.Scope operator = io.domainautomation.aws.LocalCredentials.callerIs(
                io.domainautomation.aws.LocalCredentials.OPERATOR)) {
            return ledger.tombstone(app, domain);
        }
    }

    private String unlink(String domain) {
        return "{\"action\":\"unlink\",\"app\":\"" + app + "\",\"domain\":\"" + domain + "\",\"requestId\":\"churn-1\"}";
    }

    @Test
    void anOffboardingMessageUnlinksACanonicalDomainWithItsTombstoneAndAnnouncesIt() throws Exception {
        sandbox.seedDomain(app, "leaving.example", Instant.now().minus(Duration.ofDays(30)), "created", true);
        sandbox.clearEvents();

        assertEquals(List.of(), invoke(Message.of(unlink("leaving.example"))));

        assertEquals(Map.of(), sandbox.domainNames(app));
        assertEquals(1, sandbox.counter("domains.update"), "made non-canonical first");
        assertEquals(1, sandbox.counter("domains.unlink"));
        io.domainautomation.logic.cleanup.Tombstone tombstone = tombstone("leaving.example").orElseThrow();
        assertTrue(tombstone.offboarding() && tombstone.canonical(), tombstone.toString());
        assertTrue(!tombstone.removalMayBeUnannounced(), "announced, and the tombstone says so");
        // each checked against infra/events/domain-removed.schema.json
        List<JsonNode> removed = io.domainautomation.testsupport.PublishedEvents.of(sandbox, "Domain Removed");
        assertEquals(1, removed.size());
        assertEquals(true, removed.get(0).at("/restore/canonical").asBoolean(), "restorable as canonical");
        assertEquals("offboarding", removed.get(0).get("reason").asText());
        assertEquals("churn-1", removed.get(0).at("/correlation/requestId").asText());

        assertEquals(List.of(), invoke(Message.of(unlink("leaving.example"))), "a duplicate is a success");
        assertEquals(1, sandbox.counter("domains.unlink"));
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"app\":\"" + app + "\"")
                && l.contains("\"outcome\":\"already-unlinked\"")));
    }

    @Test
    void aDomainScalingoWillNotUnlinkIsRejectedAndItsTombstoneDropped() {
        sandbox.seedDomain(app, "stuck.example", Instant.now().minus(Duration.ofDays(30)), "created", false);
        sandbox.faults().answerNext("domains.unlink", 404);
        Message message = Message.of(unlink("stuck.example"));

        assertEquals(List.of(), invoke(message), "rejected into the dead-letter queue, not retried");

        assertEquals(Map.of("stuck.example", false), sandbox.domainNames(app));
        // dropped through the real ledger, as link-on-signup's role is allowed to (DeleteItem): it is still linked
        assertTrue(tombstone("stuck.example").isEmpty(), "no tombstone for a domain still there");
        assertTrue(deadLettersBySourceId().get(message.messageId()).attributes().get("failure-reason")
                .contains("Scalingo refuses to unlink stuck.example"));
    }

    private List<String> invoke(Message... messages) {
        JsonNode root = LambdaPath.invoke(SqsEvents.event(List.of(messages)));
        assertTrue(root.has("batchItemFailures"), "a partial batch response: " + root);
        List<String> ids = new ArrayList<>();
        root.path("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    private Map<String, QueuedMessage> deadLettersBySourceId() {
        Map<String, QueuedMessage> bySource = new HashMap<>();
        sandbox.queue(deadLetterQueue).forEach(m -> bySource.put(m.attributes().get("source-message-id"), m));
        return bySource;
    }

    private static String body(String app, String domain, boolean canonical) {
        ObjectNode body = JSON.createObjectNode();
        body.put("app", app);
        body.put("domain", domain);
        body.put("canonical", canonical);
        return body.toString();
    }
}
