package io.domainautomation.logic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.cleanup.CleanupEvents;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.cleanup.Tombstones;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.ownership.OwnershipCheck;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * Offboarding: an onboarding-queue message {@code {"action": "unlink", "app": ..., "domain": ...}} unlinks the domain
 * from the app, with the same tombstone as cleanup-stale's removals (restorable the same way) and a
 * {@code Domain Removed} event with reason {@code offboarding}. A canonical domain is made non-canonical first.
 * <p>
 * Idempotent: a duplicate, or a domain already gone, is a success; a link made after the message was sent (SQS's
 * {@code SentTimestamp}) is not this request's to remove, whenever the message is delivered again. The tombstone is written before the unlink and is
 * removed only when the unlink is known not to have happened (not sent, or the domain still there when looked at); a
 * lost reply is settled by listing the app's domains again. The event's id is the removed link's (its Scalingo id), so
 * a redelivery announces the same removal under the same id, and a later removal of the same name under another.
 */
public class Offboarding {

    public enum Kind {
        UNLINKED, ALREADY_UNLINKED
    }

    /**
     * @param unpublished the removal's event, when it could not be published (the message comes back: its redelivery
     *        finds the domain gone and the tombstone unannounced, and announces it)
     */
    public record Result(Kind kind, String app, String detail, List<DomainEvent> unpublished) {
    }

    /** Not done now, for a reason the message is not to blame for: it comes back. */
    public static final class Unsettled extends RuntimeException {
        Unsettled(String message) {
            super(message, null, false, false);
        }
    }

    /** Scalingo will not unlink the domain (it says so, and the domain is still there): retrying cannot help. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final DomainsService scalingo;
    private final AppDirectory directory;
    private final Tombstones tombstones;
    private final EventSink events;
    private final Clock clock;
    private final Ticker ticker;
    private final Duration oneCall;
    private final Optional<OwnershipCheck> ownership;

    /** @param oneCall the longest one ledger call takes, its SDK retries included (AWS_API_CALL_TIMEOUT) */
    public Offboarding(DomainsService scalingo, AppDirectory directory, Tombstones tombstones, EventSink events, Clock clock,
            Ticker ticker, Duration oneCall) {
        this(scalingo, directory, tombstones, events, clock, ticker, oneCall, Optional.empty());
    }

    /** @param ownership the proofs of ownership, when link-on-signup asks for them: a pending request is withdrawn */
    public Offboarding(DomainsService scalingo, AppDirectory directory, Tombstones tombstones, EventSink events, Clock clock,
            Ticker ticker, Duration oneCall, Optional<OwnershipCheck> ownership) {
        this.ownership = ownership;
        this.scalingo = scalingo;
        this.directory = directory;
        this.tombstones = tombstones;
        this.events = events;
        this.clock = clock;
        this.ticker = ticker;
        this.oneCall = oneCall;
    }

    /**
     * @throws ScalingoException Scalingo's failures (an unknown app is a permanent 404)
     * @throws LedgerUnavailable the tombstone could not be read or written (nothing was unlinked)
     * @throws Unsettled too little time, or an outcome to be told by the message's next delivery
     * @throws Refused Scalingo refuses to unlink the domain
     */
    public Result unlink(String messageId, Optional<Instant> sentAt, UnlinkRequest request, Deadline deadline) {
        String domain = request.domain().ascii();
        // a destructive act: the app looked up afresh, and asked of Scalingo by its ID, the tombstone keyed by its name
        directory.forget(request.app());
        App app = directory.resolve(request.app(), deadline);
        String id = app.id();
        String name = app.name();
        // a request for the name still waiting for its proof (or proven, not linked yet) no longer links it
        ownership.ifPresent(check -> check.withdraw(id, domain, sentAt, deadline));
        Optional<Domain> linked = Domain.named(scalingo.listDomains(id, deadline), domain);
        // read after the list: a copy of this message that changed the domain before the list had buried first
        requireTime(oneCall, "read the domain's tombstone", deadline);
        Optional<Tombstone> earlier = tombstones.tombstone(name, domain);
        if (linked.isEmpty()) {
            if (earlier.isPresent() && earlier.get().offboarding() && earlier.get().removalMayBeUnannounced()
                    && earlier.get().restoreStarted() == null && earlier.get().restored() == null) {
                // an earlier delivery's removal, its event never published: announced now, under its id
                return announce(earlier.get(), "unlinked by an earlier delivery of this message; announced now", deadline);
            }
            return new Result(Kind.ALREADY_UNLINKED, name, "not linked to " + name + ": nothing to do", List.of());
        }
        Domain current = linked.get();
        // an earlier removal of the name owes its event whatever this message comes to: announced first
        announceEarlier(earlier, current, deadline);
        requestPredates(current, sentAt);
        if (current.createdAt().toInstant().isAfter(sentAt.get().plus(SignupLinking.CLOCK_SKEW))) {
            // linked after the message was sent (SQS's time, not the payload's): a late delivery of an old request
            // does not remove the customer's new link
            return new Result(Kind.ALREADY_UNLINKED, name, "linked again at " + current.createdAt().toInstant()
                    + ", after this message was sent (" + sentAt.get() + "): left as it is", List.of());
        }
        if (earlier.filter(t -> t.restored() != null || t.restoreStarted() != null).isPresent()) {
            // a restore of the name not announced yet: its tombstone is the only record of that announcement
            throw new Unsettled("a restore of " + domain + " is not announced yet (invoke cleanup-stale's restore for it"
                    + " again); the domain is unlinked once it is");
        }
        // the same link's tombstone from an earlier delivery (it may have made the domain non-canonical already): kept,
        // with what the domain was before that delivery changed it
        Optional<Tombstone> same = earlier.filter(t -> t.offboarding() && current.id().equals(t.domainId()));
        Tombstone tombstone = same.orElseGet(() -> tombstone(name, current, messageId, request.requestId()));
        // the tombstone, then the requests it records: a canonical flag taken off, the unlink, a look at a lost reply
        int requests = current.isCanonical() ? 3 : 2;
        requireTime(oneCall.plus(scalingo.longestRequest().multipliedBy(requests)), "record and make the removal", deadline);
        if (same.isEmpty()) {
            tombstones.bury(tombstone);
        }
        boolean patched = !current.isCanonical(); // nothing to take off, or taken off (the PATCH answered)
        try {
            if (current.isCanonical()) {
                scalingo.updateDomain(id, current.id(), DomainChanges.canonical(false), deadline);
                patched = true;
            }
            scalingo.unlinkDomain(id, current.id(), deadline);
        } catch (ScalingoException e) {
            // the canonical flag may have been taken off (the PATCH answered, or sent and its reply lost), or an earlier
            // delivery took it off: the tombstone is then the only record that the domain was canonical
            boolean patchMayHaveApplied = current.isCanonical() && (patched || !e.isNotInTime());
            settle(id, tombstone, e, patched, patchMayHaveApplied || tombstone.canonical() && !current.isCanonical(), deadline);
        }
        return announce(tombstone, "unlinked" + (tombstone.canonical() ? " (it was the app's canonical domain)" : ""), deadline);
    }

    /**
     * The request must be told from a link made after it: by SQS's {@code SentTimestamp} (never the payload) against
     * the link's creation on Scalingo, 30 s apart at least (the two clocks may differ); otherwise nothing is unlinked.
     */
    private static void requestPredates(Domain current, Optional<Instant> sentAt) {
        if (sentAt.isEmpty()) {
            throw new Refused("an unlink must come through SQS, whose SentTimestamp tells a link made after the request from"
                    + " the one it asks to remove; nothing was unlinked");
        }
        if (current.createdAt() == null) {
            throw new Refused("Scalingo gives no creation time for " + current.name() + ": whether it was linked after this"
                    + " request cannot be told; nothing was unlinked");
        }
        Instant created = current.createdAt().toInstant();
        if (!created.isAfter(sentAt.get().plus(SignupLinking.CLOCK_SKEW))
                && created.isAfter(sentAt.get().minus(SignupLinking.CLOCK_SKEW))) {
            throw new Refused(current.name() + " was linked at " + created + ", within " + SignupLinking.CLOCK_SKEW.toSeconds()
                    + " s of this request (" + sentAt.get() + "): which came first cannot be told; nothing was unlinked");
        }
    }

    /** An earlier removal of the name, its link gone (the name linked again since), whose event is owed: published. */
    private void announceEarlier(Optional<Tombstone> earlier, Domain current, Deadline deadline) {
        if (earlier.isEmpty() || !earlier.get().removalMayBeUnannounced() || current.id().equals(earlier.get().domainId())) {
            return;
        }
        if (!events.publish(List.of(CleanupEvents.removed(earlier.get())), deadline).isEmpty()) {
            throw new Unsettled("an earlier removal of " + current.name() + " could not be announced; it is before anything"
                    + " else is done");
        }
        markAnnounced(earlier.get(), deadline);
    }

    /**
     * A failed change: the removal happened (returns), or it did not and its tombstone goes (throws), unless the
     * canonical flag may have been taken off: then the tombstone stays, the only record that it was canonical.
     */
    private void settle(String appId, Tombstone tombstone, ScalingoException failure, boolean unlinkSent, boolean keep,
            Deadline deadline) {
        if (failure.isNotInTime()) {
            if (!keep) {
                forget(tombstone, deadline); // not sent: known not to have happened
            }
            throw failure;
        }
        // whatever the failure (a 404 may be a domain gone, or one Scalingo refuses to unlink), only a list tells
        boolean stillLinked;
        try {
            stillLinked = scalingo.listDomains(appId, deadline).stream().anyMatch(d -> d.id().equals(tombstone.domainId()));
        } catch (ScalingoException unknown) {
            throw new Unsettled("unlink of " + tombstone.domain() + " failed (" + failure.getMessage() + ") and the domains"
                    + " could not be listed to tell whether it happened (" + unknown.getMessage() + "); its tombstone is"
                    + " kept and the next delivery looks again");
        }
        if (!stillLinked) {
            return;
        }
        if (!keep) {
            forget(tombstone, deadline);
        }
        if (failure.isNotFound()) {
            throw new Refused("Scalingo refuses to " + (unlinkSent ? "unlink " : "change ") + tombstone.domain()
                    + " (" + failure.getMessage() + ")" + (keep ? "; it may have been made non-canonical first: its"
                            + " tombstone keeps that it was canonical, and cleanup-stale's restore makes it canonical again"
                            : ""));
        }
        throw failure;
    }

    /** The tombstone of a removal known not to have happened; one left (no time, a ledger error) is replaced by the next. */
    private void forget(Tombstone tombstone, Deadline deadline) {
        if (!deadline.allows(oneCall, ticker)) {
            return;
        }
        try {
            tombstones.removeTombstone(tombstone.app(), tombstone.domain(), tombstone.scanId());
        } catch (LedgerUnavailable kept) {
            // the next delivery buries its own over it; a restore asked for it finds the domain linked and drops it
        }
    }

    private Result announce(Tombstone tombstone, String detail, Deadline deadline) {
        DomainEvent removed = CleanupEvents.removed(tombstone);
        List<DomainEvent> unpublished = events.publish(List.of(removed), deadline);
        if (unpublished.isEmpty()) {
            markAnnounced(tombstone, deadline);
        }
        return new Result(Kind.UNLINKED, tombstone.app(), detail, unpublished);
    }

    /** The tombstone of a removal just announced says so (best effort: announced again under its id otherwise). */
    private void markAnnounced(Tombstone announced, Deadline deadline) {
        if (!deadline.allows(oneCall, ticker)) {
            return;
        }
        try {
            tombstones.removalAnnounced(announced.app(), announced.domain(), announced.scanId());
        } catch (LedgerUnavailable unmarked) {
            // announced, not marked: a restore publishes it again first, under the same id
        }
    }

    private Tombstone tombstone(String app, Domain domain, String messageId, Optional<String> requestId) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("messageId", messageId);
        requestId.ifPresent(id -> evidence.put("requestId", id));
        return new Tombstone(app, domain.name(), clock.instant(), Tombstone.OFFBOARDING + domain.id(), List.of("offboarding"),
                evidence, domain.isCanonical(), !Boolean.FALSE.equals(domain.letsencryptEnabled()),
                domain.hasCustomCertificate(), null, 0).ofDomain(domain.id());
    }

    private void requireTime(Duration longest, String what, Deadline deadline) {
        if (!deadline.allows(longest, ticker)) {
            throw new Unsettled("too little of this invocation's time is left to " + what);
        }
    }
}
