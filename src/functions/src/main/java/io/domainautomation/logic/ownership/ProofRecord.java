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
 * @param since when the current window opened; {@code windowEnds} when it closes unproven
 * @param announcedFor the window whose {@code Domain Verification Required} went out ({@code since} of that window)
 * @param recheck the one delayed re-check that carries the request on: any other is superseded
 * @param withdrawnAt when an offboarding withdrew the request (state {@code WITHDRAWN})
 */
public record ProofRecord(String appId, String domain, String token, Instant since, Instant windowEnds, State state,
        Optional<Instant> provenAt, Optional<String> provenBy, Optional<Instant> announcedFor, Optional<String> recheck,
        Optional<Instant> withdrawnAt, long version) {

    public enum State {
        PENDING, PROVEN, WITHDRAWN
    }

    /** What proved it: the TXT record, or the name already pointing (CNAME) at the app's own host. */
    public static final String BY_TXT = "txt";
    public static final String BY_CNAME = "cname";

    public static ProofRecord opened(String appId, String domain, String token, Instant now, Instant windowEnds) {
        return new ProofRecord(appId, domain, token, now, windowEnds, State.PENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 1);
    }

    /** A new window, same token (after one ran out unproven, or after a withdrawal). */
    public ProofRecord reopened(Instant now, Instant ends) {
        return new ProofRecord(appId, domain, token, now, ends, State.PENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), version + 1);
    }

    public ProofRecord proven(Instant at, String by) {
        return new ProofRecord(appId, domain, token, since, windowEnds, State.PROVEN, Optional.of(at), Optional.of(by),
                announcedFor, Optional.empty(), Optional.empty(), version + 1);
    }

    public ProofRecord announced() {
        return new ProofRecord(appId, domain, token, since, windowEnds, state, provenAt, provenBy, Optional.of(since), recheck,
                withdrawnAt, version + 1);
    }

    public ProofRecord recheckedBy(String recheckId) {
        return new ProofRecord(appId, domain, token, since, windowEnds, state, provenAt, provenBy, announcedFor,
                Optional.of(recheckId), withdrawnAt, version + 1);
    }

    public ProofRecord withdrawn(Instant at) {
        return new ProofRecord(appId, domain, token, since, windowEnds, State.WITHDRAWN, Optional.empty(), Optional.empty(),
                announcedFor, Optional.empty(), Optional.of(at), version + 1);
    }

    public boolean isAnnounced() {
        return announcedFor.filter(since::equals).isPresent();
    }

    public boolean isExpired(Instant now) {
        return state == State.PENDING && now.isAfter(windowEnds);
    }
}
