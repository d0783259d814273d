package io.domainautomation.logic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.domainautomation.logic.events.CanonicalEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * Reads and changes an app's canonical domain: one list, then at most one PATCH (or one POST when asked to link), and
 * announces each change: recorded in the ledger before it is made (a conditional write: two requests on one app never
 * both think they replaced the last change), {@code Canonical Domain Changed} published after, then marked announced.
 * A change whose event did not go out (EventBridge failing, the invocation killed after the PATCH) is announced by
 * the next request on that app (a GET included), under its own id, once Scalingo shows it made. A change whose reply
 * was lost is settled by looking at once. The app is one identity: named by its name or ID, it is keyed and announced
 * by its name, and Scalingo is called with its ID.
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

    /**
     * Nothing was changed: the change could not be recorded before it is made, or the app's last change is not
     * settled (its event cannot be published yet, the ledger cannot be read, another request's change is in flight).
     * {@code isTransient}: "not now" (then {@code retryAfter}); otherwise the ledger refuses this function (its
     * configuration). {@code unpublished}: an earlier change's event that could not be published.
     */
    public static final class Unsettled extends RuntimeException {
        private final boolean isTransient;
        private final Duration retryAfter;
        private final List<DomainEvent> unpublished;

        Unsettled(String message, boolean isTransient, Duration retryAfter, List<DomainEvent> unpublished) {
            super(message, null, false, false);
            this.isTransient = isTransient;
            this.retryAfter = retryAfter;
            this.unpublished = List.copyOf(unpublished);
        }

        public boolean isTransient() {
            return isTransient;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        public List<DomainEvent> unpublished() {
            return unpublished;
        }
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final DomainsService scalingo;
    private final AppDirectory apps;
    private final CanonicalLedger ledger;
    private final EventSink events;
    private final Clock clock;
    private final Ticker ticker;
    private final Duration oneCall;

    /** @param oneCall the longest one ledger call takes, its SDK retries included (AWS_API_CALL_TIMEOUT) */
    public CanonicalDomains(DomainsService scalingo, AppDirectory apps, CanonicalLedger ledger, EventSink events, Clock clock,
            Ticker ticker, Duration oneCall) {
        this.scalingo = scalingo;
        this.apps = apps;
        this.ledger = ledger;
        this.events = events;
        this.clock = clock;
        this.ticker = ticker;
        this.oneCall = oneCall;
    }

    /**
     * The app's canonical domain; an earlier change it owes an announcement is announced on the way, when this
     * container knows the app already (a GET costs Scalingo one call, as before).
     */
    public Change get(String app, Deadline deadline) {
        Optional<App> known = apps.known(app); // a GET costs Scalingo one call: it settles only an app already known
        Instant listedAt = clock.instant();
        Optional<Domain> current = CanonicalPlan.current(scalingo.listDomains(app, deadline));
        if (known.isEmpty()) {
            return new Change(current, current, false, List.of());
        }
        Settled settled = settle(last(known.get().id(), listedAt, deadline), current, deadline);
        if (settled.unsettled() != null && !settled.unsettled().isTransient()) {
            throw settled.unsettled(); // a ledger that refuses this function: its operators must hear of it
        }
        return new Change(current, current, false, settled.unpublished());
    }

    /** @throws Unsettled nothing was changed (see {@link Unsettled}) */
    public Change set(String app, Hostname domain, boolean linkIfMissing, String caller, String requestId, Deadline deadline)
            throws NotLinked, TakenByAnotherApp {
        App resolved = apps.resolve(app, deadline);
        Instant listedAt = clock.instant();
        List<Domain> domains = scalingo.listDomains(app, deadline);
        Last last = last(resolved.id(), listedAt, deadline);
        if (last.completedSinceListed(requestId, CanonicalPlan.current(domains))) {
            // another request's change, made and announced after this list: the list is looked at again
            last = new Last(last.change(), clock.instant(), null);
            domains = scalingo.listDomains(app, deadline);
        }
        Settled settled = settle(last, CanonicalPlan.current(domains), deadline);
        List<DomainEvent> unpublished = new ArrayList<>(settled.unpublished());
        CanonicalPlan plan = CanonicalPlan.set(domains, domain, linkIfMissing);
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(plan.previous(), plan.target(), false, unpublished);
        }
        if (plan.action() == CanonicalPlan.Action.NOT_LINKED) {
            throw new NotLinked("domain " + domain.ascii() + " is not linked to app " + app + "; send \"link\": true to link it");
        }
        CanonicalLedger.Change change = new CanonicalLedger.Change(resolved.id(), requestId, domain.ascii(),
                plan.previous().map(Domain::name).orElse(null), domain.ascii(), caller, false, until(deadline), resolved.name());
        record(change, settled, deadline);
        Domain now;
        try {
            now = plan.action() == CanonicalPlan.Action.PATCH
                    ? scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(true), deadline)
                    : link(app, domain, deadline);
        } catch (TakenByAnotherApp refused) {
            close(change, deadline);
            throw refused;
        } catch (ScalingoException e) {
            now = lookedAt(app, change, e, deadline).orElseThrow(() -> e); // made: the target is canonical
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

    /** @throws Unsettled nothing was changed (see {@link Unsettled}) */
    public Change unset(String app, String caller, String requestId, Deadline deadline) {
        App resolved = apps.resolve(app, deadline);
        Instant listedAt = clock.instant();
        List<Domain> domains = scalingo.listDomains(app, deadline);
        Last last = last(resolved.id(), listedAt, deadline);
        if (last.completedSinceListed(requestId, CanonicalPlan.current(domains))) {
            // another request's change, made and announced after this list: the list is looked at again
            last = new Last(last.change(), clock.instant(), null);
            domains = scalingo.listDomains(app, deadline);
        }
        Settled settled = settle(last, CanonicalPlan.current(domains), deadline);
        List<DomainEvent> unpublished = new ArrayList<>(settled.unpublished());
        CanonicalPlan plan = CanonicalPlan.unset(domains);
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(Optional.empty(), Optional.empty(), false, unpublished);
        }
        String previous = plan.previous().get().name();
        CanonicalLedger.Change change = new CanonicalLedger.Change(resolved.id(), requestId, previous, previous, null, caller,
                false, until(deadline), resolved.name());
        record(change, settled, deadline);
        try {
            scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(false), deadline);
        } catch (ScalingoException e) {
            lookedAt(app, change, e, deadline);
        }
        unpublished.addAll(announce(change, deadline));
        return new Change(plan.previous(), Optional.empty(), true, unpublished);
    }

    /**
     * The change's call failed: refused (a reply that says so), it was not made, and is closed; without a usable reply
     * it may have been made, and Scalingo's domains say which (made: it goes on to be announced; not made: closed). When
     * they cannot be read, or the call was not sent in time, it stays unknown: the next request looks.
     *
     * @return the canonical domain now (empty after a removal) when the change was made; the failure rethrown otherwise
     */
    private Optional<Domain> lookedAt(String app, CanonicalLedger.Change change, ScalingoException failure,
            Deadline deadline) {
        if (failure.isPermanent()) {
            close(change, deadline);
            throw failure;
        }
        if (failure.isNotInTime()) {
            over(change, deadline);
            throw failure;
        }
        Optional<Domain> canonicalNow;
        try {
            canonicalNow = CanonicalPlan.current(scalingo.listDomains(app, deadline));
        } catch (ScalingoException unknown) {
            failure.addSuppressed(unknown);
            over(change, deadline);
            throw failure;
        }
        if (!Objects.equals(change.current(), canonicalNow.map(Domain::name).orElse(null))) {
            close(change, deadline);
            throw failure;
        }
        return canonicalNow;
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
     * What settling the app's last change left: the request id a new record replaces (empty: none recorded), the owed
     * event that could not be published, or why the last change is not settled (a new change then waits).
     */
    private record Settled(Optional<String> replacing, List<DomainEvent> unpublished, Unsettled unsettled) {
    }

    /**
     * The app's last change as the ledger has it, read after the app's domains were listed (at {@code listedAt}), so
     * that it is never older than the list; or why it could not be read. A change whose invocation ended after the list
     * started may have made its Scalingo calls after it: in flight, whatever the time now (judged by the time now, a
     * change made between the list and the read, its request over since, would look neither made nor in flight, and
     * be replaced unannounced: LinkingSimulation, seed 4190; reading the ledger before the list instead, a change
     * recorded by another request in between would be announced twice: review of 2026-12-07).
     */
    private record Last(Optional<CanonicalLedger.Change> change, Instant listedAt, Unsettled unreadable) {

        /**
         * Another request's change, announced already, whose invocation ran past the start of the list, and which the
         * list does not show: made after the list (a list older than it would plan from a canonical domain that is no
         * longer: seed 5119).
         */
        boolean completedSinceListed(String requestId, Optional<Domain> canonicalListed) {
            return change.filter(c -> c.announced() && !c.requestId().equals(requestId) && c.until() != null
                    && listedAt.isBefore(c.until())
                    && !java.util.Objects.equals(c.current(), canonicalListed.map(Domain::name).orElse(null))).isPresent();
        }
    }

    private Last last(String appId, Instant listedAt, Deadline deadline) {
        if (!timeFor(1, deadline)) {
            return new Last(Optional.empty(), null, new Unsettled("too little of this request's time is left to look at"
                    + " the last change of the app's canonical domain; nothing was changed", true, RETRY_AFTER,
                    List.of()));
        }
        try {
            return new Last(ledger.last(appId), listedAt, null);
        } catch (LedgerUnavailable unreadable) {
            return new Last(Optional.empty(), listedAt, new Unsettled("the last change of the app's canonical domain"
                    + " cannot be read (" + unreadable.getMessage() + "); nothing was changed", unreadable.isTransient(),
                    RETRY_AFTER, List.of()));
        }
    }

    /**
     * Announces what an earlier request on this app changed and could not announce ({@code canonicalNow}: as listed
     * before the ledger was {@code read}).
     */
    private Settled settle(Last read, Optional<Domain> canonicalNow, Deadline deadline) {
        if (read.unreadable() != null) {
            return new Settled(Optional.empty(), List.of(), read.unreadable());
        }
        Optional<CanonicalLedger.Change> last = read.change();
        Optional<String> replacing = last.map(CanonicalLedger.Change::requestId);
        Optional<CanonicalLedger.Change> owed = owed(last, canonicalNow);
        if (owed.isPresent()) {
            List<DomainEvent> unpublished = announce(owed.get(), deadline);
            return new Settled(replacing, unpublished, unpublished.isEmpty() ? null : new Unsettled("the last change of the"
                    + " canonical domain of the app is not announced yet (its event could not be published); nothing"
                    + " was changed", true, RETRY_AFTER, unpublished));
        }
        if (last.isPresent() && !last.get().announced() && last.get().until() != null
                && read.listedAt().isBefore(last.get().until())) {
            // its invocation ran past the start of the list: it may have made its change after it
            Duration wait = Duration.between(clock.instant(), last.get().until()).plusSeconds(1);
            wait = wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
            return new Settled(replacing, List.of(), new Unsettled("another request's change of the app's canonical domain is"
                    + " in progress; nothing was changed", true, wait, List.of()));
        }
        return new Settled(replacing, List.of(), null);
    }

    private void record(CanonicalLedger.Change change, Settled settled, Deadline deadline) {
        if (settled.unsettled() != null) {
            throw settled.unsettled();
        }
        // the record, then the change's request and, should its reply be lost, a look at what it did: a change
        // recorded and never sent would hold the app for nothing, one never looked at would be a 502 for a change made
        if (!deadline.allows(oneCall.plus(scalingo.longestRequest().multipliedBy(2)), ticker)) {
            throw new Unsettled("too little of this request's time is left to record and make the change; nothing was"
                    + " changed", true, RETRY_AFTER, List.of());
        }
        boolean recorded;
        try {
            recorded = ledger.record(change, settled.replacing());
        } catch (LedgerUnavailable unrecorded) {
            throw new Unsettled("the change could not be recorded before it is made (" + unrecorded.getMessage()
                    + "); nothing was changed", unrecorded.isTransient(), RETRY_AFTER, List.of());
        }
        if (!recorded) {
            throw new Unsettled("another request recorded a change of the app's canonical domain meanwhile; nothing was"
                    + " changed", true, RETRY_AFTER, List.of());
        }
    }

    /**
     * A change known not made (Scalingo refused it, or showed it not made) owes nothing: closed, so that the same state
     * reached later by someone else is never announced as this request's. A failure to close leaves it to be told by
     * looking, as a change of unknown outcome is.
     */
    private void close(CanonicalLedger.Change notMade, Deadline deadline) {
        if (!timeFor(1, deadline)) {
            return;
        }
        try {
            ledger.markAnnounced(notMade);
        } catch (LedgerUnavailable unclosed) {
            // looked at by the next request, as an unknown outcome
        }
    }

    /**
     * A change of unknown outcome whose request is over: no longer in flight, so the caller's retry is not made to wait
     * for this invocation's end; the next request tells it made or not by looking.
     */
    private void over(CanonicalLedger.Change unknown, Deadline deadline) {
        if (!timeFor(1, deadline)) {
            return;
        }
        try {
            ledger.record(unknown.endedAt(clock.instant()), Optional.of(unknown.requestId()));
        } catch (LedgerUnavailable unrecorded) {
            // it stays in flight until its invocation's end, then is looked at
        }
    }

    /** @return the event, when it could not be published (the change stays owed) */
    private List<DomainEvent> announce(CanonicalLedger.Change change, Deadline deadline) {
        DomainEvent event = CanonicalEvents.changed(change.appName() != null ? change.appName() : change.app(), change.domain(),
                change.previous(), change.current(), change.caller(), change.requestId());
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

    /** When the invocation ends, on the wall clock (an unannounced change recorded before then may be in flight). */
    private Instant until(Deadline deadline) {
        return deadline.endsAt(clock, ticker, Duration.ofMinutes(1));
    }

    /**
     * Whether {@code calls} ledger calls, each at its longest, still end before the deadline: a ledger call starts only
     * then (Scalingo's calls and the publishing end by the deadline by themselves).
     */
    private boolean timeFor(int calls, Deadline deadline) {
        return deadline.allows(oneCall.multipliedBy(calls), ticker);
    }
}
