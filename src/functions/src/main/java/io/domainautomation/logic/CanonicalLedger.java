package io.domainautomation.logic;

import java.time.Instant;
import java.util.Optional;

/**
 * set-canonical's last change of an app's canonical domain, recorded before it is made and marked announced once its
 * {@code Canonical Domain Changed} was published: a change whose event could not go out (EventBridge failing, the
 * invocation killed) is announced by the next request on that app, under its own id. Keyed by the app's ID.
 * Implemented on the ledger's table ({@code aws.DynamoDbCanonicals}); fails with {@link LedgerUnavailable}.
 */
public interface CanonicalLedger {

    /**
     * One change of the app {@code app} (its ID: the ledger's key, which a rename does not change; {@code appName}, its
     * name, for the event): {@code domain} the request was about, {@code current} the canonical domain it makes (null
     * when it removes it), {@code requestId} the request that made it (the event's id is derived from it), {@code
     * until} when the invocation making it ends (before then, an unannounced change may still be in flight).
     */
    record Change(String app, String requestId, String domain, String previous, String current, String caller,
            boolean announced, Instant until, String appName) {

        public Change announcedNow() {
            return new Change(app, requestId, domain, previous, current, caller, true, until, appName);
        }

        /** The same change, its invocation over at {@code ended} (no longer in flight). */
        public Change endedAt(Instant ended) {
            return new Change(app, requestId, domain, previous, current, caller, announced, ended, appName);
        }
    }

    Optional<Change> last(String app);

    /**
     * Before the change is asked of Scalingo: replaces the app's last change, only if that is still the one read
     * ({@code replacing}: its request id; empty when there was none).
     *
     * @return false when another change was recorded meanwhile (nothing written)
     */
    boolean record(Change change, Optional<String> replacing);

    /** After its event was published (or when it is known not made); nothing when a later change replaced it. */
    void markAnnounced(Change change);
}
