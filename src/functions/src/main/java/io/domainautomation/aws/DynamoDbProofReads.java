package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.text;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.domainautomation.logic.ownership.ProofRecord;
import io.domainautomation.logic.ownership.ProofRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a proof of ownership ({@code APP#<app ID>} / {@code PROOF#<domain>}) by a consistent GetItem, and nothing else:
 * domain-status's IAM grants no write ({@link DynamoDbOwnershipProofs} writes them).
 */
@ApplicationScoped
public class DynamoDbProofReads implements ProofRecords {

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;

    @Inject
    DynamoDbProofReads(Instance<DynamoDbClient> dynamo, LedgerConfig config) {
        this(dynamo::get, config);
    }

    DynamoDbProofReads(Supplier<DynamoDbClient> dynamo, LedgerConfig config) {
        this.dynamo = dynamo;
        this.config = config;
    }

    @Override
    public Optional<ProofRecord> read(String appId, String domain) {
        Map<String, AttributeValue> item = call("read the proof of ownership of " + domain + " for " + appId,
                () -> dynamo.get().getItem(g -> g.tableName(config.table()).key(itemKey(appId, domain)).consistentRead(true)))
                .item();
        if (item == null || item.isEmpty() || !item.containsKey("token")) {
            return Optional.empty();
        }
        Instant since = Instant.parse(text(item, "since"));
        return Optional.of(new ProofRecord(appId, domain, text(item, "token"), since, Instant.parse(text(item, "windowEnds")),
                instant(item, "requestedAt").orElse(since), ProofRecord.State.valueOf(text(item, "state")),
                instant(item, "provenAt"), Optional.ofNullable(text(item, "provenBy")), instant(item, "announcedFor"),
                Optional.ofNullable(text(item, "recheck")), instant(item, "withdrawnAt"), instant(item, "withdrawnFor"),
                Long.parseLong(item.get("version").n())));
    }

    private static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(text(item, name)).map(Instant::parse);
    }

    static Map<String, AttributeValue> itemKey(String appId, String domain) {
        return key("APP#" + appId, "PROOF#" + domain);
    }
}
