package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;

/**
 * Sequences cleanup scans over invocations: one scan at a time (a conditional write in the ledger), each invocation
 * working on the state the ledger holds (never on what a payload says about it) under a lease, and restores.
 */
@ApplicationScoped
public class CleanupRuns {

    /**
     * What an invocation did: the state it left and the events to publish, or, when another scan runs, that scan's id
     * and nothing done.
     */
    public record Outcome(Optional<ScanState> state, List<DomainEvent> events, Optional<String> busyWith) {

        static Outcome worked(CleanupScan.Step step) {
            return new Outcome(Optional.of(step.state()), step.events(), Optional.empty());
        }

        static Outcome busy(Optional<String> running) {
            return new Outcome(Optional.empty(), List.of(), running);
        }
    }

    /** A domain linked again from its tombstone. */
    public record Restored(Tombstone tombstone, boolean alreadyLinked) {
    }

    /** How long a handed-on step waits for its continuation before a new start may take the scan over. */
    static final Duration HAND_ON_WINDOW = Duration.ofMinutes(15);

    private final CleanupScan scan;
    private final CleanupLedger ledger;
    private final CleanupConfig config;
    private final DomainsService scalingo;
    private final Clock clock;

    public CleanupRuns(CleanupScan scan, CleanupLedger ledger, CleanupConfig config, DomainsService scalingo, Clock clock) {
        this.scan = scan;
        this.ledger = ledger;
        this.config = config;
        this.scalingo = scalingo;
        this.clock = clock;
    }

    /**
     * A new scan, unless one runs: then that one goes on if no invocation holds it (it was abandoned by a failed
     * invocation), else nothing is done. A caller may ask for a dry run; removals happen only if configured.
     */
    public Outcome start(boolean dryRunAsked, Duration lease, Deadline deadline) {
        Instant now = clock.instant();
        String scanId = UUID.randomUUID().toString();
        Optional<String> running = ledger.claimScan(scanId, now, now.plus(config.scanExpiry()));
        if (running.isPresent()) {
            Optional<ScanState> abandoned = ledger.leaseAbandonedScan(running.get(), now, now.plus(lease));
            return abandoned.map(state -> Outcome.worked(work(state, deadline))).orElseGet(() -> Outcome.busy(running));
        }
        ScanState fresh = ScanState.start(scanId, now.toString(), config.dryRun() || dryRunAsked);
        ledger.createScan(fresh, now.plus(lease), now.plus(config.scanExpiry()));
        return Outcome.worked(work(fresh, deadline));
    }

    /** Goes on with a scan from the ledger; the payload names it and its step, nothing more. */
    public Outcome resume(String scanId, int step, Duration lease, Deadline deadline) throws InvalidInput {
        Instant now = clock.instant();
        if (!ledger.runningScan(now).map(scanId::equals).orElse(false)) {
            throw new InvalidInput("scanId", "scan " + InvalidInput.shown(scanId) + " is not the running scan (unknown, finished or expired)");
        }
        ScanState state = ledger.leaseScan(scanId, step, now, now.plus(lease)).orElseThrow(() -> new InvalidInput("step",
                "scan " + scanId + " is not at step " + step + " or another invocation works on it"));
        return Outcome.worked(work(state, deadline));
    }

    private CleanupScan.Step work(ScanState state, Deadline deadline) {
        CleanupScan.Step step;
        try {
            step = scan.run(state, config.timeBudget(), deadline);
        } catch (RuntimeException e) {
            try {
                ledger.releaseLease(state.scanId());
            } catch (RuntimeException unreleased) {
                e.addSuppressed(unreleased); // the lease then ends with the invocation's own deadline
            }
            throw e;
        }
        ScanState after = step.state();
        // The continuation normally starts within seconds; a lost one leaves the scan to the next scheduled start.
        if (!ledger.saveScan(after, clock.instant().plus(HAND_ON_WINDOW))) {
            throw new LedgerUnavailable("scan " + after.scanId() + " was moved on by another invocation", false, null);
        }
        if (after.done()) {
            ledger.releaseScan(after.scanId());
        }
        return step;
    }

    /** Links a removed domain again, as its tombstone says (no custom certificate: the ledger never keeps a key). */
    public Restored restore(String app, String domain, Deadline deadline) throws InvalidInput {
        Tombstone tombstone = ledger.tombstone(app, domain).orElseThrow(() -> new InvalidInput("restore",
                "no removed domain " + InvalidInput.shown(domain) + " of app " + InvalidInput.shown(app) + " in the ledger"));
        boolean alreadyLinked = Domain.named(scalingo.listDomains(app, deadline), domain).isPresent();
        if (!alreadyLinked) {
            try {
                scalingo.linkDomain(app, DomainChanges.link(domain, tombstone.canonical() ? Boolean.TRUE : null,
                        tombstone.letsencryptEnabled()), deadline);
            } catch (ScalingoException e) {
                if (e.status() != 422 || !e.fieldErrors().containsKey("name")) {
                    throw e;
                }
                alreadyLinked = true; // linked meanwhile (the name is taken)
            }
        }
        ledger.removeTombstone(app, domain);
        return new Restored(tombstone, alreadyLinked);
    }
}
