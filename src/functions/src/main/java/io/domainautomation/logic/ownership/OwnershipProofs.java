package io.domainautomation.logic.ownership;

import io.domainautomation.logic.LedgerUnavailable;

/**
 * The proofs of ownership on record (implemented on the ledger's table by {@code aws.DynamoDbOwnershipProofs};
 * in memory in tests). Fails with {@link LedgerUnavailable}; a write whose reply was lost is an unknown, which the
 * caller settles by reading again (its next delivery does).
 */
public interface OwnershipProofs extends ProofRecords {

    /**
     * Writes {@code next} if the record is still at {@code next.version() - 1} (0: absent).
     *
     * @return false when another write came first: nothing was written
     */
    boolean write(ProofRecord next);
}
