package io.domainautomation.logic.cleanup;

import java.time.Clock;
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

    private final DomainsService scalingo;
    private final CleanupLedger ledger;
    private final DomainLook looks;
    private final Clock clock;

    public StaleRemoval(DomainsService scalingo, CleanupLedger ledger, DomainLook looks, Clock clock) {
        this.scalingo = scalingo;
        this.ledger = ledger;
        this.looks = looks;
        this.clock = clock;
    }

    /** Removes (unless dry run) the confirmed domains still stale at a last look, each within the budget. */
    void removeConfirmed(ScanState.Builder state, List<DomainEvent> events, TimeBudget time, Deadline deadline) {
        List<ScanState.Planned> planned = state.planned();
        if (state.dryRun()) {
            planned.subList(state.nextRemoval(), planned.size()).forEach(p -> state.keep(p.app(), p.domain(), "dry-run"));
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
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            } catch (LedgerUnavailable e) {
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            }
            time.stepDone();
        }
        state.finished();
    }

    /** @return the removed domain's tombstone; empty when it was kept */
    private Optional<Tombstone> removeOne(ScanState.Planned planned, ScanState.Builder state, Map<String, List<Domain>> current,
            Map<String, DnsAnswer> appAnswers, Deadline deadline) {
        List<Domain> domains = current.computeIfAbsent(planned.app(), a -> scalingo.listDomains(a, deadline));
        Optional<Domain> found = domains.stream().filter(d -> d.id().equals(planned.domainId())).findFirst();
        if (found.isEmpty()) {
            ledger.forget(planned.app(), planned.domain());
            // This scan's own unlink, from an invocation that failed before it could record it?
            Optional<Tombstone> ours = ledger.tombstone(planned.app(), planned.domain()).filter(t -> state.scanId().equals(t.scanId()));
            if (ours.isEmpty()) {
                state.keep(planned.app(), planned.domain(), "gone-before-removal");
            }
            return ours;
        }
        Domain domain = found.get();
        DomainLook.Look last = looks.look(domain, planned.appHost(), appAnswers, clock.instant());
        if (!last.verdict().candidate() || !last.verdict().rules().equals(planned.rules())) {
            state.keep(planned.app(), planned.domain(), "changed-since-scan");
            return Optional.empty();
        }
        StaleRecord record = ledger.staleRecords(planned.app()).get(planned.domain());
        Tombstone tombstone = new Tombstone(planned.app(), planned.domain(), clock.instant(), state.scanId(), planned.rules(),
                last.evidence(), domain.isCanonical(), !Boolean.FALSE.equals(domain.letsencryptEnabled()),
                domain.hasCustomCertificate(), record == null ? null : record.firstStaleAt(),
                record == null ? 0 : record.sightings());
        ledger.bury(tombstone);
        try {
            scalingo.unlinkDomain(planned.app(), planned.domainId(), deadline);
        } catch (ScalingoException e) {
            if (!e.isNotFound()) {
                ledger.removeTombstone(planned.app(), planned.domain());
                throw e;
            }
            // Scalingo answers 404 both for a domain already gone and for one it refuses to unlink while it is still
            // CNAME-ed to the app: only a new list tells them apart.
            current.remove(planned.app());
            boolean stillLinked = scalingo.listDomains(planned.app(), deadline).stream()
                    .anyMatch(d -> d.id().equals(planned.domainId()));
            if (stillLinked) {
                ledger.removeTombstone(planned.app(), planned.domain());
                state.keep(planned.app(), planned.domain(), PLATFORM_REFUSED);
                return Optional.empty();
            }
        }
        ledger.forget(planned.app(), planned.domain());
        return Optional.of(tombstone);
    }
}
