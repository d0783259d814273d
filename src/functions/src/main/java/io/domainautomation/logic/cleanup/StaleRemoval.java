package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.TimeBudget;

/**
 * The removal phase of a scan: each confirmed domain, unless it changed since the scan (a last look), is buried in
 * the ledger (its tombstone) and then unlinked, one at a time within the time budget; in a dry run, nothing is.
 */
@ApplicationScoped
public class StaleRemoval {

    static final String PLATFORM_REFUSED = "platform-refused";
    /** Invocations that may find a removal's outcome unknown before the scan waits for its next scheduled start. */
    static final int ATTEMPTS_PER_REMOVAL = 3;

    /** Whether an unlink happened cannot be told now. */
    static final class OutcomeUnknown extends RuntimeException {
        OutcomeUnknown(String message) {
            super(message, null, false, false);
        }
    }

    private final DomainsService scalingo;
    private final CleanupLedger ledger;
    private final DomainLook looks;
    private final CleanupConfig config;
    private final Clock clock;

    public StaleRemoval(DomainsService scalingo, CleanupLedger ledger, DomainLook looks, CleanupConfig config, Clock clock) {
        this.scalingo = scalingo;
        this.ledger = ledger;
        this.looks = looks;
        this.config = config;
        this.clock = clock;
    }

    /** Removes (unless dry run) the confirmed domains still stale at a last look, each within the budget. */
    void removeConfirmed(ScanState.Builder state, List<DomainEvent> events, TimeBudget time, Deadline deadline) {
        List<ScanState.Planned> planned = state.planned();
        if (state.dryRun()) {
            // Nothing more is removed; a removal this scan did before it turned to a dry run (an invocation that
            // failed before saving it) is still settled and announced.
            while (state.nextRemoval() < planned.size()) {
                if (!time.startNext()) {
                    return;
                }
                ScanState.Planned next = planned.get(state.nextRemoval());
                Optional<Tombstone> done;
                try {
                    done = alreadyRemoved(next, state, deadline);
                } catch (ScalingoException | LedgerUnavailable e) {
                    retryLater(state, next, e.getMessage());
                    return;
                }
                if (done.isEmpty()) {
                    state.keep(next.app(), next.domain(), "dry-run");
                }
                done.ifPresent(t -> events.add(CleanupEvents.removed(t)));
                state.removalSettled(done.isPresent());
                time.stepDone();
            }
            state.finished();
            return;
        }
        Map<String, List<Domain>> current = new HashMap<>();
        Map<String, DnsAnswer> appAnswers = new HashMap<>();
        while (state.nextRemoval() < planned.size()) {
            if (!time.startNext()) {
                return;
            }
            ScanState.Planned next = planned.get(state.nextRemoval());
            try {
                Optional<Tombstone> removed = removeOne(next, state, current, appAnswers, deadline);
                state.removalSettled(removed.isPresent());
                removed.ifPresent(t -> events.add(CleanupEvents.removed(t)));
            } catch (ScalingoException e) {
                if (e.isNotInTime()) {
                    return; // the next invocation takes it up again
                }
                if (e.isTransient()) {
                    retryLater(state, next, e.getMessage());
                    return;
                }
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            } catch (DomainLook.OutOfTime e) {
                return; // the next invocation takes it up again
            } catch (OutcomeUnknown e) {
                // Unlinked or not, nobody can tell yet: the tombstone stays, the removal stays unsettled, and the next
                // look (this scan's own unlink is recognised by its tombstone) settles it and announces it.
                retryLater(state, next, e.getMessage());
                return;
            } catch (LedgerUnavailable e) {
                if (e.isTransient()) {
                    retryLater(state, next, e.getMessage());
                    return;
                }
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            }
            time.stepDone();
        }
        state.finished();
    }

    /**
     * A removal that met a transient failure is never settled as "not removed" (it may have happened): it stays next,
     * for the next invocation; after {@value #ATTEMPTS_PER_REMOVAL} attempts the scan waits for its next scheduled
     * start rather than be handed on at once.
     */
    private static void retryLater(ScanState.Builder state, ScanState.Planned next, String why) {
        state.error("remove " + next.domain() + " of " + next.app() + ": " + why + " (tried again later)");
        if (state.failedAtNextApp() >= ATTEMPTS_PER_REMOVAL) {
            state.pause("removing " + next.domain() + " of " + next.app() + " failed " + ATTEMPTS_PER_REMOVAL + " times");
        }
    }

    /**
     * A planned domain kept: still linked under the same id, so an unlink of it by this scan cannot have happened, and
     * a tombstone this scan wrote for it (an invocation that failed between the two) is no record of anything.
     */
    private Optional<Tombstone> kept(ScanState.Planned planned, ScanState.Builder state, String reason) {
        ledger.tombstone(planned.app(), planned.domain()).filter(t -> state.scanId().equals(t.scanId()))
                .ifPresent(t -> ledger.removeTombstone(planned.app(), planned.domain(), t.scanId()));
        state.keep(planned.app(), planned.domain(), reason);
        return Optional.empty();
    }

    /** This scan's own removal of the domain, when it happened: its tombstone is there and the domain is gone. */
    private Optional<Tombstone> alreadyRemoved(ScanState.Planned planned, ScanState.Builder state, Deadline deadline) {
        Optional<Tombstone> ours = ledger.tombstone(planned.app(), planned.domain()).filter(t -> state.scanId().equals(t.scanId()));
        if (ours.isEmpty()) {
            return ours;
        }
        boolean gone = scalingo.listDomains(planned.app(), deadline).stream().noneMatch(d -> d.id().equals(planned.domainId()));
        return gone ? ours : Optional.empty();
    }

    /** @return the removed domain's tombstone; empty when it was kept */
    private Optional<Tombstone> removeOne(ScanState.Planned planned, ScanState.Builder state, Map<String, List<Domain>> current,
            Map<String, DnsAnswer> appAnswers, Deadline deadline) {
        List<Domain> domains = current.computeIfAbsent(planned.app(), a -> new ArrayList<>(scalingo.listDomains(a, deadline)));
        Optional<Domain> found = domains.stream().filter(d -> d.id().equals(planned.domainId())).findFirst();
        if (found.isEmpty()) {
            forgetRemoved(planned);
            // This scan's own unlink, from an invocation that failed before it could record it: the domain (this id) is
            // gone and this scan's tombstone is there. Announced, even if the name was linked again since (a new
            // domain, another change) or if someone unlinked it by hand while this removal was under way.
            Optional<Tombstone> ours = ledger.tombstone(planned.app(), planned.domain()).filter(t -> state.scanId().equals(t.scanId()));
            if (ours.isEmpty()) {
                state.keep(planned.app(), planned.domain(), "gone-before-removal");
            }
            return ours;
        }
        Domain domain = found.get();
        if (!StaleRules.inScope(planned.app(), config.appsAllowList().orElse(List.of()), config.appsPrefix().orElse(null))) {
            return kept(planned, state, "out-of-scope"); // the scope was narrowed since the scan
        }
        if (!RemovalCaps.apply(state.planned(), state.plannedTotal(), config.maxRemovalsPerRun(), config.maxRemovalsPerApp())
                .allowed().contains(planned)) {
            // The caps were lowered since the scan planned: the plan is held to them as at planning (above the run cap
            // nothing more is removed, above an app's cap nothing more of that app).
            return kept(planned, state, "cap");
        }
        DomainLook.Look last = looks.look(domain, planned.appHost(), appAnswers, clock.instant(), deadline);
        if (!last.verdict().candidate() || !last.verdict().rules().equals(planned.rules())) {
            return kept(planned, state, "changed-since-scan");
        }
        StaleRecord record = ledger.staleRecords(planned.app()).get(planned.domain());
        if (record == null || record.sightings() < 2 || record.firstStaleAt().plus(config.confirmAfter()).isAfter(clock.instant())) {
            // confirmed under the settings of the scan; the confirmation period may have grown since
            return kept(planned, state, "not-confirmed");
        }
        Tombstone tombstone = new Tombstone(planned.app(), planned.domain(), clock.instant(), state.scanId(), planned.rules(),
                last.evidence(), domain.isCanonical(), !Boolean.FALSE.equals(domain.letsencryptEnabled()),
                domain.hasCustomCertificate(), record.firstStaleAt(), record.sightings()).ofDomain(planned.domainId());
        // An earlier removal of the name, restored since, whose restore is not announced yet: its tombstone is the only
        // record of that announcement (a restore asked again publishes it), so it is not replaced, and the name stays
        // linked until then. (Carried in this step's events instead, a kill before the step's save lost it: seed 508144.)
        if (ledger.tombstone(planned.app(), planned.domain())
                .filter(earlier -> earlier.restored() != null || earlier.restoreStarted() != null).isPresent()) {
            state.keep(planned.app(), planned.domain(), "restore-unannounced");
            return Optional.empty();
        }
        // Nothing is unlinked without its tombstone. One whose write failed is left as it is: the write may have been
        // applied, and a tombstone already there is the record of an earlier removal of the name.
        ledger.bury(tombstone);
        try {
            scalingo.unlinkDomain(planned.app(), planned.domainId(), deadline);
        } catch (ScalingoException e) {
            if (e.isNotInTime()) {
                // not sent (too little of the invocation's time left): known not to have happened, so its tombstone
                // goes, and the next invocation takes the removal up again
                try {
                    ledger.removeTombstone(planned.app(), planned.domain(), tombstone.scanId());
                } catch (LedgerUnavailable kept) {
                    // a tombstone of a removal that did not happen: the next attempt replaces it, a restore drops it
                }
                throw e;
            }
            // Whatever the failure (a 404: a domain already gone, or one Scalingo refuses to unlink while it is still
            // CNAME-ed to the app; no usable reply; even a refusal, which the client's retry of a request whose first
            // reply was lost may have met), only a new list tells whether the unlink happened.
            current.remove(planned.app());
            boolean stillLinked;
            try {
                stillLinked = scalingo.listDomains(planned.app(), deadline).stream()
                        .anyMatch(d -> d.id().equals(planned.domainId()));
            } catch (ScalingoException unknown) {
                throw new OutcomeUnknown("unlink " + (e.isNotFound() ? "refused or done" : "failed (" + e.getMessage() + ")")
                        + ", and the domains could not be listed to tell: " + unknown.getMessage());
            }
            if (stillLinked) {
                ledger.removeTombstone(planned.app(), planned.domain(), tombstone.scanId());
                if (e.isNotFound()) {
                    state.keep(planned.app(), planned.domain(), PLATFORM_REFUSED);
                    return Optional.empty();
                }
                throw e; // it did not happen: an error of this removal, retried by a later scan
            }
        }
        domains.removeIf(d -> d.id().equals(planned.domainId())); // this invocation's list of the app, kept true
        forgetRemoved(planned);
        return Optional.of(tombstone);
    }

    /**
     * The stale record of a domain now gone. Best effort: the removal happened and must be announced whatever the
     * ledger says now; a record left behind is dropped by the next scan (the app no longer has the domain).
     */
    private void forgetRemoved(ScanState.Planned planned) {
        try {
            ledger.forget(planned.app(), planned.domain());
        } catch (LedgerUnavailable e) {
            // see above
        }
    }
}
