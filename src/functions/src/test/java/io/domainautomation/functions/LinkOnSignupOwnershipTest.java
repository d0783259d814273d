package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.sandbox.SandboxDns;
import io.domainautomation.sandbox.SandboxRecords.QueuedMessage;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.PublishedEvents;
import io.domainautomation.testsupport.SqsEvents;
import io.domainautomation.testsupport.SqsEvents.Message;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * link-on-signup with OWNERSHIP_PROOF=txt through the real Lambda path: the proof on the ledger (dynalite), the
 * re-check sent to the onboarding queue with the real SQS client, DNS asked over UDP, the template's IAM enforced on
 * every AWS call (the re-check's SendMessage is granted only with OwnershipProof txt), the events checked against
 * their schemas.
 */
@QuarkusTest
@TestProfile(LinkOnSignupOwnershipTest.ProveOwnership.class)
class LinkOnSignupOwnershipTest {

    public static class ProveOwnership implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "link-on-signup", "ownership.proof", "txt");
        }
    }

    private static SandboxDns dns;

    @Inject
    SandboxState sandbox;

    @ConfigProperty(name = "onboarding-queue-url")
    String onboardingQueue;

    private String app;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new SandboxDns(CleanupStaleTest.DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void freshApp() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "proof-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.clearQueues();
        sandbox.clearEvents();
        dns.clear();
    }

    @Test
    void aNameIsLinkedOnceItsTxtRecordIsSetAndItsRecheckComes() {
        String domain = "www." + app + ".example";
        String body = SqsEvents.onboarding(app, domain);

        assertEquals(List.of(), invoke(Message.of(body), Map.of()), "waiting is no failure: the message is done with");

        assertEquals(Map.of(), sandbox.domainNames(app), "not linked before the proof");
        JsonNode required = PublishedEvents.only(sandbox, "Domain Verification Required").path("verification");
        String txtName = "_domain-verification." + domain;
        assertEquals(txtName, required.path("name").asText());
        String value = required.path("value").asText();
        assertTrue(value.matches("scalingo-domain-automation=[0-9a-f]{32}"), value);
        List<QueuedMessage> rechecks = sandbox.queue(onboardingQueue);
        assertEquals(1, rechecks.size(), "one re-check, on the onboarding queue");
        QueuedMessage recheck = rechecks.get(0);
        assertEquals(body, recheck.body(), "the same request");
        assertEquals(60, recheck.delaySeconds(), "delayed by SQS, not a busy loop");
        String recheckId = recheck.attributes().get("ownership-recheck");
        assertTrue(recheckId != null && recheckId.matches("[0-9a-f]{32}"), recheck.attributes().toString());

        dns.txt(txtName, value);
        Message delivered = Message.of(body);
        assertEquals(List.of(), invoke(delivered, Map.of(delivered.messageId(), Map.of("ownership-recheck", recheckId))));

        assertEquals(Map.of(domain, false), sandbox.domainNames(app));
        assertEquals(domain, PublishedEvents.only(sandbox, "Domain Linked").path("domain").asText());
        assertEquals(1, sandbox.queue(onboardingQueue).size(), "no further re-check");
    }

    @Test
    void aCnameToTheAppsHostProvesTheNameAtOnce() {
        String domain = "shop." + app + ".example";
        dns.cname(domain, app + ".osc-fr1.scalingo.io").address(app + ".osc-fr1.scalingo.io", "185.0.0.10");

        assertEquals(List.of(), invoke(Message.of(SqsEvents.onboarding(app, domain)), Map.of()));

        assertEquals(Map.of(domain, false), sandbox.domainNames(app));
        assertEquals(List.of(), sandbox.queue(onboardingQueue));
        assertEquals(List.of(), PublishedEvents.of(sandbox, "Domain Verification Required"));
    }

    private List<String> invoke(Message message, Map<String, Map<String, String>> attributes) {
        JsonNode root = LambdaPath.invoke(SqsEvents.event(List.of(message), attributes));
        assertTrue(root.has("batchItemFailures"), "a partial batch response: " + root);
        List<String> ids = new ArrayList<>();
        root.path("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }
}
