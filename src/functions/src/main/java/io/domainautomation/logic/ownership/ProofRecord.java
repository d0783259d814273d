package io.domainautomation.logic.ownership;

import java.time.Instant;
import java.util.Optional;

/**
 * What is on record of one name's proof of ownership for one app (by the app's ID: another app claiming the same name
 * has its own token). Written only by compare-and-set on {@code version} (0: no record yet), so two deliveries at once
 * never undo each other's step.
 *
 * @param token the secret part of the TXT record's value: random, kept for the record's life (a new window keeps it,
 *        so a record the customer already set keeps proving)
 * @param since when the current window opened (this function's clock); {@code windowEnds} when it closes unproven
 * @param requestedAt when SQS took in the message that opened the window (its SentTimestamp; {@code since} when
 *        unknown): what an offboarding's own SentTimestamp is compared with
 * @param announcedFor the window whose {@code Domain Verification Required} went out ({@code since} of that window)
 * @param recheck the one delayed re-check that carries the request on: any other is superseded (kept once proven: that
 *        re-check, delivered again, links on the proof however late it comes)
 * @param withdrawnAt when an offboarding withdrew the request (state {@code WITHDRAWN}), and {@code withdrawnFor}
 *        when SQS took that offboarding in: a signup sent before it is the request it ended
 */
public record ProofRecord(String appId, String domain, String token, Instant since, Instant windowEnds, Instant requestedAt,
        State state, Optional<Instant> provenAt, Optional<String> provenBy, Optional<Instant> announcedFor,
        Optional<String> recheck, Optional<Instant> withdrawnAt, Optional<Instant> withdrawnFor, long version) {

    public enum State {
        PENDING, PROVEN, WITHDRAWN
    }

    /** What proved it: the TXT record, or the name already pointing (CNAME) at the app's own host. */
    public static final String BY_TXT = "txt";
    public static final String BY_CNAME = "cname";

    public static ProofRecord opened(String appId, String domain, String token, Instant now, Instant windowEnds,
            Instant requestedAt) {
        return new ProofRecord(appId, domain, token, now, windowEnds, requestedAt, State.PENDING, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1);
    }

    /** A new window, same token (after one ran out unproven, a withdrawal, or a proof too old to link on). */
    public ProofRecord reopened(Instant now, Instant ends, Instant requested) {
        return new ProofRecord(appId, domain, token, now, ends, requested, State.PENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), version + 1);
    }

    public ProofRecord proven(Instant at, String by) {
        return new ProofRecord(appId, domain, token, since, windowEnds, requestedAt, State.PROVEN, Optional.of(at),
                Optional.of(by), announcedFor, recheck, Optional.empty(), Optional.empty(), version + 1);
    }

    public ProofRecord announced() {
        return new ProofRecord(appId, domain, token, since, windowEnds, requestedAt, state, provenAt, provenBy,
                Optional.of(since), recheck, withdrawnAt, withdrawnFor, version + 1);
    }

    public ProofRecord recheckedBy(String recheckId) {
        return new ProofRecord(appId, domain, token, since, windowEnds, requestedAt, state, provenAt, provenBy, announcedFor,
                Optional.of(recheckId), withdrawnAt, withdrawnFor, version + 1);
    }

    /** @param sentAt when SQS took the offboarding in ({@code at} when unknown) */
    public ProofRecord withdrawn(Instant at, Instant sentAt) {
        return new ProofRecord(appId, domain, token, since, windowEnds, requestedAt, State.WITHDRAWN, Optional.empty(),
                Optional.empty(), announcedFor, Optional.empty(), Optional.of(at), Optional.of(sentAt), version + 1);
    }

    public boolean isAnnounced() {
        return announcedFor.filter(since::equals).isPresent();
    }

    public boolean isExpired(Instant now) {
        return state == State.PENDING && now.isAfter(windowEnds);
    }
}
