package io.domainautomation.logic.cleanup;

import java.util.Optional;

/**
 * The tombstones of removed domains, one per app and name: the only record of a removal, what restoring it takes, and
 * whether its {@code Domain Removed} is published. Written by cleanup-stale's removals and link-on-signup's
 * offboarding, read by cleanup-stale's restore. A tombstone is removed only once the removal it records is known not
 * to have happened, or once its restore is announced.
 */
public interface Tombstones {

    void bury(Tombstone tombstone);

    Optional<Tombstone> tombstone(String app, String domain);

    /** Removes the tombstone only if it is still that removal's ({@code scanId}): another's written since stays. */
    void removeTombstone(String app, String domain, String scanId);

    /** The removal's {@code Domain Removed} was published: the tombstone of that removal ({@code scanId}) says so. */
    void removalAnnounced(String app, String domain, String scanId);
}
