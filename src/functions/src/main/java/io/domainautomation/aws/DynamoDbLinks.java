package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;

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

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.LinkLedger;

/**
 * link-on-signup's links in the ledger's table, under {@code APP#<app ID>} (a rename does not change it): {@code
 * LINKTRY#<domain>#<requestKey>}, a request's attempt, written before it asks Scalingo, with {@code until}, when the
 * invocation asking ends; {@code LINKED#<domainId>}, the
 * request that announces that link as linked (the first to claim it). Both expire after {@link #KEPT}: longer than a
 * message lives in the onboarding queue (4 days) and then its dead-letter queue (14 days) before a redrive. Only
 * PutItem, GetItem and a condition: link-on-signup's IAM grants nothing else.
 */
@ApplicationScoped
public class DynamoDbLinks implements LinkLedger {

    static final Duration KEPT = Duration.ofDays(30);

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final Clock clock;

    @Inject
    DynamoDbLinks(Instance<DynamoDbClient> dynamo, LedgerConfig config, Clock clock) {
        this(dynamo::get, config, clock);
    }

    /** On a client of one's own (the fidelity runs give it a retry policy of their own). */
    DynamoDbLinks(Supplier<DynamoDbClient> dynamo, LedgerConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void recordAttempt(String app, String domain, String requestKey, Instant until) {
        Map<String, AttributeValue> item = key("APP#" + app, "LINKTRY#" + domain + "#" + requestKey);
        item.put("until", s(until.toString()));
        item.put("untilMillis", n(until.toEpochMilli()));
        item.put("expiresAt", n(clock.instant().plus(KEPT).getEpochSecond()));
        try {
            // The later end wins: two invocations of one request at once (a duplicate in another container) never
            // shorten the window in which a link may be the request's.
            call("record the attempt to link " + domain + " to " + app, () -> dynamo.get().putItem(p -> p
                    .tableName(config.table()).item(item)
                    .conditionExpression("attribute_not_exists(untilMillis) OR untilMillis < :until")
                    .expressionAttributeValues(Map.of(":until", n(until.toEpochMilli())))));
        } catch (ConditionalCheckFailedException later) {
            // a later end is on record already (this very write retried after its reply was lost, or another invocation)
        }
    }

    @Override
    public Optional<Instant> attempted(String app, String domain, String requestKey) {
        Map<String, AttributeValue> item = call("read the attempt to link " + domain + " to " + app, () -> dynamo.get()
                .getItem(g -> g.tableName(config.table()).key(key("APP#" + app, "LINKTRY#" + domain + "#" + requestKey))
                        .consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        // an attempt recorded before "until" was: its link is no older than the item's own expiry allows
        try {
            return Optional.of(item.containsKey("until") ? Instant.parse(item.get("until").s()) : Instant.MAX);
        } catch (java.time.format.DateTimeParseException unreadable) {
            return Optional.of(Instant.MAX); // an attempt on record whose end cannot be read: as one without an end
        }
    }

    @Override
    public String claim(String app, String domainId, String requestKey) {
        Map<String, AttributeValue> item = key("APP#" + app, "LINKED#" + domainId);
        item.put("requestKey", s(requestKey));
        item.put("expiresAt", n(clock.instant().plus(KEPT).getEpochSecond()));
        try {
            call("claim the announcement of the link " + domainId + " of " + app, () -> dynamo.get().putItem(p -> p
                    .tableName(config.table()).item(item).conditionExpression("attribute_not_exists(pk)")));
            return requestKey;
        } catch (ConditionalCheckFailedException claimed) {
            // Claimed already: by another request, or by this one (a retry of this very write, its reply lost).
            Map<String, AttributeValue> holder = call("read who announces the link " + domainId + " of " + app,
                    () -> dynamo.get().getItem(g -> g.tableName(config.table()).key(key("APP#" + app, "LINKED#" + domainId))
                            .consistentRead(true))).item();
            if (holder == null || !holder.containsKey("requestKey")) {
                throw new LedgerUnavailable("ledger: the claim of the link " + domainId + " of " + app
                        + " expired as it was read", true, null);
            }
            return holder.get("requestKey").s();
        }
    }
}
