package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.LogCapture;
import io.domainautomation.testsupport.TestCertificates.Issued;
import io.domainautomation.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * rotate-cert-from-secrets-manager through the Lambda path, against the sandbox's Scalingo API and its Secrets
 * Manager endpoint (read by the real AWS SDK), with certificates made at test time.
 */
@QuarkusTest
@TestProfile(RotateCertFromSecretsManagerTest.Export.class)
class RotateCertFromSecretsManagerTest {

    public static class Export implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "rotate-cert-from-secrets-manager");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now();
    private static LogCapture logs;
    private static final List<String> keyLines = new ArrayList<>();
    private static KeyPair keys;

    @Inject
    SandboxState sandbox;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    SecretsManagerClient secretsManager;

    private final ByteArrayOutputStream metricLines = new ByteArrayOutputStream();
    private String app;

    @BeforeAll
    static void setUpOnce() {
        logs = LogCapture.start();
        keys = TestCertificates.rsa(2048);
    }

    @AfterAll
    static void noPrivateKeyAnywhere() {
        logs.close();
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"function\":\"rotate-cert-from-secrets-manager\"")));
        assertEquals(List.of(), logs.linesContainingAny(keyLines), "no line of any private key in any log line");
    }

    @BeforeEach
    void fresh() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        sandbox.clearSecrets();
        app = "rot-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.seedDomain(app, "www." + app + ".example", Instant.now(), "created", false);
        sandbox.clearCounters();
        metrics.redirect(new PrintStream(metricLines, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreMetrics() {
        metrics.redirect(System.out);
    }

    @Test
    void aChangedCertificateIsUploadedAndAnUnchangedOneCostsOneRead() {
        Issued cert = issue("www." + app + ".example");
        putSecret("certs/" + app, cert, Map.of("scalingo:domains", "www." + app + ".example"));

        JsonNode first = invoke("{\"secretId\":\"certs/" + app + "\"}");
        JsonNode entry = only(first);
        assertEquals("rotated", entry.get("outcome").asText(), first.toString());
        assertEquals("/CN=www." + app + ".example", entry.get("certificate").get("subject").asText());
        assertEquals(64 + 31, entry.get("certificate").get("sha256").asText().length());
        assertEquals(Optional.of("/CN=www." + app + ".example"), sandbox.certificateSubject(app, "www." + app + ".example"));
        assertEquals(1, sandbox.counter("domains.update"));
        assertTrue(entry.get("daysToExpiry").asLong() >= 88, entry.toString());
        assertTrue(metricLines.toString().contains("\"CertificateDaysToExpiry\""), metricLines.toString());

        sandbox.clearCounters();
        JsonNode second = invoke("{\"secretId\":\"certs/" + app + "\"}");
        assertEquals("unchanged", only(second).get("outcome").asText());
        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(0, sandbox.counter("domains.update"));
        assertFalse(second.toString().contains("PRIVATE KEY"));
    }

    @Test
    void aReKeyWithTheSameSubjectExpiryAndKeySizeIsUploadedOnceThenUnchanged() {
        String domain = "www." + app + ".example";
        Instant notBefore = NOW.minus(Duration.ofDays(1));
        Issued original = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), notBefore, Duration.ofDays(90));
        putSecret("certs/" + app, original, Map.of());
        assertEquals("rotated", only(invoke("{\"secretId\":\"certs/" + app + "\"}")).get("outcome").asText());

        // the key was compromised: the CA re-issues with a new key, same subject, same expiry, same key type and size
        Issued rekeyed = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=" + domain, List.of(domain), notBefore,
                Duration.ofDays(90));
        putSecret("certs/" + app, rekeyed, Map.of());
        sandbox.clearCounters();
        JsonNode rekey = only(invoke("{\"secretId\":\"certs/" + app + "\"}"));
        assertEquals("rotated", rekey.get("outcome").asText(), rekey.toString());
        assertTrue(rekey.get("reason").asText().contains("another certificate than the one deployed"), rekey.toString());
        assertEquals(1, sandbox.counter("domains.update"));

        sandbox.clearCounters();
        JsonNode after = only(invoke("{\"secretId\":\"certs/" + app + "\"}"));
        assertEquals("unchanged", after.get("outcome").asText(), after.toString());
        assertEquals(rekey.get("certificate").get("sha256").asText(), after.get("certificate").get("sha256").asText());
        assertEquals(0, sandbox.counter("domains.update"));
    }

    @Test
    void aCertificateChangedByHandOnTheDomainIsPutBack() {
        String domain = "www." + app + ".example";
        putSecret("certs/" + app, issue(domain), Map.of());
        assertEquals("rotated", only(invoke("{\"secretId\":\"certs/" + app + "\"}")).get("outcome").asText());
        sandbox.certificateChangedByHand(app, domain, "/CN=someone-else.example", NOW.plus(Duration.ofDays(30)), "RSA private key - 4096 bytes");

        sandbox.clearCounters();
        JsonNode restored = only(invoke("{\"scope\":\"all\"}"));
        assertEquals("rotated", restored.get("outcome").asText(), restored.toString());
        assertTrue(restored.get("reason").asText().contains("changed since it was deployed"), restored.toString());
        assertEquals(Optional.of("/CN=" + domain), sandbox.certificateSubject(app, domain));
        assertEquals(1, sandbox.counter("domains.update"));
    }

    @Test
    void twoSecretsClaimingOneDomainHaveOneStableWinner() {
        String domain = "www." + app + ".example";
        Issued older = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), NOW.minus(Duration.ofDays(30)), Duration.ofDays(60));
        Issued newer = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
        putSecret("certs/" + app + "-old", older, Map.of());
        putSecret("certs/" + app + "-new", newer, Map.of());

        JsonNode first = invoke("{\"scope\":\"all\"}");
        assertEquals(Map.of("rotated", 1, "conflict", 1), totals(first), first.toString());
        JsonNode conflict = entry(first, "conflict");
        assertEquals("certs/" + app + "-old", conflict.get("secret").asText());
        assertTrue(conflict.get("reason").asText().startsWith("certs/" + app + "-new also claims this domain and wins: its certificate expires last"),
                conflict.toString());
        assertEquals("certs/" + app + "-new", entry(first, "rotated").get("secret").asText());
        assertTrue(metricLines.toString().contains("\"RotationConflicts\":1.0"), metricLines.toString());

        for (int run = 0; run < 2; run++) {
            sandbox.clearCounters();
            JsonNode again = invoke("{\"scope\":\"all\"}");
            assertEquals(Map.of("unchanged", 1, "conflict", 1), totals(again), again.toString());
            assertEquals(0, sandbox.counter("domains.update"), "nothing changed, nothing uploaded");
        }

        // The old secret names the domain in its scalingo:domains tag: an explicit claim beats a later expiry
        putSecret("certs/" + app + "-old", older, Map.of("scalingo:domains", domain));
        JsonNode explicit = invoke("{\"scope\":\"all\"}");
        assertEquals("certs/" + app + "-old", entry(explicit, "rotated").get("secret").asText(), explicit.toString());
        assertTrue(entry(explicit, "conflict").get("reason").asText().endsWith("its scalingo:domains tag names the domain"));
    }

    @Test
    void theNativeSecretLabelUpdatedEventRotatesItsSecret() {
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());
        String arn = sandbox.secretArn("certs/" + app).orElseThrow();
        JsonNode report = invoke("""
                {"version":"0","id":"%s","detail-type":"Secret Label Updated","source":"aws.secretsmanager",
                 "account":"000000000000","time":"2026-11-26T10:00:00Z","region":"eu-west-3","resources":["%s"],
                 "detail":{"name":"certs/%s","labelUpdated":"AWSCURRENT","versionId":"v-1"}}""".formatted(UUID.randomUUID(), arn, app));
        assertEquals("secret-label-updated:v-1", report.get("trigger").asText());
        assertEquals("rotated", only(report).get("outcome").asText(), report.toString());
    }

    /** What a local user does with the AWS CLI, through the real AWS SDK against the sandbox's Secrets Manager. */
    @Test
    void aNewVersionPutThroughSecretsManagerIsRotatedWhenItBecomesCurrent() {
        String domain = "www." + app + ".example";
        String name = "certs/" + app + "-api";
        Issued first = issue(domain);
        Issued next = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=" + domain, List.of(domain),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
        keyLines.add(first.privateKeyPem().split("\n")[3]);
        keyLines.add(next.privateKeyPem().split("\n")[3]);
        // The test's own calls to Secrets Manager, as an operator (the sandbox enforces the functions' IAM only).
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            secretsManager.createSecret(r -> r.name(name).secretString(first.secretString())
                    .tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("scalingo:app").value(app).build()));
            assertEquals("rotated", only(invoke("{\"secretId\":\"" + name + "\"}")).get("outcome").asText());

            String pending = secretsManager.putSecretValue(r -> r.secretId(name).secretString(next.secretString())
                    .versionStages("AWSPENDING")).versionId();
            assertEquals("unchanged", only(invoke("{\"secretId\":\"" + name + "\"}")).get("outcome").asText(),
                    "a pending version is not deployed");

            String current = currentVersion(name);
            secretsManager.updateSecretVersionStage(r -> r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(pending)
                    .removeFromVersionId(current));
            String arn = secretsManager.describeSecret(r -> r.secretId(name)).arn();
            JsonNode report = invoke("""
                    {"version":"0","id":"%s","detail-type":"Secret Label Updated","source":"aws.secretsmanager",
                     "account":"000000000000","time":"2026-11-26T10:00:00Z","region":"eu-west-3","resources":["%s"],
                     "detail":{"name":"%s","labelUpdated":"AWSCURRENT","versionId":"%s"}}""".formatted(UUID.randomUUID(), arn, name, pending));
            JsonNode rotated = only(report);
            assertEquals("rotated", rotated.get("outcome").asText(), report.toString());
            assertTrue(rotated.get("reason").asText().contains("another certificate than the one deployed"), rotated.toString());
            assertEquals(List.of("AWSPREVIOUS"), secretsManager.describeSecret(r -> r.secretId(name)).versionIdsToStages().entrySet()
                    .stream().filter(e -> !e.getKey().equals(pending)).map(e -> e.getValue().get(0)).toList());
        }
    }

    /**
     * Through the real AWS SDK: a secret scheduled for deletion declares nothing (its domain goes to the runner-up), a
     * late event naming it reports it unmanaged and uploads nothing; restored, it wins again; its AWSCURRENT moved
     * back to the previous version is that version's certificate, uploaded once.
     */
    @Test
    void aSecretScheduledForDeletionDeclaresNothingUntilRestoredAndARollbackIsUploadedOnce() {
        String domain = "www." + app + ".example";
        String name = "certs/" + app + "-main";
        Issued main = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
        Issued runnerUp = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), NOW.minus(Duration.ofDays(1)), Duration.ofDays(60));
        Issued renewed = TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), NOW.minus(Duration.ofDays(1)), Duration.ofDays(80));
        putSecret("certs/" + app + "-spare", runnerUp, Map.of());
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            secretsManager.createSecret(r -> r.name(name).secretString(main.secretString())
                    .tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("scalingo:app").value(app).build()));
            keyLines.add(main.privateKeyPem().split("\n")[3]);
            assertEquals(name, entry(invoke("{\"scope\":\"all\"}"), "rotated").get("secret").asText());

            secretsManager.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(7L));
            assertTrue(secretsManager.describeSecret(r -> r.secretId(name)).deletedDate() != null);
            metricLines.reset();
            JsonNode deleted = invoke(cloudTrail("DeleteSecret", name));
            assertEquals("scheduled-for-deletion", entry(deleted, "unchanged").get("check").asText(), deleted.toString());
            assertEquals("certs/" + app + "-spare", entry(deleted, "rotated").get("secret").asText(),
                    "its app settled among its other secrets at once: the runner-up's certificate is uploaded");
            assertTrue(metricLines.toString().contains("\"RotationProblems\":0.0"), "a deliberate deletion is no problem");
            JsonNode daily = invoke("{\"scope\":\"all\"}");
            assertEquals(Map.of("unchanged", 1), totals(daily), daily.toString());

            secretsManager.restoreSecret(r -> r.secretId(name));
            JsonNode restored = invoke("{\"scope\":\"all\"}");
            assertEquals(name, entry(restored, "rotated").get("secret").asText(), restored.toString());

            secretsManager.putSecretValue(r -> r.secretId(name).secretString(renewed.secretString()));
            assertEquals(name, entry(invoke("{\"scope\":\"all\"}"), "rotated").get("secret").asText());
            String previous = secretsManager.describeSecret(r -> r.secretId(name)).versionIdsToStages().entrySet().stream()
                    .filter(e -> e.getValue().contains("AWSPREVIOUS")).map(Map.Entry::getKey).findFirst().orElseThrow();
            String renewedVersion = currentVersion(name);
            secretsManager.updateSecretVersionStage(r -> r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(previous)
                    .removeFromVersionId(renewedVersion));
            sandbox.clearCounters();
            JsonNode rolledBack = invoke("{\"scope\":\"all\"}");
            assertEquals(name, entry(rolledBack, "rotated").get("secret").asText(), rolledBack.toString());
            assertEquals(1, sandbox.counter("domains.update"), "the rolled-back certificate is uploaded once");
            sandbox.clearCounters();
            assertEquals(Map.of("unchanged", 1, "conflict", 1), totals(invoke("{\"scope\":\"all\"}")));
            assertEquals(0, sandbox.counter("domains.update"));
        }
    }

    @Test
    void aSecretChangeEventTouchesOnlyItsSecret() {
        String otherApp = app + "-other";
        sandbox.addApp(otherApp);
        sandbox.seedDomain(otherApp, "www." + otherApp + ".example", Instant.now(), "created", false);
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());
        putSecret("certs/" + otherApp, issue("www." + otherApp + ".example"), Map.of(), otherApp);

        JsonNode report = invoke(cloudTrail("PutSecretValue", "certs/" + app));

        assertEquals("secret-change:PutSecretValue", report.get("trigger").asText());
        assertEquals("rotated", only(report).get("outcome").asText());
        assertEquals(Optional.empty(), sandbox.certificateSubject(otherApp, "www." + otherApp + ".example"),
                "the other secret's domain is untouched");
        assertEquals(1, sandbox.counter("secretsmanager.GetSecretValue"));
    }

    @Test
    void aDryRunReportsAndChangesNothing() {
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());
        JsonNode report = invoke("{\"scope\":\"all\",\"dryRun\":true}");
        assertTrue(report.get("dryRun").asBoolean());
        assertEquals("would-rotate", only(report).get("outcome").asText());
        assertEquals(0, sandbox.counter("domains.update"));
        assertEquals(Optional.empty(), sandbox.certificateSubject(app, "www." + app + ".example"));
    }

    @Test
    void badSecretsAreRejectedWithTheirCheckAndNeverStopTheOthers() {
        String domain = "www." + app + ".example";
        Issued good = issue(domain);
        putSecret("certs/a-good", good, Map.of());
        putSecret("certs/expired", TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain),
                NOW.minus(Duration.ofDays(100)), Duration.ofDays(90)), Map.of("scalingo:domains", domain));
        putSecret("certs/future", TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain),
                NOW.plus(Duration.ofDays(3)), Duration.ofDays(90)), Map.of("scalingo:domains", domain));
        putSecret("certs/soon", TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain),
                NOW.minus(Duration.ofDays(87)), Duration.ofDays(90)), Map.of("scalingo:domains", domain));
        putSecret("certs/wrong-host", issue("elsewhere.example"), Map.of("scalingo:domains", domain));
        putRaw("certs/mismatch", good.certificatePem(), TestCertificates.pkcs8(TestCertificates.rsa(2048).getPrivate()),
                Map.of("scalingo:domains", domain));
        putRaw("certs/garbage", "not a certificate", "not a key", Map.of("scalingo:domains", domain));
        Issued weak = TestCertificates.selfSigned(TestCertificates.rsa(1024), "CN=" + domain, List.of(domain),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
        putSecret("certs/weak", weak, Map.of("scalingo:domains", domain));
        sandbox.putSecret("certs/not-json", "just text", Map.of("scalingo:app", app));

        JsonNode report = invoke("{\"scope\":\"all\"}");

        Map<String, JsonNode> bySecret = new HashMap<>();
        report.get("entries").forEach(e -> bySecret.put(e.get("secret").asText(), e));
        assertEquals("rotated", bySecret.get("certs/a-good").get("outcome").asText());
        assertEquals("expired", bySecret.get("certs/expired").get("check").asText());
        assertEquals("not-yet-valid", bySecret.get("certs/future").get("check").asText());
        assertEquals("expires-soon", bySecret.get("certs/soon").get("check").asText());
        assertEquals("wrong-host", bySecret.get("certs/wrong-host").get("check").asText());
        assertEquals("key-mismatch", bySecret.get("certs/mismatch").get("check").asText());
        assertEquals("unreadable-certificate", bySecret.get("certs/garbage").get("check").asText());
        assertEquals("weak-key", bySecret.get("certs/weak").get("check").asText());
        assertEquals("secret-format", bySecret.get("certs/not-json").get("check").asText());
        bySecret.values().stream().filter(e -> !e.get("secret").asText().equals("certs/a-good"))
                .forEach(e -> assertEquals("rejected", e.get("outcome").asText(), e.toString()));
        assertEquals(1, sandbox.counter("domains.update"), "only the good certificate was uploaded");
        assertEquals(Optional.of("/CN=" + domain), sandbox.certificateSubject(app, domain));
        assertTrue(metricLines.toString().contains("\"RotationProblems\":8.0"), metricLines.toString());
    }

    @Test
    void aWildcardCertificateServesTheDomainsItCovers() {
        sandbox.seedDomain(app, "shop." + app + ".example", Instant.now(), "created", false);
        sandbox.seedDomain(app, app + ".example", Instant.now(), "created", false);
        Issued wildcard = TestCertificates.selfSigned(keys, "CN=*." + app + ".example", List.of("*." + app + ".example"),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
        putSecret("certs/" + app, wildcard, Map.of());

        JsonNode report = invoke("{\"secretId\":\"certs/" + app + "\"}");

        assertEquals(2, report.get("entries").size(), report.toString());
        assertTrue(sandbox.certificateSubject(app, "www." + app + ".example").isPresent());
        assertTrue(sandbox.certificateSubject(app, "shop." + app + ".example").isPresent());
        assertEquals(Optional.empty(), sandbox.certificateSubject(app, app + ".example"), "the apex is not covered");
    }

    @Test
    void aDeclaredDomainThatIsNotLinkedIsReportedNotCreated() {
        putSecret("certs/" + app, issue("new." + app + ".example"), Map.of("scalingo:domains", "new." + app + ".example"));
        assertEquals("not-linked", only(invoke("{\"secretId\":\"certs/" + app + "\"}")).get("outcome").asText());
        assertEquals(0, sandbox.counter("domains.link"));
    }

    @Test
    void manualInvocationByAppAndDomain() {
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());
        JsonNode report = invoke("{\"app\":\"" + app + "\",\"domain\":\"www." + app + ".example\"}");
        assertEquals("rotated", only(report).get("outcome").asText());
    }

    @Test
    void transientScalingoFailuresAreRetriedOrReportedFailed() {
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());
        sandbox.faults().failNext(2).rateLimitBurst(1);
        assertEquals("rotated", only(invoke("{\"secretId\":\"certs/" + app + "\"}")).get("outcome").asText(),
                "retried within the client's bounds");

        putSecret("certs/" + app, TestCertificates.selfSigned(keys, "CN=www." + app + ".example",
                List.of("www." + app + ".example"), NOW.minus(Duration.ofDays(2)), Duration.ofDays(60)), Map.of());
        sandbox.faults().failApp(app);
        JsonNode failed = only(invoke("{\"secretId\":\"certs/" + app + "\"}"));
        assertEquals("failed", failed.get("outcome").asText());
        assertTrue(failed.get("reason").asText().contains("HTTP 503"), failed.toString());
    }

    @Test
    void secretsManagerErrorsAreReportedPerSecret() {
        sandbox.putSecret("certs/locked", "{}", Map.of("scalingo:app", app, "sandbox:access", "denied"));
        putSecret("certs/" + app, issue("www." + app + ".example"), Map.of());

        JsonNode all = invoke("{\"scope\":\"all\"}");
        Map<String, JsonNode> bySecret = new HashMap<>();
        all.get("entries").forEach(e -> bySecret.put(e.get("secret").asText(), e));
        assertEquals("Secrets Manager: AccessDeniedException", bySecret.get("certs/locked").get("reason").asText());
        assertEquals("rejected", bySecret.get("certs/locked").get("outcome").asText(),
                "access denied needs someone to fix the permissions: another run cannot help");
        assertEquals("configuration", bySecret.get("certs/locked").get("check").asText(), "the same policy as link-on-signup");
        assertTrue(metricLines.toString().contains("\"ConfigurationErrors\":1.0"), metricLines.toString());
        assertEquals("rotated", bySecret.get("certs/" + app).get("outcome").asText());

        JsonNode missing = only(invoke("{\"secretId\":\"certs/does-not-exist\"}"));
        assertEquals("Secrets Manager: ResourceNotFoundException", missing.get("reason").asText());
        assertEquals("rejected", missing.get("outcome").asText());
        assertEquals("secrets-manager", missing.get("check").asText());
    }

    @Test
    void anUnrecognisedTriggerIsRejected() {
        JsonNode report = invoke("{\"hello\":\"world\"}");
        assertEquals("rejected", only(report).get("outcome").asText());
        assertEquals("trigger", only(report).get("check").asText());
    }

    private String currentVersion(String name) {
        return secretsManager.describeSecret(r -> r.secretId(name)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private Issued issue(String... names) {
        return TestCertificates.selfSigned(keys, "CN=" + names[0], List.of(names), NOW.minus(Duration.ofDays(1)), Duration.ofDays(90));
    }

    private void putSecret(String name, Issued issued, Map<String, String> extraTags) {
        putSecret(name, issued, extraTags, app);
    }

    private void putSecret(String name, Issued issued, Map<String, String> extraTags, String forApp) {
        Map<String, String> tags = new HashMap<>(extraTags);
        tags.put("scalingo:app", forApp);
        putRawTags(name, issued.certificatePem(), issued.privateKeyPem(), tags);
    }

    private void putRaw(String name, String certificate, String key, Map<String, String> extraTags) {
        Map<String, String> tags = new HashMap<>(extraTags);
        tags.put("scalingo:app", app);
        putRawTags(name, certificate, key, tags);
    }

    private void putRawTags(String name, String certificate, String key, Map<String, String> tags) {
        String[] lines = key.split("\n");
        if (lines.length > 2) {
            keyLines.add(lines[lines.length / 2]);
        }
        ObjectNode secret = JSON.createObjectNode();
        secret.put("certificate", certificate);
        secret.put("privateKey", key);
        sandbox.putSecret(name, secret.toString(), tags);
    }

    private static String cloudTrail(String eventName, String secretId) {
        return """
                {"version":"0","id":"%s","detail-type":"AWS API Call via CloudTrail","source":"aws.secretsmanager",
                 "account":"000000000000","time":"2026-11-26T10:00:00Z","region":"eu-west-3","resources":[],
                 "detail":{"eventVersion":"1.08","eventSource":"secretsmanager.amazonaws.com","eventName":"%s",
                   "awsRegion":"eu-west-3","requestParameters":{"secretId":"%s"},"responseElements":null,
                   "eventType":"AwsApiCall"}}
                """.formatted(UUID.randomUUID(), eventName, secretId);
    }

    private static Map<String, Integer> totals(JsonNode report) {
        Map<String, Integer> totals = new HashMap<>();
        report.get("entries").forEach(e -> totals.merge(e.get("outcome").asText(), 1, Integer::sum));
        return totals;
    }

    private static JsonNode entry(JsonNode report, String outcome) {
        for (JsonNode entry : report.get("entries")) {
            if (outcome.equals(entry.get("outcome").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no " + outcome + " entry in " + report);
    }

    private static JsonNode only(JsonNode report) {
        assertEquals(1, report.get("entries").size(), report.toString());
        return report.get("entries").get(0);
    }

    private static JsonNode invoke(String event) {
        return LambdaPath.invoke(event);
    }
}
