package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;
import static io.domainautomation.aws.LedgerItems.text;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import io.domainautomation.logic.CanonicalLedger;

/**
 * set-canonical's last change per app in the ledger's table: {@code APP#<app ID>} / {@code CANONICAL},
 * replaced at each change only if it is still the one the request read (a conditional put), {@code announced} once
 * its event was published, {@code until} when the invocation making it ends; expires after {@link #KEPT} (an app nobody changes for
 * that long owes no announcement any more). Only PutItem, GetItem and a condition: set-canonical's IAM grants nothing
 * else.
 */
@ApplicationScoped
public class DynamoDbCanonicals implements CanonicalLedger {

    static final Duration KEPT = Duration.ofDays(30);
    private static final String SK = "CANONICAL";

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final Clock clock;

    @Inject
    DynamoDbCanonicals(Instance<DynamoDbClient> dynamo, LedgerConfig config, Clock clock) {
        this(dynamo::get, config, clock);
    }

    /** On a client of one's own (the fidelity runs give it a retry policy of their own). */
    DynamoDbCanonicals(Supplier<DynamoDbClient> dynamo, LedgerConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Optional<Change> last(String app) {
        Map<String, AttributeValue> item = call("read the last canonical change of " + app, () -> dynamo.get()
                .getItem(g -> g.tableName(config.table()).key(key("APP#" + app, SK)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue announced = item.get("announced");
        return Optional.of(new Change(app, text(item, "requestId"), text(item, "domain"), text(item, "previous"),
                text(item, "current"), text(item, "caller"), announced != null && Boolean.TRUE.equals(announced.bool()),
                instant(text(item, "until")), text(item, "appName")));
    }

    @Override
    public boolean record(Change change, Optional<String> replacing) {
        Map<String, AttributeValue> item = item(change);
        try {
            // A retry of this very write (its reply lost) finds its own request id: the condition holds for it too.
            call("record the canonical change of " + change.app(), () -> dynamo.get().putItem(p -> {
                p.tableName(config.table()).item(item);
                if (replacing.isEmpty()) {
                    p.conditionExpression("attribute_not_exists(pk) OR requestId = :mine")
                            .expressionAttributeValues(Map.of(":mine", s(change.requestId())));
                } else {
                    p.conditionExpression("requestId = :read OR requestId = :mine")
                            .expressionAttributeValues(Map.of(":read", s(replacing.get()), ":mine", s(change.requestId())));
                }
            }));
            return true;
        } catch (ConditionalCheckFailedException another) {
            return false;
        }
    }

    @Override
    public void markAnnounced(Change change) {
        Map<String, AttributeValue> item = item(change.announcedNow());
        try {
            call("mark the canonical change of " + change.app() + " announced", () -> dynamo.get()
                    .putItem(p -> p.tableName(config.table()).item(item).conditionExpression("requestId = :r")
                            .expressionAttributeValues(Map.of(":r", s(change.requestId())))));
        } catch (ConditionalCheckFailedException replaced) {
            // a later change replaced it: that one has its own announcement
        }
    }

    private Map<String, AttributeValue> item(Change change) {
        Map<String, AttributeValue> item = key("APP#" + change.app(), SK);
        item.put("requestId", s(change.requestId()));
        item.put("domain", s(change.domain() == null ? "" : change.domain()));
        item.put("previous", s(change.previous() == null ? "" : change.previous()));
        item.put("current", s(change.current() == null ? "" : change.current()));
        item.put("caller", s(change.caller() == null ? "" : change.caller()));
        item.put("appName", s(change.appName() == null ? "" : change.appName()));
        item.put("announced", AttributeValue.fromBool(change.announced()));
        if (change.until() != null) {
            item.put("until", s(change.until().toString()));
        }
        item.put("expiresAt", n(clock.instant().plus(KEPT).getEpochSecond()));
        return item;
    }

    /** An instant as written; unreadable (written by hand?), none: the change is then not taken as in flight. */
    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException unreadable) {
            return null;
        }
    }

}
