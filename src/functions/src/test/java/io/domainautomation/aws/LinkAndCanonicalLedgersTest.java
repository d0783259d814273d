package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import io.domainautomation.fakes.InMemoryCanonicalLedger;
import io.domainautomation.fakes.InMemoryLinkLedger;
import io.domainautomation.logic.CanonicalLedger;
import io.domainautomation.logic.LinkLedger;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;

/**
 * link-on-signup's and set-canonical's ledgers on dynalite through the sandbox, each call signed as the function that
 * makes it (IAM as deployed), answering as their in-memory models (which the simulation runs on) answer; and what they
 * store where a model cannot see it (the items' TTL).
 */
@QuarkusTest
class LinkAndCanonicalLedgersTest {

    @Inject
    LinkLedger links;

    @Inject
    CanonicalLedger canonicals;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    private final InMemoryLinkLedger linkModel = new InMemoryLinkLedger();
    private final InMemoryCanonicalLedger canonicalModel = new InMemoryCanonicalLedger();

    @BeforeEach
    void emptyTable() {
        LedgerTable.clear(operatorsClient, config.table());
    }

    private static <T> T as(String function, Supplier<T> call) {
        return SignedAs.function(function, call);
    }

    private Map<String, AttributeValue> rawItem(String pk, String sk) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            return operatorsClient.getItem(g -> g.tableName(config.table()).key(Map.of("pk", AttributeValue.fromS(pk),
                    "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
        }
    }

    /** Calls both the adapter (as the function) and the model; their answers must be equal. */
    private <T> T both(String function, java.util.function.Function<LinkLedger, T> linkCall) {
        T real = as(function, () -> linkCall.apply(links));
        T model = linkCall.apply(linkModel);
        assertEquals(model, real, "the adapter answers as the model");
        return real;
    }

    private <T> T bothCanonical(java.util.function.Function<CanonicalLedger, T> call) {
        T real = as("set-canonical", () -> call.apply(canonicals));
        T model = call.apply(canonicalModel);
        assertEquals(model, real, "the adapter answers as the model");
        return real;
    }

    @Test
    void attemptsAndClaimsAnswerAsTheModelAndTheFirstClaimWins() {
        Instant until = Instant.parse("2026-12-07T02:05:00Z");
        assertEquals(Optional.empty(), both("link-on-signup", l -> l.attempted("shop", "www.acme.example", "m1")));
        both("link-on-signup", l -> {
            l.recordAttempt("shop", "www.acme.example", "m1", until);
            return null;
        });
        assertEquals(Optional.of(until), both("link-on-signup", l -> l.attempted("shop", "www.acme.example", "m1")));
        assertEquals(Optional.empty(), both("link-on-signup", l -> l.attempted("shop", "www.acme.example", "m2")),
                "per request");
        // two invocations of one request at once: the later end stays, whichever writes last
        Instant later = until.plusSeconds(240).plusMillis(5);
        both("link-on-signup", l -> {
            l.recordAttempt("shop", "www.acme.example", "m1", later);
            l.recordAttempt("shop", "www.acme.example", "m1", until.plusSeconds(3));
            return null;
        });
        assertEquals(Optional.of(later), both("link-on-signup", l -> l.attempted("shop", "www.acme.example", "m1")),
                "a shorter window written after a longer one does not shorten it");

        assertEquals("m1", both("link-on-signup", l -> l.claim("shop", "domain-1", "m1")));
        assertEquals("m1", both("link-on-signup", l -> l.claim("shop", "domain-1", "m1")), "its own claim again (a retry)");
        assertEquals("m1", both("link-on-signup", l -> l.claim("shop", "domain-1", "m2")), "another request's: the first holds");
        assertEquals("m2", both("link-on-signup", l -> l.claim("shop", "domain-2", "m2")), "a new link (a new id): a new claim");

        long inThirtyDays = Instant.now().plus(Duration.ofDays(30)).getEpochSecond();
        for (String sk : new String[] { "LINKTRY#www.acme.example#m1", "LINKED#domain-1" }) {
            long expiresAt = Long.parseLong(rawItem("APP#shop", sk).get("expiresAt").n());
            assertTrue(Math.abs(expiresAt - inThirtyDays) < 120, sk + " expires in 30 days (beyond a message's life and redrive)");
        }
    }

    @Test
    void theLastCanonicalChangeIsReplacedOnlyWhenStillTheOneReadAndOnlyItsOwnRequestMarksItAnnounced() {
        assertEquals(Optional.empty(), bothCanonical(c -> c.last("shop")));
        Instant until = Instant.parse("2026-12-07T02:00:00Z");
        CanonicalLedger.Change first = new CanonicalLedger.Change("shop", "r1", "www.acme.example", null, "www.acme.example",
                "arn:aws:iam::000000000000:user/alice", false, until, "shop");
        assertEquals(false, bothCanonical(c -> c.record(first, Optional.of("r0"))), "replacing a change that is not there");
        assertEquals(true, bothCanonical(c -> c.record(first, Optional.empty())));
        assertEquals(true, bothCanonical(c -> c.record(first, Optional.empty())), "its own write again (a retry)");
        assertEquals(Optional.of(first), bothCanonical(c -> c.last("shop")));

        CanonicalLedger.Change second = new CanonicalLedger.Change("shop", "r2", "www.acme.example", "www.acme.example", null,
                "arn:aws:iam::000000000000:user/bob", false, until, "shop");
        CanonicalLedger.Change racing = new CanonicalLedger.Change("shop", "r3", "api.acme.example", null, "api.acme.example",
                "arn:aws:iam::000000000000:user/carol", false, until, "shop");
        assertEquals(false, bothCanonical(c -> c.record(second, Optional.empty())), "another change is there");
        assertEquals(true, bothCanonical(c -> c.record(second, Optional.of("r1"))));
        assertEquals(false, bothCanonical(c -> c.record(racing, Optional.of("r1"))), "it read r1, r2 replaced it meanwhile");
        bothCanonical(c -> {
            c.markAnnounced(first); // a late mark of the replaced change: nothing
            return null;
        });
        assertEquals(Optional.of(second), bothCanonical(c -> c.last("shop")));
        bothCanonical(c -> {
            c.markAnnounced(second);
            return null;
        });
        assertEquals(Optional.of(second.announcedNow()), bothCanonical(c -> c.last("shop")));

        long inThirtyDays = Instant.now().plus(Duration.ofDays(30)).getEpochSecond();
        long expiresAt = Long.parseLong(rawItem("APP#shop", "CANONICAL").get("expiresAt").n());
        assertTrue(Math.abs(expiresAt - inThirtyDays) < 120, "the last change expires in 30 days");
    }
}
