package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.DomainLinking;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * Sequences cleanup scans over invocations: one scan at a time (a conditional write in the ledger), each invocation
 * working on the state the ledger holds (never on what a payload says about it) under a lease; the events of each
 * step saved with it (an outbox) and published after the save, so a failure anywhere loses none; and restores.
 */
@ApplicationScoped
public class CleanupRuns {

    /**
     * What an invocation did: the state it left, the events it published and those still waiting in the scan's
     * outbox, or, when another scan runs, that scan's id and nothing done.
     */
    public record Outcome(Optional<ScanState> state, List<DomainEvent> published, List<DomainEvent> unpublished,
            Optional<String> busyWith, Optional<String> paused, boolean goOn) {

        static Outcome busy(Optional<String> running) {
            return new Outcome(Optional.empty(), List.of(), List.of(), running, Optional.empty(), false);
        }

        /** This step's outcome, with what the invocation's earlier steps published. */
        Outcome after(Outcome earlier) {
            List<DomainEvent> all = new ArrayList<>(earlier.published());
            all.addAll(published);
            return new Outcome(state, all, unpublished, busyWith, paused, goOn);
        }
    }

    /** A domain linked again from its tombstone; the tombstone stays until its event is published. */
    public record Restored(Tombstone tombstone, boolean alreadyLinked, List<DomainEvent> unpublished) {
    }

    /** A restore that cannot be done: the name is another app's now. The tombstone is kept. */
    public static final class NotRestorable extends Exception {
        public NotRestorable(String message) {
            super(message, null, false, false);
        }
    }

    /** How long a handed-on step waits for its continuation before a new start may take the scan over. */
    static final Duration HAND_ON_WINDOW = Duration.ofMinutes(15);
    /** The longest one AWS call takes, its SDK retries included (AWS_API_CALL_TIMEOUT's default). */
    static final Duration ONE_CALL = Duration.ofSeconds(8);

    private final CleanupScan scan;
    private final CleanupLedger ledger;
    private final CleanupConfig config;
    private final DomainsService scalingo;
    private final EventSink events;
    private final Clock clock;
    private final Ticker ticker;

    public CleanupRuns(CleanupScan scan, CleanupLedger ledger, CleanupConfig config, DomainsService scalingo,
            EventSink events, Clock clock, Ticker ticker) {
        this.scan = scan;
        this.ledger = ledger;
        this.config = config;
        this.scalingo = scalingo;
        this.events = events;
        this.clock = clock;
        this.ticker = ticker;
    }

    /** What is only worth doing after a step (a renewal, a clean-up write) is done only while one more call fits. */
    private boolean timeForOneMoreCall(Deadline deadline) {
        return deadline.isNone() || ticker.nanoTime() + ONE_CALL.toNanos() < deadline.nanoTime();
    }

    /**
     * A new scan, unless one runs: then that one goes on if no invocation holds it (it was abandoned by a failed
     * invocation), else nothing is done. A caller may ask for a dry run, and gets one whatever scan it finds;
     * removals happen only if configured.
     */
    public Outcome start(boolean dryRunAsked, Lease lease, Deadline deadline) {
        Instant now = clock.instant();
        // A scan whose claim expired before it finished (nobody worked on it for a day) is gone on with, not dropped:
        // its removals may wait to be settled and announced, and the apps after its last one were never looked at.
        Optional<String> unfinished = ledger.lastScan().filter(this::unfinished);
        String scanId = unfinished.orElseGet(() -> UUID.randomUUID().toString());
        Optional<String> running = ledger.claimScan(scanId, now, now.plus(config.scanExpiry()));
        if (running.isPresent() && !running.get().equals(scanId)) {
            Optional<ScanState> abandoned = ledger.leaseAbandonedScan(running.get(), lease.holder(), now,
                    now.plus(lease.length()));
            return abandoned.map(state -> work(state, dryRunAsked, deadline)).orElseGet(() -> Outcome.busy(running));
        }
        // A new id is known to no one: nothing is stored under it yet (a read would find nothing, and cost the start one
        // round trip before its first Scalingo call).
        Optional<ScanState> existing = unfinished.isPresent() ? ledger.scan(scanId) : Optional.empty();
        if (existing.isPresent()) {
            Optional<ScanState> taken = ledger.leaseAbandonedScan(scanId, lease.holder(), now, now.plus(lease.length()));
            return taken.map(state -> work(state, dryRunAsked, deadline)).orElseGet(() -> Outcome.busy(Optional.of(scanId)));
        }
        ScanState fresh = ScanState.start(scanId, now.toString(), config.dryRun() || dryRunAsked);
        try {
            ledger.createScan(fresh, lease.holder(), now.plus(lease.length()), now.plus(config.scanExpiry()));
        } catch (LedgerUnavailable e) {
            // "exists already": this very write, applied with its reply lost and met again by the SDK's retry? Looked at.
            if (e.isTransient() || ledger.scan(scanId).filter(stored -> stored.step() == 0).isEmpty()) {
                throw e;
            }
        }
        return work(fresh, dryRunAsked, deadline);
    }

    private boolean unfinished(String scanId) {
        // no state at all: a claim whose invocation died before it stored the scan; nobody else will
        return ledger.scan(scanId).map(s -> !s.done() || !s.outbox().isEmpty()).orElse(true);
    }

    /** Goes on with a scan from the ledger; the payload names it and its step, nothing more. */
    public Outcome resume(String scanId, int step, Lease lease, Deadline deadline) throws InvalidInput {
        return resume(scanId, step, false, lease, deadline);
    }

    /** The same, for a continuation sent by hand asking for a dry run: the scan removes nothing more. */
    public Outcome resume(String scanId, int step, boolean dryRunAsked, Lease lease, Deadline deadline) throws InvalidInput {
        Instant now = clock.instant();
        if (!ledger.runningScan(now).map(scanId::equals).orElse(false)) {
            throw new InvalidInput("scanId", "scan " + InvalidInput.shown(scanId) + " is not the running scan (unknown, finished or expired)");
        }
        ScanState state = ledger.leaseScan(scanId, step, lease.holder(), now, now.plus(lease.length())).orElseThrow(() -> new InvalidInput("step",
                "scan " + scanId + " is not at step " + step + " or another invocation works on it"));
        return work(state, dryRunAsked, deadline);
    }

    /**
     * One invocation's work: the scan's step, saved with its events (and any its predecessors could not publish),
     * then the events published and the outbox emptied of them. A failure before the save gives the lease back, so
     * Lambda's retry of this invocation may take the scan up at once; the step is done again from the saved state.
     */
    private Outcome work(ScanState state, boolean dryRunAsked, Deadline deadline) {
        Outcome outcome = step(state, dryRunAsked, deadline);
        // A step that ended only so its removal plan is saved first goes on in the same invocation, on the saved state
        // (still this invocation's: the save handed the lease on, and no continuation was sent).
        while (outcome.goOn() && outcome.state().isPresent()) {
            Outcome next = step(outcome.state().get(), dryRunAsked, deadline);
            outcome = next.after(outcome);
        }
        return outcome;
    }

    /** The Let's Encrypt watch's records written after a step, at most: the rest are seen again by the next scan. */
    static final int MAX_PROGRESS_WRITES = 100;

    private Outcome step(ScanState state, boolean dryRunAsked, Deadline deadline) {
        CleanupScan.Step step;
        try {
            step = scan.run(state, config.timeBudget(), deadline, dryRunAsked);
        } catch (RuntimeException e) {
            throw released(state.scanId(), e);
        }
        List<DomainEvent> all = pending(state.outbox(), step.events());
        ScanState after = step.state().withOutbox(all);
        boolean saved;
        try {
            // The continuation normally starts within seconds; a lost one leaves the scan to the next scheduled start.
            saved = ledger.saveScan(after, clock.instant().plus(HAND_ON_WINDOW));
        } catch (RuntimeException e) {
            throw released(state.scanId(), e);
        }
        ScanState mine = after;
        if (!saved && !ledger.scan(after.scanId()).map(stored -> sameStep(stored, mine)).orElse(false)) {
            // Not this save (applied, its reply lost, and the SDK's retry met its own condition): looked at, not assumed.
            throw new LedgerUnavailable("scan " + after.scanId() + " was moved on by another invocation", false, null);
        }
        if (!after.done() && timeForOneMoreCall(deadline)) {
            // A done scan is released below; if it is not (events left to publish, a failed release), its claim keeps the
            // expiry its last step gave it, and the next start goes on with it by its id, expired or not.
            renewClaim(after);
        }
        List<DomainEvent> unpublished = after.outbox().isEmpty() ? List.of() : events.publish(after.outbox(), deadline);
        if (unpublished.size() < after.outbox().size() && timeForOneMoreCall(deadline)) {
            after = emptied(after, unpublished);
        }
        if (after.done() && after.outbox().isEmpty() && timeForOneMoreCall(deadline)) {
            try {
                ledger.releaseScan(after.scanId());
            } catch (LedgerUnavailable e) {
                // the next start finds the claim of a finished scan, takes it and releases it
            }
        }
        List<String> failed = unpublished.stream().map(DomainEvent::eventId).toList();
        List<DomainEvent> published = all.stream().filter(e -> !failed.contains(e.eventId())).toList();
        recordAnnounced(published, deadline);
        // Last: the step and its events are saved (the outbox holds what was not published), so this can wait.
        recordProgress(step.progress(), deadline);
        Optional<String> paused = step.paused();
        if (paused.isEmpty() && after.done() && !unpublished.isEmpty() && published.isEmpty()) {
            paused = Optional.of(unpublished.size() + " events could not be published; the next scheduled start publishes them");
        }
        return new Outcome(Optional.of(after), published, unpublished, Optional.empty(), paused,
                step.goOnAfterSave() && after.outbox().isEmpty() && paused.isEmpty());
    }

    /**
     * The Let's Encrypt watch's records of what the saved step saw (its events are in the saved outbox), at most
     * {@value #MAX_PROGRESS_WRITES} a step, the changes before the records only written again so they are not forgotten
     * (those can wait for another scan). Best effort: a record not written (no time left, a failure, a step whose save
     * was applied but answered as failed) is seen again by the next scan, which announces the same change again under
     * the same id.
     */
    private void recordProgress(List<CleanupScan.ProgressChange> changes, Deadline deadline) {
        List<CleanupScan.ProgressChange> ordered = changes.stream()
                .sorted(java.util.Comparator.comparing(CleanupScan.ProgressChange::rewriteOnly)).toList();
        for (CleanupScan.ProgressChange change : ordered.subList(0, Math.min(ordered.size(), MAX_PROGRESS_WRITES))) {
            // room for this write and, after it, the hand-off to the next invocation
            if (!deadline.isNone() && ticker.nanoTime() + 2 * ONE_CALL.toNanos() >= deadline.nanoTime()) {
                return;
            }
            try {
                change.next().ifPresentOrElse(ledger::rememberProgress, () -> ledger.forgetProgress(change.app(), change.domain()));
            } catch (LedgerUnavailable e) {
                // see above
            }
        }
    }

    /**
     * What the ledger keeps of a mark or a removal records that its announcement went out, so no later sighting or
     * restore announces it again. Best effort: without it, the announcement goes out again under the same id.
     */
    private void recordAnnounced(List<DomainEvent> published, Deadline deadline) {
        for (DomainEvent event : published) {
            if (!timeForOneMoreCall(deadline)) {
                return; // announced again later under the same ids
            }
            try {
                CleanupEvents.announcedMark(event).ifPresent(m -> ledger.markAnnounced(m.app(), m.domain(), m.firstStaleAt()));
                CleanupEvents.announcedRemoval(event).ifPresent(r -> ledger.removalAnnounced(r.app(), r.domain(), r.scanId()));
            } catch (LedgerUnavailable e) {
                // see above
            }
        }
    }

    /** The outbox without what was published: saved as one more step (if that save fails, they go out again). */
    private ScanState emptied(ScanState saved, List<DomainEvent> unpublished) {
        ScanState next = saved.nextStep().withOutbox(unpublished);
        try {
            if (ledger.saveScan(next, clock.instant().plus(HAND_ON_WINDOW))) {
                return next;
            }
        } catch (LedgerUnavailable e) {
            // the save's outcome is unknown: looked at below
        }
        try {
            // Applied with its reply lost (or met again by the SDK's retry)? The continuation must name the step stored.
            if (ledger.scan(next.scanId()).map(stored -> sameStep(stored, next)).orElse(false)) {
                return next;
            }
        } catch (LedgerUnavailable e) {
            // not known: handed on at the earlier step; if that is refused, the next scheduled start goes on
        }
        return saved; // its events go out again later, under the same ids: consumers de-duplicate
    }

    /** The stored state is this invocation's own save (same step, same work, same events waiting). */
    private static boolean sameStep(ScanState stored, ScanState mine) {
        return stored.step() == mine.step() && stored.invocations() == mine.invocations()
                && stored.phase() == mine.phase() && java.util.Objects.equals(stored.lastApp(), mine.lastApp())
                && java.util.Objects.equals(stored.lastDomain(), mine.lastDomain())
                && stored.nextRemoval() == mine.nextRemoval() && stored.appsScanned() == mine.appsScanned()
                && stored.outbox().stream().map(DomainEvent::eventId).toList()
                        .equals(mine.outbox().stream().map(DomainEvent::eventId).toList());
    }

    /** A scan that moves on keeps its place: it does not expire while it progresses, however many days it takes. */
    private void renewClaim(ScanState state) {
        try {
            ledger.renewScan(state.scanId(), clock.instant().plus(config.scanExpiry()));
        } catch (LedgerUnavailable e) {
            // the claim keeps its earlier expiry; the next save renews it
        }
    }

    private RuntimeException released(String scanId, RuntimeException e) {
        try {
            ledger.releaseLease(scanId);
        } catch (RuntimeException unreleased) {
            e.addSuppressed(unreleased); // the lease then ends with the invocation's own deadline
        }
        return e;
    }

    /** The events waiting before and the new ones, each id once, in order. */
    private static List<DomainEvent> pending(List<DomainEvent> waiting, List<DomainEvent> fresh) {
        Map<String, DomainEvent> byId = new LinkedHashMap<>();
        waiting.forEach(e -> byId.putIfAbsent(e.eventId(), e));
        fresh.forEach(e -> byId.putIfAbsent(e.eventId(), e));
        return List.copyOf(byId.values());
    }

    /**
     * Links a removed domain again, as its tombstone says (no custom certificate: the ledger never keeps a key). The
     * tombstone is removed only once {@code Domain Restored} is published; a restore asked again finds the domain
     * linked and finishes.
     *
     * @throws NotRestorable when another app holds the name now (the tombstone stays)
     */
    public Restored restore(String app, String domain, Deadline deadline) throws InvalidInput, NotRestorable {
        Tombstone tombstone = ledger.tombstone(app, domain).orElseThrow(() -> new InvalidInput("restore",
                "no removed domain " + InvalidInput.shown(domain) + " of app " + InvalidInput.shown(app) + " in the ledger"));
        boolean alreadyLinked;
        if (tombstone.restored() != null) {
            // linked again by an earlier restore whose announcement could not be published: published now, whatever
            // became of the name since
            alreadyLinked = tombstone.restored();
        } else {
            Instant earlierAttempt = tombstone.restoreStarted();
            Optional<Domain> current = Domain.named(scalingo.listDomains(app, deadline), domain);
            if (current.isPresent() && earlierAttempt == null && tombstone.domainId() != null
                    && tombstone.domainId().equals(current.get().id())) {
                // The very domain the tombstone names is linked: the removal it records never happened (an invocation
                // failed between the tombstone and the unlink). Known, so the tombstone goes; nothing is announced. An
                // offboarding may have made it non-canonical first: it is made canonical again before.
                boolean recanonical = tombstone.canonical() && !current.get().isCanonical();
                if (recanonical) {
                    scalingo.updateDomain(app, current.get().id(), DomainChanges.canonical(true), deadline);
                }
                ledger.removeTombstone(app, domain, tombstone.scanId());
                throw new NotRestorable("domain " + domain + " of " + app + " was never removed (the same domain is linked):"
                        + " its tombstone recorded a removal that did not happen, and is dropped"
                        + (recanonical ? "; it was made the app's canonical domain again, as it was" : ""));
            }
            if (current.isPresent()) {
                // linked by hand, or by an earlier restore whose answer was lost (it was gone when that one looked)
                alreadyLinked = earlierAttempt == null;
            } else {
                Tombstone original = tombstone;
                if (earlierAttempt == null) {
                    tombstone = tombstone.restoreStartedAt(clock.instant());
                    ledger.bury(tombstone); // before the link: its outcome may have to be told later from this
                }
                Optional<DomainLinking.Linked> linked;
                try {
                    linked = DomainLinking.link(scalingo, app, DomainChanges.link(domain,
                            tombstone.canonical() ? Boolean.TRUE : null, tombstone.letsencryptEnabled()), deadline);
                } catch (ScalingoException e) {
                    if (e.isPermanent()) {
                        throw new NotRestorable("Scalingo refused to link " + domain + " to " + app + " again ("
                                + e.getMessage() + "); its tombstone is kept");
                    }
                    if (e.isNotInTime() && earlierAttempt == null) {
                        // not sent: no restore started after all, so a link made by hand later is not taken for one
                        try {
                            ledger.bury(original);
                        } catch (LedgerUnavailable unwritten) {
                            // the mark stays: a later link found then is announced as this restore's
                        }
                    }
                    throw e;
                }
                if (linked.isEmpty()) {
                    throw new NotRestorable("domain " + domain + " is linked to another app now; its tombstone is kept"
                            + (earlierAttempt == null ? "" : " (a restore started at " + earlierAttempt + " may have linked "
                                    + "it before it moved: whether it did cannot be told now, and it was not announced)"));
                }
                alreadyLinked = false;
            }
        }
        // The domain was gone (removed, or relinked since as another domain): if the scan that removed it has not
        // published its removal yet, that announcement goes out first (under its id), since after this restore nothing
        // else would.
        List<DomainEvent> announce = !tombstone.removalMayBeUnannounced()
                ? List.of(CleanupEvents.restored(tombstone, alreadyLinked))
                : List.of(CleanupEvents.removed(tombstone), CleanupEvents.restored(tombstone, alreadyLinked));
        List<DomainEvent> unpublished = events.publish(announce, deadline);
        if (unpublished.isEmpty()) {
            ledger.removeTombstone(app, domain, tombstone.scanId());
        } else if (tombstone.restored() == null) {
            try {
                ledger.bury(tombstone.restoredPendingAnnouncement(alreadyLinked));
            } catch (LedgerUnavailable e) {
                // a restore asked again finds the domain linked, and announces it then
            }
        }
        return new Restored(tombstone, alreadyLinked, unpublished);
    }
}
