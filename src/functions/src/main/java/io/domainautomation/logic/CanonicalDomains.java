package io.domainautomation.logic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.domainautomation.logic.events.CanonicalEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * Reads and changes an app's canonical domain: one list, then at most one PATCH (or one POST when asked to link), and
 * announces each change: recorded in the ledger before it is made, {@code Canonical Domain Changed} published after,
 * then marked announced. A change whose event did not go out (EventBridge failing, the invocation killed after the
 * PATCH) is announced by the next change request on that app, under its own id, once Scalingo shows it made.
 */
public class CanonicalDomains {

    /**
     * The outcome of a request: what was canonical before, what is now, whether a call changed anything, and the
     * events (this change's, or an earlier one's it owed) that could not be published.
     */
    public record Change(Optional<Domain> previous, Optional<Domain> current, boolean changed, List<DomainEvent> unpublished) {
    }

    /** The domain is not linked to the app, and linking was not asked. */
    public static final class NotLinked extends Exception {
        public NotLinked(String message) {
            super(message, null, false, false);
        }
    }

    /** The name is linked to another app (Scalingo's 422 "has already been taken", and the app does not have it). */
    public static final class TakenByAnotherApp extends Exception {
        public TakenByAnotherApp(String message) {
            super(message, null, false, false);
        }
    }

    private final DomainsService scalingo;
    private final CanonicalLedger ledger;
    private final EventSink events;
    private final Ticker ticker;
    private final Duration oneCall;

    /** @param oneCall the longest one ledger call takes, its SDK retries included (AWS_API_CALL_TIMEOUT) */
    public CanonicalDomains(DomainsService scalingo, CanonicalLedger ledger, EventSink events, Ticker ticker, Duration oneCall) {
        this.scalingo = scalingo;
        this.ledger = ledger;
        this.events = events;
        this.ticker = ticker;
        this.oneCall = oneCall;
    }

    public Optional<Domain> get(String app, Deadline deadline) {
        return CanonicalPlan.current(scalingo.listDomains(app, deadline));
    }

    /**
     * @throws LedgerUnavailable when the change could not be recorded before it is made, or the app's last change is
     *         not settled (nothing was changed)
     */
    public Change set(String app, Hostname domain, boolean linkIfMissing, String caller, String requestId, Deadline deadline)
            throws NotLinked, TakenByAnotherApp {
        List<Domain> domains = scalingo.listDomains(app, deadline);
        Settled settled = settle(app, CanonicalPlan.current(domains), deadline);
        List<DomainEvent> unpublished = new ArrayList<>(settled.unpublished());
        CanonicalPlan plan = CanonicalPlan.set(domains, domain, linkIfMissing);
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(plan.previous(), plan.target(), false, unpublished);
        }
        if (plan.action() == CanonicalPlan.Action.NOT_LINKED) {
            throw new NotLinked("domain " + domain.ascii() + " is not linked to app " + app + "; send \"link\": true to link it");
        }
        settled.requireSettled(app);
        CanonicalLedger.Change change = new CanonicalLedger.Change(app, requestId, domain.ascii(),
                plan.previous().map(Domain::name).orElse(null), domain.ascii(), caller, false);
        record(change, deadline);
        Domain now;
        try {
            now = plan.action() == CanonicalPlan.Action.PATCH
                    ? scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(true), deadline)
                    : link(app, domain, deadline);
        } catch (TakenByAnotherApp refused) {
            close(change);
            throw refused;
        } catch (ScalingoException e) {
            if (e.isPermanent()) {
                close(change);
            }
            throw e;
        }
        unpublished.addAll(announce(change, deadline));
        return new Change(plan.previous(), Optional.of(now), true, unpublished);
    }

    /**
     * Links the domain as canonical. A 422 on the name after a lost reply may mean the first POST did link it: the
     * app's domains say which; if the app does not have it, another app does.
     */
    private Domain link(String app, Hostname domain, Deadline deadline) throws TakenByAnotherApp {
        Optional<DomainLinking.Linked> linked = DomainLinking.link(scalingo, app, DomainChanges.link(domain.ascii(), true, null),
                deadline);
        if (linked.isEmpty()) {
            throw new TakenByAnotherApp("domain " + domain.ascii() + " is linked to another app (has already been taken)");
        }
        Domain mine = linked.get().domain();
        if (mine.isCanonical()) {
            return mine;
        }
        return scalingo.updateDomain(app, mine.id(), DomainChanges.canonical(true), deadline);
    }

    /**
     * @throws LedgerUnavailable when the change could not be recorded before it is made, or the app's last change is
     *         not settled (nothing was changed)
     */
    public Change unset(String app, String caller, String requestId, Deadline deadline) {
        List<Domain> domains = scalingo.listDomains(app, deadline);
        Settled settled = settle(app, CanonicalPlan.current(domains), deadline);
        List<DomainEvent> unpublished = new ArrayList<>(settled.unpublished());
        CanonicalPlan plan = CanonicalPlan.unset(domains);
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(Optional.empty(), Optional.empty(), false, unpublished);
        }
        settled.requireSettled(app);
        String previous = plan.previous().get().name();
        CanonicalLedger.Change change = new CanonicalLedger.Change(app, requestId, previous, previous, null, caller, false);
        record(change, deadline);
        try {
            scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(false), deadline);
        } catch (ScalingoException e) {
            if (e.isPermanent()) {
                close(change);
            }
            throw e;
        }
        unpublished.addAll(announce(change, deadline));
        return new Change(plan.previous(), Optional.empty(), true, unpublished);
    }

    /**
     * The earlier change this app's last request owes an announcement: recorded, not announced, and shown made by
     * Scalingo (its canonical domain is the one that change made). A change Scalingo does not show (never applied, or
     * changed again by hand since) cannot be told made: nothing is said of it. Pure.
     */
    static Optional<CanonicalLedger.Change> owed(Optional<CanonicalLedger.Change> last, Optional<Domain> canonicalNow) {
        return last.filter(change -> !change.announced()
                && Objects.equals(change.current(), canonicalNow.map(Domain::name).orElse(null)));
    }

    /**
     * What settling an earlier change left: the owed event that could not be published, or why the app's last change
     * could not be looked at. A new change replaces the record of the last one, so it is made only once that one is
     * settled: an announcement is never overwritten unsaid.
     */
    private record Settled(List<DomainEvent> unpublished, String unsettled) {

        void requireSettled(String app) {
            if (unsettled != null) {
                throw new LedgerUnavailable("the last change of the canonical domain of app " + app + " is not settled yet ("
                        + unsettled + "); nothing was changed", true, null);
            }
        }
    }

    /** Announces what an earlier request on this app changed and could not announce. */
    private Settled settle(String app, Optional<Domain> canonicalNow, Deadline deadline) {
        if (!timeFor(1, deadline)) {
            return new Settled(List.of(), "too little of this request's time is left to look at it");
        }
        Optional<CanonicalLedger.Change> owed;
        try {
            owed = owed(ledger.last(app), canonicalNow);
        } catch (LedgerUnavailable unreadable) {
            return new Settled(List.of(), unreadable.getMessage());
        }
        if (owed.isEmpty()) {
            return new Settled(List.of(), null);
        }
        List<DomainEvent> unpublished = announce(owed.get(), deadline);
        return new Settled(unpublished, unpublished.isEmpty() ? null : "its event could not be published");
    }

    private void record(CanonicalLedger.Change change, Deadline deadline) {
        if (!timeFor(1, deadline)) {
            throw ScalingoException.notInTime("record the canonical change of " + change.app(), Duration.ofSeconds(1));
        }
        try {
            ledger.record(change);
        } catch (LedgerUnavailable unrecorded) {
            throw new LedgerUnavailable("the change could not be recorded before it is made (" + unrecorded.getMessage()
                    + "); nothing was changed", unrecorded.isTransient(), unrecorded);
        }
    }

    /**
     * A change Scalingo refused (a reply that says so: nothing was applied) owes nothing: closed, so that the same state
     * reached later by someone else is never announced as this request's. A failure to close leaves it to be told by
     * looking, as a change of unknown outcome is.
     */
    private void close(CanonicalLedger.Change refused) {
        try {
            ledger.markAnnounced(refused);
        } catch (LedgerUnavailable unclosed) {
            // looked at by the next request, as an unknown outcome
        }
    }

    /** @return the event, when it could not be published (the change stays owed) */
    private List<DomainEvent> announce(CanonicalLedger.Change change, Deadline deadline) {
        DomainEvent event = CanonicalEvents.changed(change.app(), change.domain(), change.previous(), change.current(),
                change.caller(), change.requestId());
        List<DomainEvent> unpublished = events.publish(List.of(event), deadline);
        if (unpublished.isEmpty() && timeFor(1, deadline)) {
            try {
                ledger.markAnnounced(change);
            } catch (LedgerUnavailable unmarked) {
                // announced, not marked: the next request announces it again, under the same id
            }
        }
        return unpublished;
    }

    /**
     * Whether {@code calls} AWS calls, each at its longest, still end before the deadline: a ledger call starts only
     * then (Scalingo's calls and the publishing end before the deadline by themselves).
     */
    private boolean timeFor(int calls, Deadline deadline) {
        return deadline.isNone() || deadline.nanoTime() - ticker.nanoTime() >= oneCall.toNanos() * calls;
    }
}
