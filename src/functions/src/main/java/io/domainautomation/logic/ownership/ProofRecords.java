package io.domainautomation.logic.ownership;

import java.util.Optional;

import io.domainautomation.logic.LedgerUnavailable;

/**
 * The proofs of ownership on record, read only: what domain-status shows (implemented by {@code aws.DynamoDbProofReads},
 * GetItem only). Fails with {@link LedgerUnavailable}.
 */
public interface ProofRecords {

    Optional<ProofRecord> read(String appId, String domain);
}
