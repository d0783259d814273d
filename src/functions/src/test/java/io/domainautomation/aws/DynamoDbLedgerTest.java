package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import io.domainautomation.logic.cleanup.CertificateProgress;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the DynamoDB ledger writes where a model cannot see it (an item's TTL, items of an earlier version), and the
 * leases it recognises as a caller's own, on dynalite through the sandbox (signed as cleanup-stale).
 */
@QuarkusTest
class DynamoDbLedgerTest {

    private static final Instant T = Instant.parse("2026-10-01T06:00:00Z");

    @Inject
    CleanupLedger ledger;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    @BeforeEach
    void emptyTable() {
        LedgerTable.clear(operatorsClient, config.table());
    }

    private static <T> T asCleanupStale(Supplier<T> call) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs("cleanup-stale")) {
            return call.get();
        }
    }

    /** What an operator reads in the table, as it is stored. */
    private Map<String, AttributeValue> rawItem(String pk, String sk) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            return operatorsClient.getItem(g -> g.tableName(config.table()).key(Map.of("pk", AttributeValue.fromS(pk),
                    "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
        }
    }

    @Test
    void aLetsEncryptRecordExpiresItsRetentionAfterItsLastWriteNotAfterItsWaitBegan() {
        Instant since = T.minus(Duration.ofDays(40));
        asCleanupStale(() -> {
            ledger.rememberProgress(new CertificateProgress("shop", "www.shop.example", "pending_dns", since, true, T));
            return null;
        });
        Map<String, AttributeValue> item = rawItem("LETSENCRYPT", "shop#www.shop.example");
        assertEquals(String.valueOf(T.plus(Duration.ofDays(30)).getEpochSecond()), item.get("expiresAt").n(),
                "30 days after seenAt, the last write");
        assertEquals(T.toString(), item.get("seenAt").s());
        CertificateProgress read = asCleanupStale(() -> ledger.allCertificateProgress()).get("shop").get("www.shop.example");
        assertEquals(new CertificateProgress("shop", "www.shop.example", "pending_dns", since, true, T), read);
    }

    @Test
    void aRecordOfAnEarlierVersionWasLastWrittenItsRetentionBeforeItExpires() {
        Instant expiresAt = T.plus(Duration.ofDays(12));
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            operatorsClient.putItem(p -> p.tableName(config.table()).item(Map.of("pk", AttributeValue.fromS("LETSENCRYPT"),
                "sk", AttributeValue.fromS("shop#old.shop.example"), "status", AttributeValue.fromS("error"),
                "since", AttributeValue.fromS(T.minus(Duration.ofDays(90)).toString()),
                "stuckAnnounced", AttributeValue.fromBool(true),
                "expiresAt", AttributeValue.fromN(String.valueOf(expiresAt.getEpochSecond())))));
        }
        CertificateProgress read = asCleanupStale(() -> ledger.allCertificateProgress()).get("shop").get("old.shop.example");
        assertEquals(expiresAt.minus(Duration.ofDays(30)), read.seenAt(), "written 18 days before T: rewritten by the next scan");
        assertEquals(T.minus(Duration.ofDays(90)), read.since());
    }

    @Test
    void aLeaseIsItsHoldersOwnWhileItRunsAndIsNotHandedOn() {
        ScanState fresh = ScanState.start("scan-1", T.toString(), false);
        asCleanupStale(() -> {
            ledger.createScan(fresh, "invocation-a", T.plus(Duration.ofMinutes(15)), T.plus(Duration.ofDays(1)));
            return null;
        });
        Instant later = T.plus(Duration.ofMinutes(2));
        assertTrue(asCleanupStale(() -> ledger.leaseAbandonedScan("scan-1", "invocation-b", later, later.plusSeconds(900)))
                .isEmpty(), "another invocation's running lease");
        Optional<ScanState> own = asCleanupStale(() -> ledger.leaseAbandonedScan("scan-1", "invocation-a", later,
                later.plusSeconds(900)));
        assertEquals(Optional.of(0), own.map(ScanState::step), "the creator's retry (the same request id) holds it");
        assertEquals(Optional.of(0), asCleanupStale(() -> ledger.leaseScan("scan-1", 0, "invocation-a", later,
                later.plusSeconds(900))).map(ScanState::step));
        assertTrue(asCleanupStale(() -> ledger.leaseScan("scan-1", 1, "invocation-a", later, later.plusSeconds(900)))
                .isEmpty(), "its own lease, but not at that step");

        assertTrue(asCleanupStale(() -> ledger.saveScan(fresh.nextStep(), later.plusSeconds(60))));
        assertTrue(asCleanupStale(() -> ledger.leaseAbandonedScan("scan-1", "invocation-a", later, later.plusSeconds(900)))
                .isEmpty(), "handed on to the continuation: no longer the saver's");
        // The continuation is lost; the hand-on window passes and a start takes the scan over.
        Instant expired = later.plusSeconds(61);
        assertEquals(Optional.of(1), asCleanupStale(() -> ledger.leaseAbandonedScan("scan-1", "invocation-d", expired,
                expired.plusSeconds(900))).map(ScanState::step), "taken over once the hand-on window passed");
        assertTrue(asCleanupStale(() -> ledger.leaseScan("scan-1", 1, "late-continuation", expired.plusSeconds(5),
                expired.plusSeconds(905))).isEmpty(),
                "a taken-over scan is no longer handed on: the late continuation cannot lease it beside the taker");
    }

    @Test
    void aScanInvocationReadsBothPartitionsSideBySideSignedAsItsFunctionOnBothThreads() {
        StaleRecord stale = new StaleRecord("shop", "old.shop.example", "dom-1", T.minus(Duration.ofDays(3)), T,
                List.of("dns-elsewhere"), Map.of(), 2, "scan-1");
        CertificateProgress awaited = new CertificateProgress("blog", "www.blog.example", "pending_dns", T, false, T);
        asCleanupStale(() -> {
            ledger.remember(stale);
            ledger.rememberProgress(awaited);
            return null;
        });
        // The sandbox enforces the template's IAM: a read signed as nobody's (a thread that lost its caller) is denied.
        CleanupLedger.Memory memory = asCleanupStale(() -> ledger.scanMemory(io.domainautomation.logic.port.Deadline.none()));
        assertEquals(Map.of("shop", Map.of("old.shop.example", stale)), memory.stale());
        assertEquals(Map.of("blog", Map.of("www.blog.example", awaited)), memory.certificates());
    }
}
