package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;
import static io.domainautomation.aws.LedgerItems.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.BudgetStore;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The account's shared rate budget in the ledger's table (or another stack's, LEDGER_BUDGET_TABLE): one item, {@code BUDGET#<account>} / {@code WINDOW}, its
 * grants as one string ({@code from:until:count:PRIORITY;...}, only those that still count: up to about a hundred,
 * background work's a grant a slot, some 4 KB),
 * written whole by PutItem conditional on its {@code version}, read by a consistent GetItem; the table's TTL removes
 * it a day after its last write. A refused write gets the item that refused it with the refusal
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}: one call, no read after it, no read capacity). Each write names
 * itself ({@code writer}): a condition refused on the SDK's retry of a write whose reply was lost is told from another
 * container's write by the item the refusal shows.
 */
@ApplicationScoped
public class DynamoDbBudgetStore implements BudgetStore {

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    /**
     * Whether a refusal of this store has carried the item (ALL_OLD honoured): a refusal without one then means there
     * is no item, as on DynamoDB, and is not read after.
     */
    private volatile boolean refusalsCarryItems;

    @Inject
    DynamoDbBudgetStore(Instance<DynamoDbClient> dynamo, LedgerConfig config) {
        this(dynamo::get, config);
    }

    DynamoDbBudgetStore(Supplier<DynamoDbClient> dynamo, LedgerConfig config) {
        this.dynamo = dynamo;
        this.config = config;
    }

    @Override
    public Optional<BudgetWindow> read(String account) {
        return parse(account, getItem(account));
    }

    private Map<String, AttributeValue> getItem(String account) {
        return call("read the rate budget", () -> dynamo.get().getItem(g -> g.tableName(table())
                .key(key("BUDGET#" + account, "WINDOW")).consistentRead(true).overrideConfiguration(BOUNDED))).item();
    }

    private static Optional<BudgetWindow> parse(String account, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty() || !item.containsKey("version")) {
            return Optional.empty();
        }
        try {
            List<BudgetWindow.Grant> grants = new ArrayList<>();
            String encoded = text(item, "grants");
            if (encoded != null && !encoded.isEmpty()) {
                for (String grant : encoded.split(";")) {
                    String[] parts = grant.split(":");
                    grants.add(new BudgetWindow.Grant(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                            Integer.parseInt(parts[2]), priority(parts[3])));
                }
            }
            return Optional.of(new BudgetWindow(account, grants, Long.parseLong(item.get("shrinkUntil").n()),
                    Integer.parseInt(item.get("shrunkCap").n()), Long.parseLong(item.get("version").n())));
        } catch (RuntimeException unreadable) {
            // written by another version (a priority this one does not know), or damaged: as a store that cannot be
            // used, so the caller falls back rather than failing its Scalingo call
            throw new LedgerUnavailable("ledger: the rate budget's item cannot be read: " + unreadable.getClass().getSimpleName(),
                    false, unreadable);
        }
    }

    @Override
    public Written write(BudgetWindow next) {
        String writer = UUID.randomUUID().toString();
        Map<String, AttributeValue> item = item(next, writer);
        try {
            call("write the rate budget", () -> dynamo.get().putItem(p -> {
                p.tableName(table()).item(item).overrideConfiguration(BOUNDED)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                if (next.version() <= 1) {
                    p.conditionExpression("attribute_not_exists(pk)");
                } else {
                    p.conditionExpression("version = :expected").expressionAttributeValues(Map.of(":expected",
                            n(next.version() - 1)));
                }
            }));
            return Written.done();
        } catch (ConditionalCheckFailedException another) {
            // another container wrote first, or this very write did (its reply lost, the SDK's retry refused): the refusal
            // carries the item that failed the condition (ALL_OLD), and what it shows is the caller's to decide on again.
            // Without an item: there is none (DynamoDB's refusal carries none then), once this store's refusals have been
            // seen to carry one; until then it may be a DynamoDB that does not return it (an older local one): read
            boolean carried = another.hasItem();
            if (carried) {
                refusalsCarryItems = true;
            }
            boolean read = !carried && !refusalsCarryItems;
            Map<String, AttributeValue> now = carried ? another.item() : read ? getItem(next.account()) : null;
            if (now != null && writer.equals(text(now, "writer")) && now.get("version") != null
                    && String.valueOf(next.version()).equals(now.get("version").n())) {
                return read ? Written.doneThenRead() : Written.done();
            }
            Optional<BudgetWindow> current = parse(next.account(), now);
            return read ? Written.refusedThenRead(current) : Written.refused(current);
        }
    }

    /**
     * One budget call at its longest, retries included: the item is small and every Scalingo request may wait for it
     * (set-canonical's 28 s hold its requests of 6 s; AWS_API_CALL_TIMEOUT's 8 s per call would not leave them room).
     * A store slower than this is a store failing: the caller falls back.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    private static final java.util.function.Consumer<AwsRequestOverrideConfiguration.Builder> BOUNDED =
            o -> o.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(CALL_TIMEOUT.dividedBy(2));

    /**
     * A grant's priority; one this version does not know (written by a newer one, then rolled back) counts as a
     * person's: its slots count all the same, and background work leaves it headroom.
     */
    private static Priority priority(String name) {
        for (Priority known : Priority.values()) {
            if (known.name().equals(name)) {
                return known;
            }
        }
        return Priority.INTERACTIVE;
    }

    /** The window as the item written: its grants as one string, its version, and who writes it. */
    private static Map<String, AttributeValue> item(BudgetWindow window, String writer) {
        Map<String, AttributeValue> item = key("BUDGET#" + window.account(), "WINDOW");
        StringBuilder grants = new StringBuilder();
        for (BudgetWindow.Grant grant : window.grants()) {
            grants.append(grants.length() == 0 ? "" : ";").append(grant.fromMillis()).append(':').append(grant.untilMillis())
                    .append(':').append(grant.count()).append(':').append(grant.priority().name());
        }
        item.put("grants", s(grants.toString()));
        item.put("shrinkUntil", n(window.shrinkUntilMillis()));
        item.put("shrunkCap", n(window.shrunkCap()));
        item.put("version", n(window.version()));
        item.put("expiresAt", n(System.currentTimeMillis() / 1000 + Duration.ofDays(1).toSeconds()));
        item.put("writer", s(writer));
        return item;
    }

    /** A window written as the item and read back, as a write and a read would, without the table. */
    static Optional<BudgetWindow> roundTrip(BudgetWindow window) {
        return parse(window.account(), item(window, "cold-start-priming"));
    }

    /** Cold-start priming: the item's encoding and parsing, once, on the caller's sample (no call is made). */
    @Override
    public void prime(BudgetWindow sample) {
        if (!roundTrip(sample).equals(Optional.of(sample))) {
            throw new IllegalStateException("the rate budget's item does not read back as written");
        }
    }

    /** The budget's table: the ledger's, or another stack's (LEDGER_BUDGET_TABLE). */
    private String table() {
        return config.budgetTable().orElse(config.table());
    }

    @Override
    public Duration longest() {
        return CALL_TIMEOUT;
    }
}
