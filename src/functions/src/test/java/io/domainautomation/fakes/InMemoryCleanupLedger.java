package io.domainautomation.fakes;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CertificateProgress;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;

/**
 * The cleanup ledger in memory, with the conditional writes of {@code aws.DynamoDbLedger} (times compared in whole
 * epoch seconds, as its items store them): one running-scan claim, a scan's state leased per step, handed on to its
 * continuation. Faults ({@link LedgerUnavailable}, transient) are injected through {@link Faults}.
 */
public final class InMemoryCleanupLedger implements CleanupLedger {

    private record StoredScan(ScanState state, long leaseUntil, boolean handedOn, String holder) {
    }

    private final Map<String, Map<String, StaleRecord>> stale = new LinkedHashMap<>();
    private final Map<String, Map<String, CertificateProgress>> progress = new LinkedHashMap<>();
    private final Map<String, Tombstone> tombstones = new LinkedHashMap<>();
    private final Map<String, StoredScan> scans = new LinkedHashMap<>();
    private String runningScan;
    private long runningUntil;
    private Faults faults = Faults.NONE;
    private FaultPhase lastFault = FaultPhase.NONE;

    /** Where the fault of the last call struck, for a mirror that makes a real ledger meet the same (simulation). */
    public enum FaultPhase {
        /** No fault: the call answered as the ledger is. */
        NONE,
        /** Before the call: nothing was applied. */
        BEFORE,
        /** After the call was applied: its reply was lost (or the process ended). */
        AFTER,
        /** Applied, and the SDK's retry of the conditional write met its own change (see conditionFailedOnRetry). */
        CONDITION_ON_RETRY
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    /** The fault phase of the last call, then forgotten. */
    public synchronized FaultPhase takeLastFault() {
        FaultPhase phase = lastFault;
        lastFault = FaultPhase.NONE;
        return phase;
    }

    /** The running scan's id at {@code now}, read without a fault (for checks). */
    public synchronized Optional<String> runningScanId(Instant now) {
        return runningScan != null && runningUntil > now.getEpochSecond() ? Optional.of(runningScan) : Optional.empty();
    }

    /** A scan's stored state, read without a fault (for checks). */
    public synchronized Optional<ScanState> scanState(String scanId) {
        return Optional.ofNullable(scans.get(scanId)).map(StoredScan::state);
    }

    /** Every tombstone, by {@code app domain}. */
    public synchronized Map<String, Tombstone> tombstones() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tombstones));
    }

    @Override
    public synchronized Map<String, StaleRecord> staleRecords(String app) {
        call("staleRecords");
        // in a stable order: Map.copyOf's differs from one JVM to the next, and a seed must replay the same history
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(stale.getOrDefault(app, Map.of())));
    }

    /** The latest start the last scan invocation gave its first reads (scanMemory), if any. */
    public volatile io.domainautomation.logic.port.Deadline lastScanMemoryLatestStart;

    @Override
    public Memory scanMemory(io.domainautomation.logic.port.Deadline latestStart) {
        lastScanMemoryLatestStart = latestStart;
        return CleanupLedger.super.scanMemory(latestStart);
    }

    @Override
    public synchronized Map<String, Map<String, StaleRecord>> allStaleRecords() {
        call("allStaleRecords");
        Map<String, Map<String, StaleRecord>> copy = new HashMap<>();
        // Only apps with records, as DynamoDB's query of the records answers (FidelityTest found an app whose
        // records were all forgotten listed here with none).
        stale.forEach((app, records) -> {
            if (!records.isEmpty()) {
                copy.put(app, new HashMap<>(records));
            }
        });
        return copy;
    }

    @Override
    public synchronized void remember(StaleRecord record) {
        call("remember");
        stale.computeIfAbsent(record.app(), a -> new LinkedHashMap<>()).put(record.domain(), record);
        done("remember");
    }

    @Override
    public synchronized void markAnnounced(String app, String domain, Instant firstStaleAt) {
        call("markAnnounced");
        Map<String, StaleRecord> records = stale.get(app);
        StaleRecord record = records == null ? null : records.get(domain);
        if (record != null && record.firstStaleAt().equals(firstStaleAt)) {
            records.put(domain, new StaleRecord(record.app(), record.domain(), record.domainId(), record.firstStaleAt(),
                    record.lastStaleAt(), record.rules(), record.evidence(), record.sightings(), record.lastScanId(), true));
        }
        done("markAnnounced");
    }

    @Override
    public synchronized void removalAnnounced(String app, String domain, String scanId) {
        call("removalAnnounced");
        Tombstone tombstone = tombstones.get(app + " " + domain);
        if (tombstone != null && scanId.equals(tombstone.scanId())) {
            tombstones.put(app + " " + domain, tombstone.withRemovalAnnounced());
        }
        done("removalAnnounced");
    }

    @Override
    public synchronized void forget(String app, String domain) {
        call("forget");
        Optional.ofNullable(stale.get(app)).ifPresent(records -> records.remove(domain));
        done("forget");
    }

    @Override
    public synchronized Map<String, Map<String, CertificateProgress>> allCertificateProgress() {
        call("allCertificateProgress");
        Map<String, Map<String, CertificateProgress>> copy = new HashMap<>();
        progress.forEach((app, records) -> {
            if (!records.isEmpty()) {
                copy.put(app, new HashMap<>(records));
            }
        });
        return copy;
    }

    @Override
    public synchronized void rememberProgress(CertificateProgress certificate) {
        call("rememberProgress");
        progress.computeIfAbsent(certificate.app(), a -> new LinkedHashMap<>()).put(certificate.domain(), certificate);
        done("rememberProgress");
    }

    @Override
    public synchronized void forgetProgress(String app, String domain) {
        call("forgetProgress");
        Optional.ofNullable(progress.get(app)).ifPresent(records -> records.remove(domain));
        done("forgetProgress");
    }

    @Override
    public synchronized void bury(Tombstone tombstone) {
        call("bury");
        tombstones.put(tombstone.app() + " " + tombstone.domain(), tombstone);
        done("bury");
    }

    @Override
    public synchronized Optional<Tombstone> tombstone(String app, String domain) {
        call("tombstone");
        return Optional.ofNullable(tombstones.get(app + " " + domain));
    }

    @Override
    public synchronized void removeTombstone(String app, String domain, String scanId) {
        call("removeTombstone");
        Tombstone tombstone = tombstones.get(app + " " + domain);
        if (tombstone != null && scanId.equals(tombstone.scanId())) {
            tombstones.remove(app + " " + domain);
        }
        done("removeTombstone");
    }

    @Override
    public synchronized Optional<String> claimScan(String scanId, Instant now, Instant expiresAt) {
        call("claimScan");
        if (runningScan != null && runningUntil > now.getEpochSecond()) {
            return Optional.of(runningScan);
        }
        runningScan = scanId;
        runningUntil = expiresAt.getEpochSecond();
        return conditionFailedOnRetry("claimScan") ? Optional.of(scanId) : Optional.empty();
    }

    @Override
    public synchronized void renewScan(String scanId, Instant expiresAt) {
        call("renewScan");
        if (scanId.equals(runningScan)) {
            runningUntil = expiresAt.getEpochSecond();
        }
        done("renewScan");
    }

    @Override
    public synchronized void releaseScan(String scanId) {
        call("releaseScan");
        if (scanId.equals(runningScan)) {
            runningScan = null;
        }
        done("releaseScan");
    }

    @Override
    public synchronized Optional<String> lastScan() {
        call("lastScan");
        return Optional.ofNullable(runningScan);
    }

    @Override
    public synchronized Optional<String> runningScan(Instant now) {
        call("runningScan");
        return runningScan != null && runningUntil > now.getEpochSecond() ? Optional.of(runningScan) : Optional.empty();
    }

    @Override
    public synchronized void createScan(ScanState state, String holder, Instant leaseUntil, Instant expiresAt) {
        call("createScan");
        if (scans.containsKey(state.scanId())) {
            throw new LedgerUnavailable("scan " + state.scanId() + " exists already", false, null);
        }
        scans.put(state.scanId(), new StoredScan(state, leaseUntil.getEpochSecond(), false, holder));
        if (conditionFailedOnRetry("createScan")) {
            throw new LedgerUnavailable("scan " + state.scanId() + " exists already", false, null);
        }
    }

    @Override
    public synchronized Optional<ScanState> leaseScan(String scanId, int step, String holder, Instant now, Instant leaseUntil) {
        call("leaseScan");
        StoredScan stored = scans.get(scanId);
        if (stored == null || stored.state().step() != step
                || !(stored.leaseUntil() <= now.getEpochSecond() || stored.handedOn())) {
            return heldBy(stored, holder, now).filter(state -> state.step() == step);
        }
        scans.put(scanId, new StoredScan(stored.state(), leaseUntil.getEpochSecond(), false, holder));
        conditionFailedOnRetry("leaseScan"); // met again by the retry: the adapter reads back its own lease
        return Optional.of(stored.state());
    }

    @Override
    public synchronized Optional<ScanState> leaseAbandonedScan(String scanId, String holder, Instant now, Instant leaseUntil) {
        call("leaseAbandonedScan");
        StoredScan stored = scans.get(scanId);
        if (stored == null || stored.leaseUntil() > now.getEpochSecond()) {
            return heldBy(stored, holder, now);
        }
        // taken over: no longer handed on, so a late continuation of its step cannot lease it beside the taker
        scans.put(scanId, new StoredScan(stored.state(), leaseUntil.getEpochSecond(), false, holder));
        conditionFailedOnRetry("leaseAbandonedScan"); // met again by the retry: the adapter reads back its own lease
        return Optional.of(stored.state());
    }

    @Override
    public synchronized boolean saveScan(ScanState state, Instant handedOnUntil) {
        call("saveScan");
        StoredScan stored = scans.get(state.scanId());
        if (stored == null || stored.state().step() != state.step() - 1) {
            return false;
        }
        scans.put(state.scanId(), new StoredScan(state, handedOnUntil.getEpochSecond(), true, stored.holder()));
        return !conditionFailedOnRetry("saveScan");
    }

    @Override
    public synchronized void releaseLease(String scanId) {
        call("releaseLease");
        StoredScan stored = scans.get(scanId);
        if (stored == null) {
            throw new LedgerUnavailable("no scan " + scanId, false, null);
        }
        scans.put(scanId, new StoredScan(stored.state(), 0, stored.handedOn(), stored.holder()));
        done("releaseLease");
    }

    @Override
    public synchronized Optional<ScanState> scan(String scanId) {
        call("scan");
        return Optional.ofNullable(scans.get(scanId)).map(StoredScan::state);
    }

    /** A lease the holder holds already (running, not handed on): its own, as DynamoDbLedger reads it back. */
    private static Optional<ScanState> heldBy(StoredScan stored, String holder, Instant now) {
        return stored != null && holder.equals(stored.holder()) && stored.leaseUntil() > now.getEpochSecond() && !stored.handedOn()
                ? Optional.of(stored.state()) : Optional.empty();
    }

    private void call(String operation) {
        lastFault = FaultPhase.NONE;
        try {
            faults.before("ledger." + operation);
        } catch (RuntimeException | Error e) {
            lastFault = FaultPhase.BEFORE;
            throw e;
        }
    }

    private void done(String operation) {
        try {
            faults.after("ledger." + operation);
        } catch (RuntimeException | Error e) {
            lastFault = FaultPhase.AFTER;
            throw e;
        }
    }

    /**
     * The reply to a conditional write that was applied was lost, and the SDK's retry met the condition the first
     * attempt changed: DynamoDB answers ConditionalCheckFailed to a write that happened. Faults signal it by throwing
     * {@link ConditionFailedOnRetry} from {@link Faults#after}.
     */
    private boolean conditionFailedOnRetry(String operation) {
        try {
            faults.after("ledger." + operation);
            return false;
        } catch (ConditionFailedOnRetry lost) {
            lastFault = FaultPhase.CONDITION_ON_RETRY;
            return true;
        } catch (RuntimeException | Error e) {
            lastFault = FaultPhase.AFTER;
            throw e;
        }
    }

    /** Thrown by a fault to make a conditional write that was applied answer as if its condition failed. */
    public static final class ConditionFailedOnRetry extends RuntimeException {
        public ConditionFailedOnRetry() {
            super("applied, then ConditionalCheckFailed on the SDK's retry", null, false, false);
        }
    }
}
