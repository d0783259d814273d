package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.port.Deadline;

/**
 * A scan invocation's two reads ({@link DynamoDbLedger#scanMemory}) on a client that answers each query as the test
 * says: they run side by side, and the failure of the one on the other thread reaches the caller as the ledger's own.
 */
class DynamoDbLedgerScanMemoryTest {

    private static final LedgerConfig CONFIG = new LedgerConfig() {
        @Override
        public String table() {
            return "ledger";
        }

        @Override
        public Optional<String> budgetTable() {
            return Optional.empty();
        }

        @Override
        public Optional<URI> endpointOverride() {
            return Optional.empty();
        }

        @Override
        public Duration staleRecordRetention() {
            return Duration.ofDays(30);
        }

        @Override
        public Duration tombstoneRetention() {
            return Duration.ofDays(30);
        }
    };

    /** A client whose queries are answered by {@code answer}, by the partition queried; every other call refused. */
    private static DynamoDbClient answering(java.util.function.Function<String, QueryResponse> answer) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("query") && args != null && args.length == 1 && args[0] instanceof QueryRequest request) {
                return answer.apply(request.expressionAttributeValues().get(":pk").s());
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getName().equals("serviceName")) {
                return "dynamodb";
            }
            throw new UnsupportedOperationException(method.getName());
        };
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, handler);
    }

    private static QueryResponse item(String partition, String sk, Map<String, AttributeValue> fields) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(fields);
        item.put("pk", AttributeValue.fromS(partition));
        item.put("sk", AttributeValue.fromS(sk));
        return QueryResponse.builder().items(List.of(item)).build();
    }

    @Test
    void theTwoReadsRunSideBySide() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        DynamoDbLedger ledger = new DynamoDbLedger(() -> answering(partition -> {
            bothStarted.countDown();
            try {
                // each waits for the other: one after the other, the first would wait in vain
                assertTrue(bothStarted.await(10, TimeUnit.SECONDS), partition + " queried alone");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return partition.equals("LETSENCRYPT")
                    ? item(partition, "shop#www.shop.example", Map.of("status", AttributeValue.fromS("pending_dns"),
                            "since", AttributeValue.fromS("2026-10-01T06:00:00Z"), "stuckAnnounced", AttributeValue.fromBool(false),
                            "seenAt", AttributeValue.fromS("2026-10-02T06:00:00Z")))
                    : QueryResponse.builder().items(List.of()).build();
        }), CONFIG, new ObjectMapper());
        CleanupLedger.Memory memory = ledger.scanMemory(Deadline.none());
        assertEquals(Map.of(), memory.stale());
        assertEquals("pending_dns", memory.certificates().get("shop").get("www.shop.example").status());
    }

    @Test
    void aFailureOfTheReadOnTheOtherThreadReachesTheCallerAsTheLedgersOwn() {
        DynamoDbLedger ledger = new DynamoDbLedger(() -> answering(partition -> {
            if (partition.equals("LETSENCRYPT")) {
                throw DynamoDbException.builder().message("throttled").statusCode(500).build();
            }
            return QueryResponse.builder().items(List.of()).build();
        }), CONFIG, new ObjectMapper());
        LedgerUnavailable failure = assertThrows(LedgerUnavailable.class, () -> ledger.scanMemory(Deadline.none()));
        assertTrue(failure.getMessage().contains("Let's Encrypt"), failure.getMessage());
    }

    @Test
    void aFailedReadWaitsForTheOtherSoNoReadOutlivesTheInvocation() throws Exception {
        CountDownLatch letsEncryptMayAnswer = new CountDownLatch(1);
        DynamoDbLedger ledger = new DynamoDbLedger(() -> answering(partition -> {
            if (partition.equals("STALE")) {
                throw DynamoDbException.builder().message("down").statusCode(500).build();
            }
            try {
                letsEncryptMayAnswer.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return QueryResponse.builder().items(List.of()).build();
        }), CONFIG, new ObjectMapper());
        java.util.concurrent.CompletableFuture<Throwable> returned = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                ledger.scanMemory(Deadline.none());
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        // the caller's read failed at once; its call has not returned while the other read still runs
        assertThrows(java.util.concurrent.TimeoutException.class, () -> returned.get(300, TimeUnit.MILLISECONDS));
        letsEncryptMayAnswer.countDown();
        assertTrue(returned.get(10, TimeUnit.SECONDS) instanceof LedgerUnavailable);
    }

    /**
     * However many pages the records hold, no page starts past the latest start the scan gives (its invocation's
     * deadline, less a call): the reads end within the invocation, failing as the ledger's transient failure (the
     * invocation gives its lease back and is tried again), not past Lambda's timeout.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void noPageStartsPastTheLatestStart() {
        java.util.concurrent.atomic.AtomicInteger staleQueries = new java.util.concurrent.atomic.AtomicInteger();
        DynamoDbLedger ledger = new DynamoDbLedger(() -> answering(partition -> {
            if (partition.equals("STALE")) {
                staleQueries.incrementAndGet();
                try {
                    Thread.sleep(1_500); // a page read slowly: the latest start passes meanwhile
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                // always one more page
                return QueryResponse.builder().items(List.of()).lastEvaluatedKey(Map.of("pk", AttributeValue.fromS("STALE"),
                        "sk", AttributeValue.fromS("app#page" + staleQueries.get()))).build();
            }
            return QueryResponse.builder().items(List.of()).build();
        }), CONFIG, new ObjectMapper());
        LedgerUnavailable late = assertThrows(LedgerUnavailable.class,
                () -> ledger.scanMemory(Deadline.after(java.time.Duration.ofSeconds(1))));
        assertTrue(late.isTransient(), "the invocation's time, not the store: tried again");
        assertTrue(late.getMessage().contains("not read within this invocation's time"), late.getMessage());
        assertEquals(1, staleQueries.get(), "the first page only: the second would have started past the latest start");

        staleQueries.set(0);
        assertThrows(LedgerUnavailable.class, () -> ledger.scanMemory(Deadline.after(java.time.Duration.ZERO)));
        assertEquals(0, staleQueries.get(), "no time at all: no query started");
    }

    @Test
    void whenBothFailTheCallersIsThrown() {
        DynamoDbLedger ledger = new DynamoDbLedger(() -> answering(partition -> {
            throw DynamoDbException.builder().message("down: " + partition).statusCode(500).build();
        }), CONFIG, new ObjectMapper());
        LedgerUnavailable failure = assertThrows(LedgerUnavailable.class, () -> ledger.scanMemory(Deadline.none()));
        assertTrue(failure.getMessage().contains("stale records"), failure.getMessage());
    }
}
