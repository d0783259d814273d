package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.BudgetStore;
import io.domainautomation.testsupport.LedgerTable;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The shared budget's item on dynalite through the sandbox, written as each function that shares it (IAM as
 * deployed), answering as the in-memory store the model and the unit tests run on.
 */
@QuarkusTest
class DynamoDbBudgetStoreTest {

    static final BudgetPolicy.Settings SETTINGS = new BudgetPolicy.Settings(56, Duration.ofMinutes(1), Duration.ofSeconds(1),
            0.10, Duration.ofSeconds(2), 6);

    @Inject
    DynamoDbBudgetStore store;

    @Inject
    DynamoDbClient operatorsClient;

    @Inject
    LedgerConfig config;

    @Inject
    io.domainautomation.sandbox.SandboxState sandbox;

    private final InMemoryBudgetStore model = new InMemoryBudgetStore();

    @BeforeEach
    void emptyTable() {
        LedgerTable.clear(operatorsClient, config.table());
    }

    private static <T> T as(String function, Supplier<T> call) {
        return SignedAs.function(function, call);
    }

    @Test
    void everyFunctionSharingTheBudgetTakesFromOneItemByCompareAndSet() {
        long now = 1_780_000_000_000L;
        BudgetWindow window = BudgetWindow.empty("arn:aws:secretsmanager:eu-west-3:0:secret:scalingo/api-token-AbCdEf");
        List<String> functions = List.of("set-canonical", "link-on-signup", "rotate-cert-from-secrets-manager", "cleanup-stale");
        List<Priority> priorities = List.of(Priority.INTERACTIVE, Priority.SIGNUP, Priority.ROTATION, Priority.CLEANUP);
        for (int i = 0; i < functions.size(); i++) {
            String account = window.account();
            Optional<BudgetWindow> read = as(functions.get(i), () -> store.read(account));
            assertEquals(model.read(account), read, "read as " + functions.get(i));
            BudgetPolicy.Decision decision = BudgetPolicy.take(read.orElse(window), now + i * 10_000L, priorities.get(i), 3,
                    Long.MAX_VALUE, SETTINGS);
            assertTrue(decision.granted(), priorities.get(i) + " granted");
            assertTrue(as(functions.get(i), () -> store.write(decision.next())).written(), functions.get(i) + " may write the budget");
            assertTrue(model.write(decision.next()).written());
            BudgetStore.Written again = as(functions.get(i), () -> store.write(decision.next()));
            assertFalse(again.written(), "the same version again: refused");
            assertEquals(Optional.of(decision.next()), again.current(), "the refusal shows what is there, as written");
            assertFalse(again.lookedAgain(), "shown by the refusal itself (ALL_OLD), no read after it");
            window = decision.next();
        }
        BudgetWindow shrunk = BudgetPolicy.shrink(window, now + 40_000, Duration.ofSeconds(30), SETTINGS);
        assertTrue(as("link-on-signup", () -> store.write(shrunk)).written());
        assertEquals(Optional.of(shrunk), as("cleanup-stale", () -> store.read(shrunk.account())), "every field read back");
    }

    /**
     * A write applied whose reply was lost: the SDK's retry meets the condition its own write changed; the item its
     * refusal carries shows the write for its own, rather than a grant counted that nobody uses. On a store whose
     * refusals do not carry the item, the read after the refusal shows it.
     */
    @Test
    void aWriteWhoseReplyWasLostIsKnownForItsOwnByTheItemItsRetrysRefusalShows() {
        BudgetWindow first = BudgetPolicy.take(BudgetWindow.empty("acct-lost"), 1_780_000_000_000L, Priority.SIGNUP, 3,
                Long.MAX_VALUE, SETTINGS).next();
        sandbox.faults().dynamoLoseNextReplies(1);
        BudgetStore.Written mine;
        try {
            mine = as("link-on-signup", () -> store.write(first));
        } finally {
            sandbox.faults().reset();
        }
        assertTrue(mine.written(), "applied, its reply lost: still this write's");
        assertFalse(mine.lookedAgain(), "shown by the retry's refusal itself, no read after it");
        assertEquals(Optional.of(first), as("link-on-signup", () -> store.read("acct-lost")));
        BudgetStore.Written another = as("set-canonical", () -> store.write(first));
        assertFalse(another.written(), "another writer with the same version: refused");
        assertEquals(Optional.of(first), another.current());

        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            DynamoDbBudgetStore withoutItems = new DynamoDbBudgetStore(() -> withoutRefusedItems(operatorsClient), config);
            BudgetWindow second = BudgetPolicy.take(first, 1_780_000_001_000L, Priority.SIGNUP, 2, Long.MAX_VALUE, SETTINGS)
                    .next();
            sandbox.faults().dynamoLoseNextReplies(1);
            BudgetStore.Written read;
            try {
                read = withoutItems.write(second);
            } finally {
                sandbox.faults().reset();
            }
            assertTrue(read.written(), "applied, its reply lost: found this write's by the read after the refusal");
            assertTrue(read.lookedAgain(), "that read counted");
            assertEquals(Optional.of(second), store.read("acct-lost"));
        }
    }

    /**
     * On a DynamoDB whose refusal does not carry the item (an older local one; here the sandbox's refusals with the
     * item taken out on the way), the adapter reads it after the refusal, and says so (the caller counts the call).
     * Where there is no item, DynamoDB's refusal carries none either: a store whose refusals have carried the item is
     * not read then; one whose refusals never have reads, to be sure.
     */
    @Test
    void aRefusalWithoutTheItemIsFollowedByAReadUnlessTheStoresRefusalsCarryIt() {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            DynamoDbBudgetStore withoutItems = new DynamoDbBudgetStore(() -> withoutRefusedItems(operatorsClient), config);
            BudgetWindow first = BudgetPolicy.take(BudgetWindow.empty("acct-old"), 1_780_000_000_000L, Priority.SIGNUP, 2,
                    Long.MAX_VALUE, SETTINGS).next();
            assertTrue(withoutItems.write(first).written());
            BudgetStore.Written again = withoutItems.write(first);
            assertFalse(again.written());
            assertTrue(again.lookedAgain(), "the item read after the refusal");
            assertEquals(Optional.of(first), again.current());

            BudgetWindow aheadOfNothing = new BudgetWindow("acct-none", first.grants(), 0, 0, 4);
            BudgetStore.Written read = withoutItems.write(aheadOfNothing);
            assertFalse(read.written(), "version 3 expected, no item at all: refused");
            assertTrue(read.lookedAgain(), "no item with the refusal, from a store never seen to carry one: read");
            assertEquals(Optional.empty(), read.current());

            assertFalse(store.write(first).written(), "the deployed adapter: a refusal carrying the item");
            BudgetStore.Written none = store.write(aheadOfNothing);
            assertFalse(none.written());
            assertFalse(none.lookedAgain(), "its refusals carry the item: none with this one means there is none");
            assertEquals(Optional.empty(), none.current());
        }
    }

    /** The client, its refused conditions passed on without the item (as a DynamoDB without ALL_OLD answers). */
    private static DynamoDbClient withoutRefusedItems(DynamoDbClient client) {
        return (DynamoDbClient) java.lang.reflect.Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(client, args);
                    } catch (java.lang.reflect.InvocationTargetException thrown) {
                        if (thrown.getCause() instanceof software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException refused) {
                            throw software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.builder()
                                    .message(refused.getMessage()).statusCode(refused.statusCode()).build();
                        }
                        throw thrown.getCause();
                    }
                });
    }

    /** Priming encodes and parses a window as a write and a read would: every field comes back (no call is made). */
    @Test
    void aWindowReadsBackAsWrittenWithoutTheTable() {
        BudgetWindow sample = BudgetPolicy.shrink(BudgetPolicy.take(BudgetWindow.empty("acct-prime"), 1_780_000_000_000L,
                Priority.CLEANUP, 3, Long.MAX_VALUE, SETTINGS).next(), 1_780_000_000_500L, Duration.ofSeconds(30), SETTINGS);
        assertEquals(3, sample.grants().size());
        assertEquals(Optional.of(sample), DynamoDbBudgetStore.roundTrip(sample));
        assertEquals(Optional.of(BudgetWindow.empty("acct-prime")), DynamoDbBudgetStore.roundTrip(BudgetWindow.empty("acct-prime")),
                "no grant at all: an empty list, not an unreadable item");
        store.prime(sample);
    }

    /**
     * RateBudgetTable: the budget kept in another stack's table, the ledger's own left alone. As the operator: this
     * sandbox's stack names no RateBudgetTable (TemplateIamTest shows each function's grant on one).
     */
    @Test
    void aBudgetKeptInAnotherStacksTableIsReadAndWrittenThere() {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            inAnotherTable();
        }
    }

    private void inAnotherTable() {
        String other = "budget-test-other-ledger";
        if (!operatorsClient.listTables().tableNames().contains(other)) {
            operatorsClient.createTable(t -> t.tableName(other)
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("S"))
                    .billingMode("PAY_PER_REQUEST"));
            // dynalite creates it in the background (the SDK's waiter would poll every 20 s)
            for (int i = 0; i < 200 && operatorsClient.describeTable(d -> d.tableName(other)).table().tableStatus()
                    != software.amazon.awssdk.services.dynamodb.model.TableStatus.ACTIVE; i++) {
                sleep(50);
            }
        }
        LedgerTable.clear(operatorsClient, other);
        LedgerConfig elsewhere = (LedgerConfig) java.lang.reflect.Proxy.newProxyInstance(LedgerConfig.class.getClassLoader(),
                new Class<?>[] {LedgerConfig.class}, (proxy, method, args) -> method.getName().equals("budgetTable")
                        ? Optional.of(other) : method.invoke(config, args));
        DynamoDbBudgetStore shared = new DynamoDbBudgetStore(() -> operatorsClient, elsewhere);
        BudgetWindow first = BudgetPolicy.take(BudgetWindow.empty("acct-shared"), 1_780_000_000_000L, Priority.SIGNUP, 2,
                Long.MAX_VALUE, SETTINGS).next();
        assertTrue(shared.write(first).written());
        assertEquals(Optional.of(first), shared.read("acct-shared"));
        assertEquals(1, operatorsClient.scan(r -> r.tableName(other)).count(), "the item is in the other table");
        assertEquals(Optional.empty(), store.read("acct-shared"), "and not in this stack's ledger");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
