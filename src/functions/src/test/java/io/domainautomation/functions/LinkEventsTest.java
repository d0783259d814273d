package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.EventPublisher;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.sandbox.SandboxRecords.ReceivedEvent;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.EventSchemas;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.ProjectFiles;
import io.domainautomation.testsupport.SqsEvents.Message;
import io.domainautomation.testsupport.SqsEvents;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;

/**
 * link-on-signup's events through the Lambda path, published with the real AWS SDK to the sandbox's EventBridge
 * endpoint, each detail validated against its published schema (infra/events) by a JSON Schema validator.
 */
@QuarkusTest
class LinkEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SandboxState sandbox;

    @Inject
    EventPublisher publisher;

    private String app;

    @BeforeEach
    void fresh() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "events-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.clearEvents();
        sandbox.clearQueues();
        sandbox.clearCounters();
    }

    @Test
    void aLinkedDomainIsAnnouncedOnceWithItsDnsInstructions() throws Exception {
        String body = "{\"app\":\"" + app + "\",\"domain\":\"www." + app + ".example\",\"requestId\":\"signup-42\"}";
        Message message = Message.of(body);
        assertEquals(List.of(), invoke(message));

        JsonNode detail = only("Domain Linked");
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-linked.schema.json", detail));
        assertEquals(message.messageId(), detail.at("/correlation/sqsMessageId").asText());
        assertEquals("signup-42", detail.at("/correlation/requestId").asText());
        assertEquals("CNAME", detail.at("/dns/records/0/type").asText());
        assertEquals(app + ".osc-fr1.scalingo.io", detail.at("/dns/records/0/value").asText());
        assertEquals("scalingo-domain-automation", sandbox.events().get(0).source());
        assertEquals("scalingo-domain-automation-test", sandbox.events().get(0).eventBusName());

        sandbox.clearEvents();
        assertEquals(List.of(), invoke(message));   // SQS delivered it again
        JsonNode again = only("Domain Linked");
        assertEquals(detail.get("eventId"), again.get("eventId"), "the same message, the same announcement, the same id");

        sandbox.clearEvents();
        Message duplicate = Message.of(body);         // the onboarding system sent the same request twice
        assertEquals(List.of(), invoke(duplicate));
        assertEquals(detail.get("eventId"), only("Domain Linked").get("eventId"), "the same request: the same announcement");

        sandbox.clearEvents();
        Message another = Message.of(body.replace("signup-42", "signup-43")); // another request for the same name
        assertEquals(List.of(), invoke(another));
        JsonNode already = only("Domain Already Linked");
        assertFalse(detail.get("eventId").equals(already.get("eventId")), "another request, another id");
    }

    /** The diagnosis through the Lambda path: DnsProbe (dnsjava) asking a DNS server on the test profile's resolver port. */
    @Test
    void aLinkedDomainCarriesItsDnsDiagnosis() throws Exception {
        String domain = "www." + app + ".example";
        try (SandboxDns dns = new SandboxDns(CleanupStaleTest.DNS_PORT)) {
            dns.address(app + ".osc-fr1.scalingo.io", "10.0.0.1").address(domain, "192.0.2.50")
                    .caa(app + ".example", "issue", "digicert.com");
            assertEquals(List.of(), invoke(Message.of("{\"app\":\"" + app + "\",\"domain\":\"" + domain + "\"}")));
        }
        JsonNode detail = only("Domain Linked");
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-linked.schema.json", detail));
        assertEquals("address-elsewhere", detail.at("/diagnosis/0/code").asText(), detail.toString());
        assertEquals("caa-forbids-letsencrypt", detail.at("/diagnosis/1/code").asText(), detail.toString());
        assertEquals(2, detail.get("diagnosis").size(), detail.toString());
    }

    @Test
    void anApexAndAWildcardWithLetsEncryptGetTheirOwnInstructions() throws Exception {
        assertEquals(List.of(), invoke(Message.of("{\"app\":\"" + app + "\",\"domain\":\"" + app + ".example\"}")));
        JsonNode apex = only("Domain Linked");
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-linked.schema.json", apex));
        assertEquals("apex", apex.at("/dns/kind").asText());
        assertEquals("ALIAS", apex.at("/dns/records/0/type").asText());

        sandbox.clearEvents();
        assertEquals(List.of(), invoke(Message.of("{\"app\":\"" + app + "\",\"domain\":\"*.wild." + app + ".example\"}")));
        JsonNode wildcard = only("Domain Linked");
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-linked.schema.json", wildcard));
        assertEquals("wildcard", wildcard.at("/dns/kind").asText());
        assertEquals("TXT", wildcard.at("/dns/records/1/type").asText());
        assertEquals("_acme-challenge.wild." + app + ".example", wildcard.at("/dns/records/1/name").asText());
        assertFalse(wildcard.at("/dns/records/1/value").asText().isEmpty());
    }

    @Test
    void aRejectedMessageIsAnnouncedWithTheDeadLettersReason() throws Exception {
        Message bad = Message.of("{\"app\":\"" + app + "\",\"domain\":\"not a host\"}");
        assertEquals(List.of(), invoke(bad));
        JsonNode rejected = only("Domain Rejected");
        assertEquals(List.of(), EventSchemas.problems("infra/events/domain-rejected.schema.json", rejected));
        assertEquals("domain", rejected.get("field").asText());
        String deadLetterReason = sandbox.queues().values().iterator().next().get(0).attributes().get("failure-reason");
        assertEquals(deadLetterReason, rejected.get("reason").asText());
    }

    @Test
    void anEventThatCannotBePublishedBringsTheRecordBackWithoutASecondLink() throws Exception {
        Message message = Message.of("{\"app\":\"" + app + "\",\"domain\":\"www." + app + ".example\"}");
        sandbox.faults().failEventEntries(EventPublisher.ATTEMPTS);
        assertEquals(List.of(message.messageId()), invoke(message), "reported for redelivery");
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(List.of(), sandbox.events());

        assertEquals(List.of(), invoke(message));
        assertEquals(1, sandbox.counter("domains.link"), "the redelivery links nothing twice");
        JsonNode published = only("Domain Linked"); // its attempt is on record: the link is this request's
        String domainId = sandbox.domainId(app, "www." + app + ".example").orElseThrow();
        assertEquals(java.util.UUID.nameUUIDFromBytes(("link-on-signup|linked|" + bodyKey(message.body()) + "|" + domainId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), published.get("eventId").asText(),
                "the id it would have had the first time: the request and the link");
    }

    @Test
    void aPartialFailureRepublishesOnlyTheFailedEntries() {
        List<DomainEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(new DomainEvent("Domain Linked", "id-" + i, Map.of("version", "1", "eventId", "id-" + i, "n", i)));
        }
        sandbox.faults().failEventEntries(2);   // two entries of the first call fail
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(LinkOnSignup.NAME)) {
            assertEquals(List.of(), publisher.publish(events, Deadline.after(Duration.ofSeconds(10))));
        }
        assertEquals(3, sandbox.counter("events.PutEvents"), "10 + 2 entries, then the 2 that failed");
        List<String> ids = sandbox.events().stream().map(ReceivedEvent::detail).map(LinkEventsTest::eventId).toList();
        assertEquals(12, ids.size(), "each event accepted once: " + ids);
        assertEquals(12, ids.stream().distinct().count());
    }

    @Test
    void theOnboardingExamplesAndSchemaAgree() throws Exception {
        for (String file : List.of("onboarding-message.json", "onboarding-message-canonical.json", "onboarding-message-with-certificate.json")) {
            JsonNode example = JSON.readTree(ProjectFiles.at("infra/examples/" + file).toFile());
            assertEquals(List.of(), EventSchemas.problems("src/functions/src/main/resources/schemas/onboarding-message.schema.json", example), file);
        }
        JsonNode schema = JSON.readTree(ProjectFiles.at("src/functions/src/main/resources/schemas/onboarding-message.schema.json").toFile());
        for (JsonNode each : schema.get("examples")) {
            assertEquals(List.of(), EventSchemas.problems("src/functions/src/main/resources/schemas/onboarding-message.schema.json", each));
        }
        assertFalse(EventSchemas.problems("src/functions/src/main/resources/schemas/onboarding-message.schema.json",
                JSON.readTree("{\"app\":\"shop\",\"domain\":\"x.example\",\"extra\":1}")).isEmpty(), "the schema can fail");
    }

    private static String eventId(String detail) {
        try {
            return JSON.readTree(detail).get("eventId").asText();
        } catch (Exception e) {
            throw new AssertionError(detail, e);
        }
    }

    private JsonNode only(String detailType) throws Exception {
        List<ReceivedEvent> matching = sandbox.events().stream().filter(e -> e.detailType().equals(detailType)).toList();
        assertEquals(1, matching.size(), detailType + " in " + sandbox.events());
        return JSON.readTree(matching.get(0).detail());
    }

    private static List<String> invoke(Message... messages) {
        JsonNode root = LambdaPath.invoke(SqsEvents.event(List.of(messages)));
        assertTrue(root.has("batchItemFailures"), root.toString());
        List<String> ids = new ArrayList<>();
        root.path("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    /** A request without a requestId is named by its body: the first 16 bytes of its SHA-256, in hex. */
    private static String bodyKey(String body) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder("body:");
        for (int i = 0; i < 16; i++) {
            hex.append(String.format("%02x", digest[i]));
        }
        return hex.toString();
    }
}
