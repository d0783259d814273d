package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import io.domainautomation.fakes.InMemoryOwnershipProofs;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.ownership.ProofRecord;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The proofs of ownership on dynalite through the sandbox, each call signed as the function that makes it (IAM as
 * deployed), answering as the in-memory model the simulation runs on: the compare-and-set on the version, every field
 * read back, domain-status's read-only access, and the item's TTL.
 */
@QuarkusTest
class DynamoDbOwnershipProofsTest {

    static final Instant SINCE = Instant.parse("2026-05-01T07:00:00Z");

    @Inject
    DynamoDbOwnershipProofs proofs;

    @Inject
    DynamoDbProofReads reads;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    private final InMemoryOwnershipProofs model = new InMemoryOwnershipProofs();

    @BeforeEach
    void emptyTable() {
        LedgerTable.clear(operatorsClient, config.table());
    }

    private static <T> T as(String function, Supplier<T> call) {
        return SignedAs.function(function, call);
    }

    /** A write by link-on-signup on the adapter and on the model: their answers must be equal. */
    private boolean write(ProofRecord next) {
        boolean real = as("link-on-signup", () -> proofs.write(next));
        assertEquals(model.write(next), real, "the adapter answers as the model for " + next);
        return real;
    }

    private Optional<ProofRecord> read() {
        Optional<ProofRecord> real = as("link-on-signup", () -> proofs.read("app-1", "www.acme.example"));
        assertEquals(model.read("app-1", "www.acme.example"), real);
        return real;
    }

    @Test
    void eachStepIsAConditionalWriteOnTheVersionBeforeIt() {
        ProofRecord opened = ProofRecord.opened("app-1", "www.acme.example", "0123456789abcdef0123456789abcdef", SINCE,
                SINCE.plus(Duration.ofDays(7)), SINCE.minusSeconds(3));
        assertEquals(Optional.empty(), read());
        assertTrue(write(opened));
        assertEquals(false, write(opened), "opened twice: the second loses");
        ProofRecord announced = opened.announced();
        ProofRecord rechecked = announced.recheckedBy("r1");
        assertTrue(write(announced));
        assertEquals(false, write(opened.recheckedBy("r-stale")), "a step from a stale read loses");
        assertTrue(write(rechecked));
        assertEquals(Optional.of(rechecked), read(), "every field read back");
        ProofRecord proven = rechecked.proven(SINCE.plus(Duration.ofMinutes(9)), ProofRecord.BY_CNAME);
        assertTrue(write(proven));
        ProofRecord withdrawn = proven.withdrawn(SINCE.plus(Duration.ofDays(1)), SINCE.plus(Duration.ofDays(1)).minusSeconds(40));
        assertTrue(write(withdrawn));
        assertEquals(Optional.of(withdrawn), read());
        ProofRecord again = withdrawn.reopened(SINCE.plus(Duration.ofDays(2)), SINCE.plus(Duration.ofDays(9)),
                SINCE.plus(Duration.ofDays(2)));
        assertTrue(write(again));
        assertEquals(Optional.of(again), read(), "a new window: the same token, the earlier steps gone");

        Map<String, AttributeValue> item;
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            item = operatorsClient.getItem(g -> g.tableName(config.table()).key(Map.of("pk", AttributeValue.fromS("APP#app-1"),
                    "sk", AttributeValue.fromS("PROOF#www.acme.example"))).consistentRead(true)).item();
        }
        assertEquals(String.valueOf(SINCE.plus(Duration.ofDays(9 + 30)).getEpochSecond()), item.get("expiresAt").n(),
                "kept 30 days after its window, then the table's TTL takes it");
    }

    @Test
    void domainStatusReadsAProofAndMayWriteNone() {
        ProofRecord opened = ProofRecord.opened("app-1", "www.acme.example", "0123456789abcdef0123456789abcdef", SINCE,
                SINCE.plus(Duration.ofDays(7)), SINCE);
        write(opened);
        assertEquals(Optional.of(opened), as("domain-status", () -> reads.read("app-1", "www.acme.example")));
        LedgerUnavailable denied = assertThrows(LedgerUnavailable.class,
                () -> as("domain-status", () -> proofs.write(opened.announced())));
        assertTrue(denied.getMessage().contains("AccessDenied"), denied.getMessage());
    }
}
