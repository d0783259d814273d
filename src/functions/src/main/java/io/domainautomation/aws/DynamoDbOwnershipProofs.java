package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.domainautomation.logic.ownership.OwnershipProofs;
import io.domainautomation.logic.ownership.ProofRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The proofs of ownership in the ledger's table: {@code APP#<app ID>} / {@code PROOF#<domain>}, one item per claim,
 * written whole by PutItem conditional on its {@code version} (absent for the first), read by {@link DynamoDbProofReads}.
 * Kept by the table's TTL: an unproven or withdrawn claim 30 days after it ended, a proven one a year (domain-status
 * shows it).
 */
@ApplicationScoped
public class DynamoDbOwnershipProofs implements OwnershipProofs {

    static final Duration KEPT_AFTER_END = Duration.ofDays(30);
    static final Duration KEPT_PROVEN = Duration.ofDays(365);

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final DynamoDbProofReads reads;

    @Inject
    DynamoDbOwnershipProofs(Instance<DynamoDbClient> dynamo, LedgerConfig config) {
        this(dynamo::get, config);
    }

    DynamoDbOwnershipProofs(Supplier<DynamoDbClient> dynamo, LedgerConfig config) {
        this.dynamo = dynamo;
        this.config = config;
        this.reads = new DynamoDbProofReads(dynamo, config);
    }

    @Override
    public Optional<ProofRecord> read(String appId, String domain) {
        return reads.read(appId, domain);
    }

    @Override
    public boolean write(ProofRecord next) {
        Map<String, AttributeValue> item = DynamoDbProofReads.itemKey(next.appId(), next.domain());
        item.put("token", s(next.token()));
        item.put("since", s(next.since().toString()));
        item.put("windowEnds", s(next.windowEnds().toString()));
        item.put("requestedAt", s(next.requestedAt().toString()));
        item.put("state", s(next.state().name()));
        next.provenAt().ifPresent(at -> item.put("provenAt", s(at.toString())));
        next.provenBy().ifPresent(by -> item.put("provenBy", s(by)));
        next.announcedFor().ifPresent(at -> item.put("announcedFor", s(at.toString())));
        next.recheck().ifPresent(id -> item.put("recheck", s(id)));
        next.withdrawnAt().ifPresent(at -> item.put("withdrawnAt", s(at.toString())));
        next.withdrawnFor().ifPresent(at -> item.put("withdrawnFor", s(at.toString())));
        item.put("version", n(next.version()));
        item.put("expiresAt", n(keptUntil(next).getEpochSecond()));
        try {
            call("record the proof of ownership of " + next.domain() + " for " + next.appId(), () -> dynamo.get().putItem(p -> {
                p.tableName(config.table()).item(item);
                if (next.version() <= 1) {
                    p.conditionExpression("attribute_not_exists(pk)");
                } else {
                    p.conditionExpression("version = :expected")
                            .expressionAttributeValues(Map.of(":expected", n(next.version() - 1)));
                }
            }));
            return true;
        } catch (ConditionalCheckFailedException another) {
            return false;
        }
    }

    static Instant keptUntil(ProofRecord proof) {
        return switch (proof.state()) {
            case PROVEN -> proof.provenAt().orElse(proof.since()).plus(KEPT_PROVEN);
            case WITHDRAWN -> proof.withdrawnAt().orElse(proof.since()).plus(KEPT_AFTER_END);
            case PENDING -> proof.windowEnds().plus(KEPT_AFTER_END); // its looks end a day after the window at the latest
        };
    }

}
