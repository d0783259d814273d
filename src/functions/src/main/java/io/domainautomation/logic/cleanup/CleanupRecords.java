package io.domainautomation.logic.cleanup;

import java.util.Optional;

/**
 * What the cleanup's ledger says of one domain, read only (domain-status answers with it): its stale record, if a
 * scan marked it, and the tombstone of its removal, if it was removed. One read each, by key.
 */
public interface CleanupRecords {

    Optional<StaleRecord> staleRecord(String app, String domain);

    Optional<Tombstone> tombstone(String app, String domain);
}
