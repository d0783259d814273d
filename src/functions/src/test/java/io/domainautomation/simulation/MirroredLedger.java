package io.domainautomation.simulation;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.domainautomation.fakes.InMemoryCleanupLedger;
import io.domainautomation.fakes.InMemoryCleanupLedger.FaultPhase;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CertificateProgress;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.StaleRecord;
import io.domainautomation.logic.cleanup.Tombstone;

/**
 * A fidelity run's ledger: each call of the core goes to the in-memory ledger the simulation injects its faults into
 * (its answer is what the core gets) and to a real one (the DynamoDB adapter on dynalite), which meets the same fault
 * at the wire: a call failed before it applied fails there on every attempt; a reply lost after the change was applied
 * is lost there too (the request reached DynamoDB, its answer is replaced by a 500, and the SDK's retry meets the
 * change, as the model's "condition failed on the retry" says); a process killed before a call makes no real call.
 * Every answer given without a fault, and every "condition failed on the retry" answer, must be the same on both
 * sides, or the run stops with a {@link Divergence}; after a lost reply the answers differ by nature, and the states
 * are compared by the next reads.
 */
public final class MirroredLedger implements CleanupLedger {

    /** How the real ledger's requests are failed at the wire (the sandbox in front of dynalite). */
    public interface WireFaults {
        /** The next {@code requests} requests fail before reaching DynamoDB. */
        void failNext(int requests);

        /** The next {@code requests} requests are refused (AccessDeniedException) before reaching DynamoDB. */
        void denyNext(int requests);

        /** The next request reaches DynamoDB, and its answer is lost. */
        void loseNextReply();

        /** No fault left pending. */
        void clear();
    }

    /** The model and the real ledger answered one call differently. */
    public static final class Divergence extends AssertionError {
        Divergence(String message) {
            super(message);
        }
    }

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedAtTheWire;
        public long lostAtTheWire;
        public long conditionOnRetryCompared;
        /** Of those, leases read back as the caller's own. */
        public long leaseReadBack;
        public long notMadeKilled;
        public long storedCompared;

        public void add(Counts other) {
            compared += other.compared;
            failedAtTheWire += other.failedAtTheWire;
            lostAtTheWire += other.lostAtTheWire;
            conditionOnRetryCompared += other.conditionOnRetryCompared;
            leaseReadBack += other.leaseReadBack;
            notMadeKilled += other.notMadeKilled;
            storedCompared += other.storedCompared;
        }
    }

    private record Outcome(Object answer, RuntimeException failure) {
        String text() {
            if (failure == null) {
                return normalized(answer);
            }
            return failure instanceof LedgerUnavailable unavailable ? "LedgerUnavailable transient=" + unavailable.isTransient()
                    : failure.getClass().getSimpleName();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final InMemoryCleanupLedger model;
    private final CleanupLedger real;
    private final WireFaults wire;
    private final int attempts;
    private final Function<Supplier<Object>, Object> asCaller;
    private final Counts counts = new Counts();
    /** Every (app, domain) and scan id a call named: what {@link #compareStored()} reads back on both sides. */
    private final java.util.Set<java.util.List<String>> names = new java.util.LinkedHashSet<>();
    private final java.util.Set<String> scanIds = new java.util.LinkedHashSet<>();

    /**
     * @param attempts how many requests the real client makes for one call at most (its retries included)
     * @param asCaller runs a real call as the function that makes it (the sandbox enforces its IAM)
     */
    public MirroredLedger(InMemoryCleanupLedger model, CleanupLedger real, WireFaults wire, int attempts,
            Function<Supplier<Object>, Object> asCaller) {
        this.model = model;
        this.real = real;
        this.wire = wire;
        this.attempts = attempts;
        this.asCaller = asCaller;
    }

    public Counts counts() {
        return counts;
    }

    /**
     * What both ledgers hold now, read back through each (faults off): every stale record, certificate record, the last
     * scan, each scan's state and each tombstone any call named. Writes answer nothing, so a write that went wrong, or a
     * change a lost reply left different, shows here if no later call read it.
     */
    public void compareStored() {
        model.takeLastFault();
        check("stored stale records", model::allStaleRecords, real::allStaleRecords);
        check("stored certificate records", model::allCertificateProgress, real::allCertificateProgress);
        check("stored last scan", model::lastScan, real::lastScan);
        for (String scanId : scanIds) {
            check("stored scan " + scanId, () -> model.scan(scanId), () -> real.scan(scanId));
        }
        for (java.util.List<String> name : names) {
            check("stored tombstone of " + name, () -> model.tombstone(name.get(0), name.get(1)),
                    () -> real.tombstone(name.get(0), name.get(1)));
        }
    }

    private void check(String what, Supplier<?> onModel, Supplier<?> onReal) {
        counts.storedCompared++;
        Outcome modelOutcome;
        try {
            modelOutcome = new Outcome(onModel.get(), null);
        } catch (RuntimeException e) {
            modelOutcome = new Outcome(null, e);
        }
        if (model.takeLastFault() != FaultPhase.NONE) {
            throw new IllegalStateException("compareStored with the simulation's faults still on");
        }
        compare(what, modelOutcome, onReal(onReal));
    }

    private void named(String app, String domain) {
        names.add(java.util.List.of(app, domain));
    }

    private <T> T mirror(String call, Supplier<T> onModel, Supplier<T> onReal) {
        model.takeLastFault();
        T answer = null;
        RuntimeException failed = null;
        Error killed = null;
        try {
            answer = onModel.get();
        } catch (RuntimeException e) {
            failed = e;
        } catch (Error e) {
            killed = e; // the process ended (the simulation's Killed)
        }
        FaultPhase phase = model.takeLastFault();
        switch (phase) {
            case BEFORE -> {
                if (killed != null) {
                    counts.notMadeKilled++;
                } else {
                    wire.failNext(attempts);
                    Outcome realOutcome = onReal(onReal);
                    wire.clear();
                    counts.failedAtTheWire++;
                    if (!(realOutcome.failure() instanceof LedgerUnavailable unavailable && unavailable.isTransient())) {
                        throw new Divergence(call + ": failed at the wire on every attempt, the real ledger answered "
                                + realOutcome.text() + " where the model fails with " + new Outcome(null, failed).text());
                    }
                }
            }
            case AFTER -> {
                if (killed == null) {
                    wire.loseNextReply();
                }
                onReal(onReal);
                wire.clear();
                counts.lostAtTheWire++;
            }
            case CONDITION_ON_RETRY -> {
                wire.loseNextReply();
                Outcome realOutcome = onReal(onReal);
                wire.clear();
                counts.conditionOnRetryCompared++;
                if (call.startsWith("lease")) {
                    counts.leaseReadBack++;
                }
                compare(call + " (its reply lost, the SDK's retry meeting the change)", new Outcome(answer, failed), realOutcome);
            }
            case NONE -> {
                if (killed != null) {
                    throw killed; // not the ledger's: nothing to mirror
                }
                counts.compared++;
                compare(call, new Outcome(answer, failed), onReal(onReal));
            }
            default -> throw new IllegalStateException(phase.name());
        }
        if (killed != null) {
            throw killed;
        }
        if (failed != null) {
            throw failed;
        }
        return answer;
    }

    private Outcome onReal(Supplier<?> call) {
        try {
            return new Outcome(asCaller.apply(() -> call.get()), null);
        } catch (RuntimeException e) {
            return new Outcome(null, e);
        }
    }

    private static void compare(String call, Outcome modelOutcome, Outcome realOutcome) {
        String expected = modelOutcome.text();
        String actual = realOutcome.text();
        if (!expected.equals(actual)) {
            int at = 0;
            while (at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
                at++;
            }
            int from = Math.max(0, at - 200);
            throw new Divergence(call + ", from character " + at + ":\n  model: ..." + expected.substring(from, Math.min(expected.length(), at + 200))
                    + "\n  real:  ..." + actual.substring(from, Math.min(actual.length(), at + 200)));
        }
    }

    /**
     * The answer as JSON with every map's entries in key order, at every depth (records included): DynamoDB keeps no
     * order in a map attribute, and no caller depends on one.
     */
    private static String normalized(Object answer) {
        try {
            return JSON.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot compare " + answer, e);
        }
    }

    private static Void done() {
        return null;
    }

    // ------------------------------------------------------------------ the port

    @Override
    public Map<String, StaleRecord> staleRecords(String app) {
        return mirror("staleRecords " + app, () -> model.staleRecords(app), () -> real.staleRecords(app));
    }

    @Override
    public Map<String, Map<String, StaleRecord>> allStaleRecords() {
        return mirror("allStaleRecords", model::allStaleRecords, real::allStaleRecords);
    }

    @Override
    public void remember(StaleRecord record) {
        named(record.app(), record.domain());
        mirror("remember " + record, () -> { model.remember(record); return done(); }, () -> { real.remember(record); return done(); });
    }

    @Override
    public void forget(String app, String domain) {
        named(app, domain);
        mirror("forget " + app + " " + domain, () -> { model.forget(app, domain); return done(); },
                () -> { real.forget(app, domain); return done(); });
    }

    @Override
    public void markAnnounced(String app, String domain, Instant firstStaleAt) {
        named(app, domain);
        mirror("markAnnounced " + app + " " + domain + " " + firstStaleAt,
                () -> { model.markAnnounced(app, domain, firstStaleAt); return done(); },
                () -> { real.markAnnounced(app, domain, firstStaleAt); return done(); });
    }

    @Override
    public Map<String, Map<String, CertificateProgress>> allCertificateProgress() {
        return mirror("allCertificateProgress", model::allCertificateProgress, real::allCertificateProgress);
    }

    @Override
    public void rememberProgress(CertificateProgress progress) {
        mirror("rememberProgress " + progress, () -> { model.rememberProgress(progress); return done(); },
                () -> { real.rememberProgress(progress); return done(); });
    }

    @Override
    public void forgetProgress(String app, String domain) {
        mirror("forgetProgress " + app + " " + domain, () -> { model.forgetProgress(app, domain); return done(); },
                () -> { real.forgetProgress(app, domain); return done(); });
    }

    @Override
    public void bury(Tombstone tombstone) {
        named(tombstone.app(), tombstone.domain());
        mirror("bury " + tombstone, () -> { model.bury(tombstone); return done(); }, () -> { real.bury(tombstone); return done(); });
    }

    @Override
    public void removalAnnounced(String app, String domain, String scanId) {
        named(app, domain);
        mirror("removalAnnounced " + app + " " + domain + " " + scanId,
                () -> { model.removalAnnounced(app, domain, scanId); return done(); },
                () -> { real.removalAnnounced(app, domain, scanId); return done(); });
    }

    @Override
    public Optional<Tombstone> tombstone(String app, String domain) {
        named(app, domain);
        return mirror("tombstone " + app + " " + domain, () -> model.tombstone(app, domain), () -> real.tombstone(app, domain));
    }

    @Override
    public void removeTombstone(String app, String domain, String scanId) {
        named(app, domain);
        mirror("removeTombstone " + app + " " + domain + " " + scanId,
                () -> { model.removeTombstone(app, domain, scanId); return done(); },
                () -> { real.removeTombstone(app, domain, scanId); return done(); });
    }

    @Override
    public Optional<String> claimScan(String scanId, Instant now, Instant expiresAt) {
        scanIds.add(scanId);
        return mirror("claimScan " + scanId + " " + now + " " + expiresAt, () -> model.claimScan(scanId, now, expiresAt),
                () -> real.claimScan(scanId, now, expiresAt));
    }

    @Override
    public void renewScan(String scanId, Instant expiresAt) {
        mirror("renewScan " + scanId + " " + expiresAt, () -> { model.renewScan(scanId, expiresAt); return done(); },
                () -> { real.renewScan(scanId, expiresAt); return done(); });
    }

    @Override
    public void releaseScan(String scanId) {
        mirror("releaseScan " + scanId, () -> { model.releaseScan(scanId); return done(); },
                () -> { real.releaseScan(scanId); return done(); });
    }

    @Override
    public Optional<String> lastScan() {
        return mirror("lastScan", model::lastScan, real::lastScan);
    }

    @Override
    public Optional<String> runningScan(Instant now) {
        return mirror("runningScan " + now, () -> model.runningScan(now), () -> real.runningScan(now));
    }

    @Override
    public void createScan(ScanState state, String holder, Instant leaseUntil, Instant expiresAt) {
        scanIds.add(state.scanId());
        mirror("createScan " + state.scanId() + " by " + holder + " " + leaseUntil + " " + expiresAt,
                () -> { model.createScan(state, holder, leaseUntil, expiresAt); return done(); },
                () -> { real.createScan(state, holder, leaseUntil, expiresAt); return done(); });
    }

    @Override
    public Optional<ScanState> leaseScan(String scanId, int step, String holder, Instant now, Instant leaseUntil) {
        return mirror("leaseScan " + scanId + " " + step + " by " + holder + " " + now + " " + leaseUntil,
                () -> model.leaseScan(scanId, step, holder, now, leaseUntil),
                () -> real.leaseScan(scanId, step, holder, now, leaseUntil));
    }

    @Override
    public Optional<ScanState> leaseAbandonedScan(String scanId, String holder, Instant now, Instant leaseUntil) {
        return mirror("leaseAbandonedScan " + scanId + " by " + holder + " " + now + " " + leaseUntil,
                () -> model.leaseAbandonedScan(scanId, holder, now, leaseUntil),
                () -> real.leaseAbandonedScan(scanId, holder, now, leaseUntil));
    }

    @Override
    public boolean saveScan(ScanState state, Instant handedOnUntil) {
        return mirror("saveScan " + state.scanId() + "@" + state.step() + " " + handedOnUntil,
                () -> model.saveScan(state, handedOnUntil), () -> real.saveScan(state, handedOnUntil));
    }

    @Override
    public void releaseLease(String scanId) {
        mirror("releaseLease " + scanId, () -> { model.releaseLease(scanId); return done(); },
                () -> { real.releaseLease(scanId); return done(); });
    }

    @Override
    public Optional<ScanState> scan(String scanId) {
        return mirror("scan " + scanId, () -> model.scan(scanId), () -> real.scan(scanId));
    }
}
