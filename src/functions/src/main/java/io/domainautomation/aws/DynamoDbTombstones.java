package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.cleanup.Tombstones;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The tombstones of removed domains in the ledger's table: {@code APP#<app>} / {@code REMOVED#<domain>}, the tombstone
 * as JSON, its {@code scanId} and {@code expiresAt} (the table's TTL). GetItem, PutItem, DeleteItem and UpdateItem
 * (conditional on the removal's {@code scanId}) only: what link-on-signup's offboarding is allowed; cleanup-stale's
 * ledger ({@link DynamoDbLedger}) keeps its tombstones here too.
 */
@ApplicationScoped
public class DynamoDbTombstones implements Tombstones {

    private static final String REMOVED = "REMOVED#";

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final ObjectMapper json;

    @Inject
    DynamoDbTombstones(Instance<DynamoDbClient> dynamo, LedgerConfig config, ObjectMapper json) {
        this(dynamo::get, config, json);
    }

    DynamoDbTombstones(Supplier<DynamoDbClient> dynamo, LedgerConfig config, ObjectMapper json) {
        this.dynamo = dynamo;
        this.config = config;
        this.json = json;
    }

    /** The tombstone's item key: {@code APP#<app>} / {@code REMOVED#<domain>}. */
    static Map<String, AttributeValue> itemKey(String app, String domain) {
        return key("APP#" + app, REMOVED + domain);
    }

    @Override
    public void bury(Tombstone tombstone) {
        Map<String, AttributeValue> item = itemKey(tombstone.app(), tombstone.domain());
        item.put("removedAt", s(tombstone.removedAt().toString()));
        item.put("tombstone", s(write(tombstone)));
        item.put("scanId", s(tombstone.scanId()));
        item.put("expiresAt", n(tombstone.removedAt().plus(config.tombstoneRetention()).getEpochSecond()));
        call("record the removal of " + tombstone.domain() + " of " + tombstone.app(),
                () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public Optional<Tombstone> tombstone(String app, String domain) {
        Map<String, AttributeValue> item = call("read the tombstone of " + domain + " of " + app,
                () -> dynamo.get().getItem(g -> g.tableName(config.table()).consistentRead(true).key(itemKey(app, domain)))).item();
        return tombstone(item, json);
    }

    /** A tombstone's item as {@link #bury} writes it (and {@link #removalAnnounced} marks it); empty: none. */
    static Optional<Tombstone> tombstone(Map<String, AttributeValue> item, ObjectMapper json) {
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Tombstone tombstone;
        try {
            tombstone = json.readValue(item.get("tombstone").s(), Tombstone.class);
        } catch (JsonProcessingException e) {
            throw new LedgerUnavailable("unreadable Tombstone in the ledger", false, e);
        }
        return Optional.of(item.containsKey("removalAnnounced") && item.get("removalAnnounced").bool()
                ? tombstone.withRemovalAnnounced() : tombstone);
    }

    @Override
    public void removeTombstone(String app, String domain, String scanId) {
        try {
            call("remove the tombstone of " + domain + " of " + app, () -> dynamo.get().deleteItem(d -> d.tableName(config.table())
                    .key(itemKey(app, domain)).conditionExpression("scanId = :scan")
                    .expressionAttributeValues(Map.of(":scan", s(scanId)))));
        } catch (ConditionalCheckFailedException another) {
            // another removal's tombstone (or none) since: it stays
        }
    }

    @Override
    public void removalAnnounced(String app, String domain, String scanId) {
        try {
            call("record the removal of " + domain + " of " + app + " announced", () -> dynamo.get().updateItem(u -> u
                    .tableName(config.table()).key(itemKey(app, domain))
                    .updateExpression("SET removalAnnounced = :yes").conditionExpression("scanId = :scan")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true), ":scan", s(scanId)))));
        } catch (ConditionalCheckFailedException another) {
            // restored since, or the tombstone of a later removal: nothing to say of this one
        }
    }

    private String write(Tombstone tombstone) {
        try {
            return json.writeValueAsString(tombstone);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Tombstone as JSON", e);
        }
    }
}
