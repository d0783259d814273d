package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.aws.EventPublisher;
import io.domainautomation.aws.LedgerConfig;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.CleanupScans;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.PublishedEvents;
import io.domainautomation.testsupport.TestClock;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * cleanup-stale's events through the Lambda path (removals on, the ledger in dynalite, DNS on loopback, the tests'
 * clock), published with the real AWS SDK to the sandbox's EventBridge; every detail validated against its schema.
 */
@QuarkusTest
@TestProfile(CleanupStaleTest.RemovalsOn.class)
class CleanupEventsTest {

    private static SandboxDns dns;

    @Inject
    SandboxState sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    LedgerConfig ledgerConfig;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new SandboxDns(CleanupStaleTest.DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
        TestClock.reset();
    }

    @BeforeEach
    void fresh() {
        CleanupScans.fresh(sandbox, dns, dynamo, ledgerConfig.table());
        sandbox.addApp("clean-ev");
        dns.address("clean-ev.osc-fr1.scalingo.io", "10.0.0.1");
        sandbox.clearEvents();
    }

    @Test
    void aStaleDomainIsAnnouncedMarkedThenRemovedThenRestoredEachOnce() {
        sandbox.seedDomain("clean-ev", "moved.example", TestClock.now().minus(Duration.ofDays(30)), "created", false);
        dns.address("moved.example", "192.0.2.50");

        JsonNode firstScan = scan();
        JsonNode marked = PublishedEvents.only(sandbox, "Domain Marked Stale");
        assertEquals("moved.example", marked.get("domain").asText());
        assertEquals(firstScan.get("scanId").asText(), marked.at("/correlation/scanId").asText());
        assertEquals(Instant.parse(marked.get("firstStaleAt").asText()).plus(CleanupStaleTest.CONFIRM),
                Instant.parse(marked.get("notRemovedBefore").asText()));
        assertEquals("dns-gone", marked.at("/rules/0").asText());
        assertFalse(marked.get("dryRun").asBoolean());
        assertEquals(1, firstScan.get("eventsPublished").asInt());
        assertEquals(List.of(), PublishedEvents.of(sandbox, "Domain Removed"), "a first sighting removes nothing");

        TestClock.advance(Duration.ofDays(3));
        scan();
        assertEquals(1, PublishedEvents.of(sandbox, "Domain Marked Stale").size(), "seen again, not marked again");

        TestClock.advance(Duration.ofDays(5));
        JsonNode removalScan = scan();
        JsonNode removed = PublishedEvents.only(sandbox, "Domain Removed");
        assertEquals(removalScan.get("scanId").asText(), removed.at("/correlation/scanId").asText());
        assertEquals("points-elsewhere", removed.at("/evidence/dns").asText());
        assertEquals(marked.get("firstStaleAt"), removed.get("firstStaleAt"));
        assertTrue(sandbox.domainNames("clean-ev").isEmpty(), "really removed");

        JsonNode restored = LambdaPath.invoke(removed.at("/restore/payload").toString());
        assertEquals("moved.example", restored.get("restored").asText(), restored.toString());
        JsonNode event = PublishedEvents.only(sandbox, "Domain Restored");
        assertEquals(removed.get("removedAt"), event.get("removedAt"));
        assertFalse(event.get("alreadyLinked").asBoolean());
        assertEquals(1, sandbox.domainNames("clean-ev").size());
        assertEquals(1, PublishedEvents.of(sandbox, "Domain Removed").size());
    }

    @Test
    void aStuckLetsEncryptValidationIsAnnouncedOnceThenItsIssuance() {
        sandbox.seedDomain("clean-ev", "shop.clean-ev.example", TestClock.now(), "pending_dns", false);
        sandbox.seedDomain("clean-ev", "legacy.example", TestClock.now().minus(Duration.ofDays(300)), "created", false);
        dns.cname("legacy.example", "clean-ev.osc-fr1.scalingo.io");

        scan();
        assertEquals(List.of(), sandbox.events(), "awaited for less than a day; an old certificate is no news");

        TestClock.advance(Duration.ofHours(25));
        scan();
        JsonNode stuck = PublishedEvents.only(sandbox, "Domain Validation Stuck");
        assertEquals("shop.clean-ev.example", stuck.get("domain").asText());
        assertEquals("pending_dns", stuck.get("status").asText());
        assertEquals("CNAME", stuck.at("/dns/records/0/type").asText());
        assertEquals("clean-ev.osc-fr1.scalingo.io", stuck.at("/dns/records/0/value").asText());
        assertEquals("record-missing", stuck.at("/diagnosis/0/code").asText(), "no record in DNS yet: " + stuck);
        assertEquals(1, stuck.get("diagnosis").size(), stuck.toString());

        TestClock.advance(Duration.ofHours(24));
        scan();
        assertEquals(1, sandbox.events().size(), "still stuck, in the same status: announced once");

        sandbox.letsencryptCertificate("clean-ev", "shop.clean-ev.example", TestClock.now().plus(Duration.ofDays(90)));
        TestClock.advance(Duration.ofHours(24));
        scan();
        JsonNode issued = PublishedEvents.only(sandbox, "Domain Certificate Issued");
        assertEquals("pending_dns", issued.get("previousStatus").asText());
        assertEquals(stuck.get("awaitedSince"), issued.get("awaitedSince"));

        TestClock.advance(Duration.ofHours(24));
        scan();
        assertEquals(2, sandbox.events().size(), "issued once: " + sandbox.events());
    }

    @Test
    void aCertificateIssuedBetweenTwoScansIsAnnouncedOnce() {
        sandbox.seedDomain("clean-ev", "quick.clean-ev.example", TestClock.now().minus(Duration.ofHours(3)), "created", false);
        dns.cname("quick.clean-ev.example", "clean-ev.osc-fr1.scalingo.io");
        scan();
        JsonNode issued = PublishedEvents.only(sandbox, "Domain Certificate Issued");
        assertTrue(issued.get("previousStatus").isNull());
        TestClock.advance(Duration.ofDays(1));
        scan();
        TestClock.advance(Duration.ofDays(20));
        scan();
        assertEquals(1, sandbox.events().size(), "once, also after the record of it expired: " + sandbox.events());
    }

    @Test
    void eventsThatCannotBePublishedAreReportedAndTheScanGoesOn() {
        sandbox.seedDomain("clean-ev", "moved.example", TestClock.now().minus(Duration.ofDays(30)), "created", false);
        dns.address("moved.example", "192.0.2.50");
        sandbox.faults().failEventEntries(EventPublisher.ATTEMPTS);

        JsonNode report = scan();
        assertEquals(1, report.get("markedTotal").asInt(), "the mark stands");
        assertEquals(0, report.get("eventsPublished").asInt());
        assertEquals("Domain Marked Stale", report.at("/eventsUnpublished/0/detailType").asText(), report.toString());
        assertEquals(List.of(), sandbox.events());
        assertEquals(EventPublisher.ATTEMPTS, sandbox.counter("events.PutEvents"), "tried within the invocation");
    }

    private JsonNode scan() {
        return CleanupScans.follow(sandbox, LambdaPath.invoke("{}"));
    }
}
