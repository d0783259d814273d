package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.cleanup.CleanupRecords;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One domain's records in the cleanup's ledger, read by key (GetItem only: domain-status may read, never write):
 * {@code STALE} / {@code <app>#<domain>} and the tombstone, as {@link DynamoDbLedger} writes them.
 */
@ApplicationScoped
public class DynamoDbCleanupRecords implements CleanupRecords {

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final ObjectMapper json;

    @Inject
    DynamoDbCleanupRecords(Instance<DynamoDbClient> dynamo, LedgerConfig config, ObjectMapper json) {
        this.dynamo = dynamo::get;
        this.config = config;
        this.json = json;
    }

    @Override
    public Optional<StaleRecord> staleRecord(String app, String domain) {
        Map<String, AttributeValue> item = call("read the stale record of " + domain + " of " + app,
                () -> dynamo.get().getItem(g -> g.tableName(config.table()).consistentRead(true)
                        .key(key(DynamoDbLedger.STALE, app + "#" + domain)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(DynamoDbLedger.staleRecord(item, json));
    }

    @Override
    public Optional<Tombstone> tombstone(String app, String domain) {
        Map<String, AttributeValue> item = call("read the tombstone of " + domain + " of " + app,
                () -> dynamo.get().getItem(g -> g.tableName(config.table()).consistentRead(true)
                        .key(DynamoDbTombstones.itemKey(app, domain)))).item();
        return DynamoDbTombstones.tombstone(item, json);
    }
}
