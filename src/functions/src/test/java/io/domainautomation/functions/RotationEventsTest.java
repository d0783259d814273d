package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.aws.EventPublisher;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.PublishedEvents;
import io.domainautomation.testsupport.TestCertificates.Issued;
import io.domainautomation.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The rotation's events through the Lambda path, against the sandbox (Scalingo, Secrets Manager, EventBridge) and the
 * ledger in dynalite: each rotation announced, each state (rejected, conflict, expiring) once per change; every
 * detail validated against its schema.
 */
@QuarkusTest
@TestProfile(RotateCertFromSecretsManagerTest.Export.class)
class RotationEventsTest {

    private static KeyPair keys;

    @Inject
    SandboxState sandbox;

    private String app;
    private String domain;

    @BeforeAll
    static void keys() {
        keys = TestCertificates.rsa(2048);
    }

    @BeforeEach
    void fresh() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        sandbox.clearSecrets();
        app = "rotev-" + UUID.randomUUID().toString().substring(0, 8);
        domain = "www." + app + ".example";
        sandbox.addApp(app);
        sandbox.seedDomain(app, domain, Instant.now(), "created", false);
        sandbox.clearEvents();
    }

    @Test
    void aRotationIsAnnouncedThenTheCertificateExpiringOncePerThreshold() {
        sandbox.certificateChangedByHand(app, domain, "/CN=" + domain, Instant.now().plus(Duration.ofDays(3)), "RSA private key - 2048 bytes");
        Issued shortLived = certificate(Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(11));
        put("certs/" + app, shortLived, Map.of());

        JsonNode first = LambdaPath.invoke(secretTrigger());
        JsonNode rotated = PublishedEvents.only(sandbox, "Certificate Rotated");
        assertEquals(domain, rotated.get("domain").asText());
        assertEquals(first.at("/entries/0/certificate/sha256").asText(), rotated.at("/certificate/sha256").asText());
        assertEquals("certs/" + app, rotated.get("secret").asText());
        assertEquals(List.of(), PublishedEvents.of(sandbox, "Certificate Expiring"),
                "the certificate this run replaced (3 days left) is not announced expiring");

        for (int run = 0; run < 3; run++) {
            LambdaPath.invoke(secretTrigger());
        }
        JsonNode expiring = PublishedEvents.only(sandbox, "Certificate Expiring");
        assertEquals(14, expiring.get("threshold").asInt(), expiring.toString());
        assertEquals(9, expiring.get("daysLeft").asInt());
        assertEquals(1, PublishedEvents.of(sandbox, "Certificate Rotated").size(), "uploaded once");
    }

    @Test
    void aRejectedCertificateIsAnnouncedOncePerCertificate() {
        put("certs/" + app, certificate(Instant.now().minus(Duration.ofDays(80)), Duration.ofDays(83)), Map.of());
        for (int run = 0; run < 3; run++) {
            LambdaPath.invoke(secretTrigger());
        }
        JsonNode rejected = PublishedEvents.only(sandbox, "Certificate Rejected");
        assertEquals("expires-soon", rejected.get("check").asText(), rejected.toString());
        assertEquals("certs/" + app, rejected.get("secret").asText());

        put("certs/" + app, certificate(Instant.now().minus(Duration.ofDays(80)), Duration.ofDays(84)), Map.of());
        LambdaPath.invoke(secretTrigger());
        LambdaPath.invoke(secretTrigger());
        assertEquals(2, PublishedEvents.of(sandbox, "Certificate Rejected").size(), "another certificate, another announcement");
    }

    @Test
    void aKeyPutWhereTheCertificateBelongsIsRejectedWithoutShowingIt() {
        Issued issued = certificate(Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        String keyPem = issued.privateKeyPem();
        sandbox.putSecret("certs/" + app, "{\"certificate\":" + quoted(keyPem) + ",\"privateKey\":" + quoted(keyPem) + "}",
                Map.of("scalingo:app", app));
        LambdaPath.invoke(secretTrigger());
        JsonNode rejected = PublishedEvents.only(sandbox, "Certificate Rejected");
        assertFalse(rejected.get("reason").asText().isBlank());
        String[] keyLines = keyPem.split("\n");
        String published = sandbox.events().toString();
        assertFalse(published.contains("PRIVATE KEY"), published);
        assertFalse(published.contains(keyLines[keyLines.length / 2]), "no line of the key in any event");
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }

    @Test
    void aConflictIsAnnouncedOnceWithItsWinner() {
        Issued older = certificate(Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(60));
        Issued newer = certificate(Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        put("certs/" + app + "-old", older, Map.of());
        put("certs/" + app + "-new", newer, Map.of());
        for (int run = 0; run < 3; run++) {
            LambdaPath.invoke("{\"secretId\":\"certs/" + app + "-new\"}");
        }
        JsonNode conflict = PublishedEvents.only(sandbox, "Certificate Conflict");
        assertEquals("certs/" + app + "-old", conflict.get("secret").asText());
        assertEquals("certs/" + app + "-new", conflict.get("winner").asText());
        assertTrue(conflict.get("why").asText().contains("expires last"), conflict.toString());
    }

    @Test
    void anAnnouncementThatCannotBePublishedIsMadeAgainByTheNextRunUnderTheSameId() {
        put("certs/" + app, certificate(Instant.now().minus(Duration.ofDays(80)), Duration.ofDays(83)), Map.of());
        sandbox.faults().failEventEntries(EventPublisher.ATTEMPTS);
        JsonNode failed = LambdaPath.invoke(secretTrigger());
        assertEquals("Certificate Rejected", failed.at("/eventsUnpublished/0/detailType").asText(), failed.toString());
        assertEquals(List.of(), sandbox.events());

        LambdaPath.invoke(secretTrigger());
        JsonNode rejected = PublishedEvents.only(sandbox, "Certificate Rejected");
        assertEquals(failed.at("/eventsUnpublished/0/eventId").asText(), rejected.get("eventId").asText());
        LambdaPath.invoke(secretTrigger());
        assertEquals(1, sandbox.events().size());
    }

    private String secretTrigger() {
        return "{\"secretId\":\"certs/" + app + "\"}";
    }

    private Issued certificate(Instant notBefore, Duration validFor) {
        return TestCertificates.selfSigned(keys, "CN=" + domain, List.of(domain), notBefore, validFor);
    }

    private void put(String name, Issued issued, Map<String, String> extraTags) {
        Map<String, String> tags = new java.util.HashMap<>(extraTags);
        tags.put("scalingo:app", app);
        sandbox.putSecret(name, issued.secretString(), tags);
    }
}
