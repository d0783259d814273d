package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.LinkLedger;

/**
 * link-on-signup's links in the ledger's table, under {@code APP#<app>}: {@code LINKTRY#<domain>#<messageId>}, a
 * message's attempt, written before it asks Scalingo; {@code LINKED#<domainId>}, the message that announces that link
 * as linked (the first to claim it). Both expire after {@link #KEPT} (SQS keeps a message 14 days at most: no
 * delivery of it comes later). Only PutItem, GetItem and a condition: link-on-signup's IAM grants nothing else.
 */
@ApplicationScoped
public class DynamoDbLinks implements LinkLedger {

    static final Duration KEPT = Duration.ofDays(15);

    private final Instance<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final Clock clock;

    DynamoDbLinks(Instance<DynamoDbClient> dynamo, LedgerConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void recordAttempt(String app, String domain, String messageId) {
        Map<String, AttributeValue> item = key("APP#" + app, "LINKTRY#" + domain + "#" + messageId);
        item.put("expiresAt", n(clock.instant().plus(KEPT).getEpochSecond()));
        call("record the attempt to link " + domain + " to " + app, () -> dynamo.get()
                .putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public boolean attempted(String app, String domain, String messageId) {
        Map<String, AttributeValue> item = call("read the attempt to link " + domain + " to " + app, () -> dynamo.get()
                .getItem(g -> g.tableName(config.table()).key(key("APP#" + app, "LINKTRY#" + domain + "#" + messageId))
                        .consistentRead(true))).item();
        return item != null && !item.isEmpty();
    }

    @Override
    public String claim(String app, String domainId, String messageId) {
        Map<String, AttributeValue> item = key("APP#" + app, "LINKED#" + domainId);
        item.put("messageId", s(messageId));
        item.put("expiresAt", n(clock.instant().plus(KEPT).getEpochSecond()));
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                call("claim the announcement of the link " + domainId + " of " + app, () -> dynamo.get().putItem(p -> p
                        .tableName(config.table()).item(item).conditionExpression("attribute_not_exists(pk)")));
                return messageId;
            } catch (ConditionalCheckFailedException claimed) {
                // Claimed already: by another message, or by this one (a retry of this very write, its reply lost).
                Map<String, AttributeValue> holder = call("read who announces the link " + domainId + " of " + app,
                        () -> dynamo.get().getItem(g -> g.tableName(config.table()).key(key("APP#" + app, "LINKED#" + domainId))
                                .consistentRead(true))).item();
                if (holder != null && holder.containsKey("messageId")) {
                    return holder.get("messageId").s();
                }
                // expired between the two calls: claimed again
            }
        }
        throw new LedgerUnavailable("ledger: the claim of the link " + domainId + " of " + app + " kept changing", true, null);
    }
}
