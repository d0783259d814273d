package io.domainautomation.logic.cleanup;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.Deadline;

/**
 * The cleanup's memory across scans (a DynamoDB table when deployed, see docs/functions/cleanup-stale.md, "Cleanup ledger"): what was seen
 * stale and since when, the state of each scan, which scan runs, and the tombstones of removed domains. Every write
 * that must not race is conditional.
 */
public interface CleanupLedger extends Tombstones, CleanupRecords {

    /** One domain's stale record, from its app's (the cleanup reads them a whole partition at a time). */
    @Override
    default Optional<StaleRecord> staleRecord(String app, String domain) {
        return Optional.ofNullable(staleRecords(app).get(domain));
    }

    /** The stale records of one app's domains, by domain name. */
    Map<String, StaleRecord> staleRecords(String app);

    /** Every stale record, by app and domain name (one read for a whole scan invocation: they are few). */
    Map<String, Map<String, StaleRecord>> allStaleRecords();

    void remember(StaleRecord record);

    void forget(String app, String domain);

    /**
     * The domain's {@code Domain Marked Stale} was published: its record (the one first stale at {@code firstStaleAt},
     * not a newer one) says so.
     */
    void markAnnounced(String app, String domain, Instant firstStaleAt);

    /** What the previous scans saw of Let's Encrypt certificates, by app and domain name (one read per invocation). */
    Map<String, Map<String, CertificateProgress>> allCertificateProgress();

    /** What a scan invocation reads before its first app: the stale records and the Let's Encrypt watch's, by app and domain. */
    record Memory(Map<String, Map<String, StaleRecord>> stale, Map<String, Map<String, CertificateProgress>> certificates) {
    }

    /**
     * {@link #allStaleRecords()} and {@link #allCertificateProgress()}, the two reads a scan invocation starts with. They
     * are independent, so an adapter may make them side by side (the DynamoDB one does: one round trip less before the
     * scan's first Scalingo call); either failing fails both, as one after the other would.
     *
     * @param latestStart the last moment a read (a page of one, on a store that pages) may start: one that cannot fails
     *        both, as {@link io.domainautomation.logic.LedgerUnavailable} (transient: the invocation's time ran out,
     *        not the store), so the reads end by the invocation's deadline however many pages they hold
     */
    default Memory scanMemory(Deadline latestStart) {
        return new Memory(allStaleRecords(), allCertificateProgress());
    }

    void rememberProgress(CertificateProgress progress);

    void forgetProgress(String app, String domain);

    /**
     * Makes {@code scanId} the one running scan, unless another unexpired one holds that place.
     *
     * @return empty when claimed; otherwise the id of the scan that runs
     */
    Optional<String> claimScan(String scanId, Instant now, Instant expiresAt);

    /**
     * The running scan moved on: its claim now expires at {@code expiresAt}, so a scan that progresses keeps its place
     * however many days it takes. Nothing changes when another scan holds the claim.
     */
    void renewScan(String scanId, Instant expiresAt);

    /** The scan ended: another may start. */
    void releaseScan(String scanId);

    /**
     * The scan that holds or last held the running-scan claim, expired or not (empty once a scan ended and released
     * it): a new start goes on with it when it did not finish.
     */
    Optional<String> lastScan();

    /** The scan that runs now, if any (an expired claim counts as none). */
    Optional<String> runningScan(Instant now);

    /** Stores a new scan's state at step 0, leased to {@code holder} (the invocation that started it) until {@code leaseUntil}. */
    void createScan(ScanState state, String holder, Instant leaseUntil, Instant expiresAt);

    /**
     * Leases the scan's state at {@code step} to this invocation until {@code leaseUntil}: the continuation the
     * previous step handed on to, or anyone once the lease expired.
     *
     * A lease {@code holder} holds already (not handed on, not expired) is answered as taken now: its own earlier
     * attempt, applied with its reply lost (met again by the SDK's retry, or by Lambda's retry of the invocation, which
     * keeps the invocation's id).
     *
     * @return the state, or empty when the scan is unknown, at another step, or leased to another invocation
     */
    Optional<ScanState> leaseScan(String scanId, int step, String holder, Instant now, Instant leaseUntil);

    /**
     * Leases a scan's state, at whatever step it is, when no invocation holds it (the one working on it ended without
     * handing on: it failed, or its continuation was lost).
     *
     * As with {@link #leaseScan}, a lease {@code holder} holds already is its own. A scan taken over is no longer handed
     * on: a late continuation of its step cannot lease it beside the taker.
     *
     * @return the state, or empty when the scan is unknown or another invocation holds it
     */
    Optional<ScanState> leaseAbandonedScan(String scanId, String holder, Instant now, Instant leaseUntil);

    /**
     * Stores the state one invocation ended with (its step is the previous plus one) and hands the lease on to the
     * continuation it sends, until {@code handedOnUntil}: the continuation of that step may lease it, nobody else.
     *
     * @return false when the stored state is no longer at the previous step (another invocation moved it)
     */
    boolean saveScan(ScanState state, Instant handedOnUntil);

    /** The invocation working on the scan failed: its lease ends now, so a retry or the next start may go on. */
    void releaseLease(String scanId);

    /** A stored scan's state, read only (reports and tests). */
    Optional<ScanState> scan(String scanId);
}
