package io.domainautomation.aws;

import static io.domainautomation.aws.LedgerItems.call;
import static io.domainautomation.aws.LedgerItems.key;
import static io.domainautomation.aws.LedgerItems.n;
import static io.domainautomation.aws.LedgerItems.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CertificateProgress;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Ticker;

/**
 * The cleanup ledger in one DynamoDB table with a string partition key {@code pk} and sort key {@code sk}:
 * <ul>
 * <li>{@code STALE} / {@code <app>#<domain>}: a domain seen stale (first and last sighting, rules, evidence, scans),
 * all in one partition, so a scan reads them with one query per invocation, not one per app;
 * <li>{@code LETSENCRYPT} / {@code <app>#<domain>}: a Let's Encrypt certificate awaited (status, since when, announced
 * stuck) or recently issued, in one partition too;
 * <li>{@code APP#<app>} / {@code REMOVED#<domain>}: the tombstone of a removed domain;
 * <li>{@code SCAN} / {@code RUNNING}: which scan runs, until when (the one-scan-at-a-time claim);
 * <li>{@code SCAN#<id>} / {@code STATE}: a scan's state, its step and the lease of the invocation working on it.
 * </ul>
 * Every item carries {@code expiresAt} (epoch seconds), the table's TTL attribute. The running-scan claim's own expiry
 * is {@code claimUntil}, and a scan's items are kept {@link #SCAN_KEPT} past it (and past each save), so DynamoDB's TTL
 * never deletes a scan that still holds or may take back its place. Single-item conditional writes only.
 */
@ApplicationScoped
public class DynamoDbLedger implements CleanupLedger {

    static final String STALE = "STALE";
    private static final String LETSENCRYPT = "LETSENCRYPT";
    /** How long a scan's claim and state are kept after the claim's expiry or the state's last save. */
    static final java.time.Duration SCAN_KEPT = java.time.Duration.ofDays(14);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Supplier<DynamoDbClient> dynamo;
    private final LedgerConfig config;
    private final ObjectMapper json;
    private final DynamoDbTombstones tombstones;

    @Inject
    DynamoDbLedger(Instance<DynamoDbClient> dynamo, LedgerConfig config, ObjectMapper json) {
        this(dynamo::get, config, json);
    }

    /** On a client of one's own (the fidelity runs give it a retry policy of their own). */
    DynamoDbLedger(Supplier<DynamoDbClient> dynamo, LedgerConfig config, ObjectMapper json) {
        this.dynamo = dynamo;
        this.config = config;
        this.json = json;
        this.tombstones = new DynamoDbTombstones(dynamo, config, json);
    }

    @Override
    public Map<String, StaleRecord> staleRecords(String app) {
        Map<String, StaleRecord> records = new HashMap<>();
        query("query the stale records of " + app, app + "#").forEach(record -> records.put(record.domain(), record));
        return records;
    }

    @Override
    public Map<String, Map<String, StaleRecord>> allStaleRecords() {
        return allStaleRecords(Deadline.none());
    }

    private Map<String, Map<String, StaleRecord>> allStaleRecords(Deadline latestStart) {
        Map<String, Map<String, StaleRecord>> byApp = new HashMap<>();
        query("query the stale records", "", latestStart).forEach(record -> byApp
                .computeIfAbsent(record.app(), a -> new HashMap<>()).put(record.domain(), record));
        return byApp;
    }

    /** The stale records whose sort key starts with {@code prefix}, across pages. */
    private List<StaleRecord> query(String action, String prefix) {
        return query(action, prefix, Deadline.none());
    }

    private List<StaleRecord> query(String action, String prefix, Deadline latestStart) {
        return queryPartition(action, STALE, prefix, latestStart).stream().map(this::staleRecord).toList();
    }

    /**
     * The items of one partition whose sort key starts with {@code prefix}, across pages, each page started by
     * {@code latestStart} (one that cannot be fails the query: transient, the invocation's time ran out).
     */
    private List<Map<String, AttributeValue>> queryPartition(String action, String partition, String prefix,
            Deadline latestStart) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            if (!latestStart.allows(java.time.Duration.ZERO, Ticker.SYSTEM)) {
                throw new LedgerUnavailable("ledger: " + action + ": not read within this invocation's time ("
                        + items.size() + " items read)", true, null);
            }
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = call(action, () -> dynamo.get().query(q -> q
                    .tableName(config.table())
                    // Strongly consistent: what a scan reads right before a decision (an unlink) is what was written.
                    .consistentRead(true)
                    .keyConditionExpression(prefix.isEmpty() ? "pk = :pk" : "pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(prefix.isEmpty() ? Map.of(":pk", s(partition))
                            : Map.of(":pk", s(partition), ":prefix", s(prefix)))
                    .exclusiveStartKey(from)));
            items.addAll(page.items());
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return items;
    }

    @Override
    public void remember(StaleRecord record) {
        Map<String, AttributeValue> item = key(STALE, record.app() + "#" + record.domain());
        item.put("domainId", s(record.domainId()));
        item.put("firstStaleAt", s(record.firstStaleAt().toString()));
        item.put("lastStaleAt", s(record.lastStaleAt().toString()));
        item.put("rules", AttributeValue.fromL(record.rules().stream().map(LedgerItems::s).toList()));
        item.put("evidence", s(write(record.evidence())));
        item.put("sightings", n(record.sightings()));
        item.put("lastScanId", s(record.lastScanId()));
        item.put("announced", AttributeValue.fromBool(record.announced()));
        item.put("expiresAt", n(record.lastStaleAt().plus(config.staleRecordRetention()).getEpochSecond()));
        call("remember " + record.domain() + " of " + record.app(), () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public void markAnnounced(String app, String domain, Instant firstStaleAt) {
        try {
            call("record the mark of " + domain + " of " + app + " announced", () -> dynamo.get().updateItem(u -> u
                    .tableName(config.table()).key(key(STALE, app + "#" + domain))
                    .updateExpression("SET announced = :yes").conditionExpression("firstStaleAt = :first")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true), ":first",
                            s(firstStaleAt.toString())))));
        } catch (ConditionalCheckFailedException gone) {
            // forgotten, or a newer record: nothing to say of this one
        }
    }

    @Override
    public void forget(String app, String domain) {
        call("forget " + domain + " of " + app, () -> dynamo.get().deleteItem(d -> d.tableName(config.table())
                .key(key(STALE, app + "#" + domain))));
    }

    /**
     * The two queries side by side: the Let's Encrypt records on a thread of their own, the stale records on the
     * caller's (each page ends within the client's API call timeout, and starts by {@code latestStart}). The other
     * thread is always waited for, so no read of this invocation outlives it; when both fail, the caller's failure is
     * the one thrown.
     */
    @Override
    public Memory scanMemory(Deadline latestStart) {
        CompletableFuture<Map<String, Map<String, CertificateProgress>>> certificates = CompletableFuture
                .supplyAsync(() -> allCertificateProgress(latestStart), DynamoDbLedger::onItsOwnThread);
        Map<String, Map<String, StaleRecord>> stale;
        try {
            stale = allStaleRecords(latestStart);
        } catch (RuntimeException | Error e) {
            certificates.exceptionally(other -> null).join(); // waited for; the caller's failure is the one thrown
            throw e;
        }
        try {
            return new Memory(stale, certificates.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static void onItsOwnThread(Runnable read) {
        Thread thread = new Thread(LocalCredentials.carried(read), "ledger-read");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Map<String, Map<String, CertificateProgress>> allCertificateProgress() {
        return allCertificateProgress(Deadline.none());
    }

    private Map<String, Map<String, CertificateProgress>> allCertificateProgress(Deadline latestStart) {
        Map<String, Map<String, CertificateProgress>> byApp = new HashMap<>();
        for (Map<String, AttributeValue> item : queryPartition("query the Let's Encrypt records", LETSENCRYPT, "",
                latestStart)) {
            String sk = item.get("sk").s();
            int separator = sk.indexOf('#');
            Instant since = Instant.parse(item.get("since").s());
            // A record written before seenAt was kept was last written its retention before it expires.
            Instant seenAt = item.containsKey("seenAt") ? Instant.parse(item.get("seenAt").s())
                    : item.containsKey("expiresAt")
                            ? Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())).minus(config.staleRecordRetention())
                            : since;
            CertificateProgress progress = new CertificateProgress(sk.substring(0, separator), sk.substring(separator + 1),
                    item.get("status").s(), since, item.get("stuckAnnounced").bool(), seenAt);
            byApp.computeIfAbsent(progress.app(), a -> new HashMap<>()).put(progress.domain(), progress);
        }
        return byApp;
    }

    @Override
    public void rememberProgress(CertificateProgress progress) {
        Map<String, AttributeValue> item = key(LETSENCRYPT, progress.app() + "#" + progress.domain());
        item.put("status", s(progress.status()));
        item.put("since", s(progress.since().toString()));
        item.put("stuckAnnounced", AttributeValue.fromBool(progress.stuckAnnounced()));
        item.put("seenAt", s(progress.seenAt().toString()));
        // Forgotten once no scan has written it for the retention: scans rewrite one that does not change weekly.
        item.put("expiresAt", n(progress.seenAt().plus(config.staleRecordRetention()).getEpochSecond()));
        call("remember the certificate of " + progress.domain() + " of " + progress.app(),
                () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)));
    }

    @Override
    public void forgetProgress(String app, String domain) {
        call("forget the certificate of " + domain + " of " + app, () -> dynamo.get().deleteItem(d -> d
                .tableName(config.table()).key(key(LETSENCRYPT, app + "#" + domain))));
    }

    @Override
    public void bury(Tombstone tombstone) {
        tombstones.bury(tombstone);
    }

    @Override
    public Optional<Tombstone> tombstone(String app, String domain) {
        return tombstones.tombstone(app, domain);
    }

    @Override
    public void removalAnnounced(String app, String domain, String scanId) {
        tombstones.removalAnnounced(app, domain, scanId);
    }

    @Override
    public void removeTombstone(String app, String domain, String scanId) {
        tombstones.removeTombstone(app, domain, scanId);
    }

    @Override
    public Optional<String> claimScan(String scanId, Instant now, Instant expiresAt) {
        Map<String, AttributeValue> item = key("SCAN", "RUNNING");
        item.put("scanId", s(scanId));
        item.put("claimUntil", n(expiresAt.getEpochSecond()));
        item.put("expiresAt", n(expiresAt.plus(SCAN_KEPT).getEpochSecond()));
        try {
            call("claim the running scan", () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR claimUntil <= :now"
                            + " OR (attribute_not_exists(claimUntil) AND expiresAt <= :now)")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException taken) {
            return Optional.of(runningScan(now).orElse("another scan"));
        }
    }

    @Override
    public void renewScan(String scanId, Instant expiresAt) {
        try {
            call("renew the running scan", () -> dynamo.get().updateItem(u -> u.tableName(config.table())
                    .key(key("SCAN", "RUNNING")).updateExpression("SET claimUntil = :until, expiresAt = :kept")
                    .conditionExpression("scanId = :id")
                    .expressionAttributeValues(Map.of(":id", s(scanId), ":until", n(expiresAt.getEpochSecond()),
                            ":kept", n(expiresAt.plus(SCAN_KEPT).getEpochSecond())))));
        } catch (ConditionalCheckFailedException notOurs) {
            // another scan holds the place (this one's claim expired before): leave it alone
        }
    }

    @Override
    public void releaseScan(String scanId) {
        try {
            call("release the running scan", () -> dynamo.get().deleteItem(d -> d.tableName(config.table())
                    .key(key("SCAN", "RUNNING")).conditionExpression("scanId = :id")
                    .expressionAttributeValues(Map.of(":id", s(scanId)))));
        } catch (ConditionalCheckFailedException notOurs) {
            // another scan took the place after this one's claim expired: leave it alone
        }
    }

    @Override
    public Optional<String> lastScan() {
        Map<String, AttributeValue> item = call("read the last scan", () -> dynamo.get().getItem(g -> g
                .tableName(config.table()).key(key("SCAN", "RUNNING")).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("scanId").s());
    }

    @Override
    public Optional<String> runningScan(Instant now) {
        Map<String, AttributeValue> item = call("read the running scan", () -> dynamo.get().getItem(g -> g
                .tableName(config.table()).key(key("SCAN", "RUNNING")).consistentRead(true))).item();
        String until = item == null || item.isEmpty() ? null
                : item.containsKey("claimUntil") ? item.get("claimUntil").n() : item.get("expiresAt").n();
        if (until == null || Long.parseLong(until) <= now.getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(item.get("scanId").s());
    }

    @Override
    public void createScan(ScanState state, String holder, Instant leaseUntil, Instant expiresAt) {
        Map<String, AttributeValue> item = key("SCAN#" + state.scanId(), "STATE");
        item.put("state", s(write(state)));
        item.put("step", n(state.step()));
        item.put("leaseUntil", n(leaseUntil.getEpochSecond()));
        item.put("leaseId", s(holder));
        item.put("expiresAt", n(expiresAt.plus(SCAN_KEPT).getEpochSecond()));
        try {
            call("store scan " + state.scanId(), () -> dynamo.get().putItem(p -> p.tableName(config.table()).item(item)
                    .conditionExpression("attribute_not_exists(pk)")));
        } catch (ConditionalCheckFailedException exists) {
            throw new LedgerUnavailable("scan " + state.scanId() + " exists already", false, null);
        }
    }

    @Override
    public Optional<ScanState> leaseScan(String scanId, int step, String holder, Instant now, Instant leaseUntil) {
        try {
            Map<String, AttributeValue> item = call("lease scan " + scanId, () -> dynamo.get().updateItem(u -> u
                    .tableName(config.table()).key(key("SCAN#" + scanId, "STATE"))
                    .updateExpression("SET leaseUntil = :until, leaseId = :holder REMOVE handedOn")
                    .conditionExpression("step = :step AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now"
                            + " OR handedOn = :yes)")
                    .expressionAttributeValues(Map.of(":until", n(leaseUntil.getEpochSecond()), ":step", n(step),
                            ":now", n(now.getEpochSecond()), ":yes", AttributeValue.fromBool(true), ":holder", s(holder)))
                    .returnValues("ALL_NEW"))).attributes();
            return Optional.of(read(item.get("state").s(), ScanState.class));
        } catch (ConditionalCheckFailedException notThisStep) {
            return heldBy(scanId, holder, now).filter(state -> state.step() == step);
        }
    }

    @Override
    public Optional<ScanState> leaseAbandonedScan(String scanId, String holder, Instant now, Instant leaseUntil) {
        try {
            Map<String, AttributeValue> item = call("take over scan " + scanId, () -> dynamo.get().updateItem(u -> u
                    .tableName(config.table()).key(key("SCAN#" + scanId, "STATE"))
                    .updateExpression("SET leaseUntil = :until, leaseId = :holder REMOVE handedOn")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)")
                    .expressionAttributeValues(Map.of(":until", n(leaseUntil.getEpochSecond()), ":now", n(now.getEpochSecond()),
                            ":holder", s(holder)))
                    .returnValues("ALL_NEW"))).attributes();
            return Optional.of(read(item.get("state").s(), ScanState.class));
        } catch (ConditionalCheckFailedException held) {
            return heldBy(scanId, holder, now);
        }
    }

    /**
     * A lease refused by its condition may be {@code holder}'s own: its earlier attempt, applied with its reply lost
     * and met again by the SDK's retry or by Lambda's retry of the invocation. Looked at (a strongly consistent read),
     * not assumed: the state when the stored lease is the holder's, running and not handed on.
     */
    private Optional<ScanState> heldBy(String scanId, String holder, Instant now) {
        Map<String, AttributeValue> item = call("read scan " + scanId, () -> dynamo.get().getItem(g -> g
                .tableName(config.table()).key(key("SCAN#" + scanId, "STATE")).consistentRead(true))).item();
        if (item == null || item.isEmpty() || !item.containsKey("leaseId") || !holder.equals(item.get("leaseId").s())
                || Long.parseLong(item.get("leaseUntil").n()) <= now.getEpochSecond()
                || (item.containsKey("handedOn") && Boolean.TRUE.equals(item.get("handedOn").bool()))) {
            return Optional.empty();
        }
        return Optional.of(read(item.get("state").s(), ScanState.class));
    }

    @Override
    public boolean saveScan(ScanState state, Instant handedOnUntil) {
        try {
            call("store scan " + state.scanId(), () -> dynamo.get().updateItem(u -> u.tableName(config.table())
                    .key(key("SCAN#" + state.scanId(), "STATE"))
                    .updateExpression("SET #state = :state, step = :next, leaseUntil = :until, handedOn = :yes, expiresAt = :kept")
                    .conditionExpression("step = :previous")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(write(state)), ":next", n(state.step()),
                            ":previous", n(state.step() - 1), ":until", n(handedOnUntil.getEpochSecond()),
                            ":yes", AttributeValue.fromBool(true),
                            ":kept", n(handedOnUntil.plus(SCAN_KEPT).getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    @Override
    public void releaseLease(String scanId) {
        try {
            call("release the lease on scan " + scanId, () -> dynamo.get().updateItem(u -> u.tableName(config.table())
                    .key(key("SCAN#" + scanId, "STATE")).updateExpression("SET leaseUntil = :zero")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":zero", n(0)))));
        } catch (ConditionalCheckFailedException unknown) {
            throw new LedgerUnavailable("no scan " + scanId, false, null);
        }
    }

    @Override
    public Optional<ScanState> scan(String scanId) {
        Map<String, AttributeValue> item = call("read scan " + scanId, () -> dynamo.get().getItem(g -> g
                .tableName(config.table()).key(key("SCAN#" + scanId, "STATE")).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item.get("state").s(), ScanState.class));
    }

    private StaleRecord staleRecord(Map<String, AttributeValue> item) {
        return staleRecord(item, json);
    }

    /** A stale record's item, as written by {@link #remember} (DynamoDbCleanupRecords reads them too). */
    static StaleRecord staleRecord(Map<String, AttributeValue> item, ObjectMapper json) {
        String sk = item.get("sk").s();
        int separator = sk.indexOf('#');
        Map<String, Object> evidence;
        try {
            evidence = json.readValue(item.get("evidence").s(), MAP);
        } catch (JsonProcessingException e) {
            throw new LedgerUnavailable("unreadable record in the ledger", false, e);
        }
        return new StaleRecord(sk.substring(0, separator), sk.substring(separator + 1), item.get("domainId").s(),
                Instant.parse(item.get("firstStaleAt").s()), Instant.parse(item.get("lastStaleAt").s()),
                item.get("rules").l().stream().map(AttributeValue::s).toList(), evidence,
                Integer.parseInt(item.get("sightings").n()), item.get("lastScanId").s(),
                !item.containsKey("announced") || item.get("announced").bool());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new LedgerUnavailable("unreadable " + type.getSimpleName() + " in the ledger", false, e);
        }
    }
}
