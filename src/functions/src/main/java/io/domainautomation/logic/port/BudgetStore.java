package io.domainautomation.logic.port;

import java.util.Optional;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetWindow;

/**
 * Where the account's shared rate budget is kept (implemented on the ledger's table by {@code aws.DynamoDbBudgetStore};
 * in memory in tests). Fails with {@link LedgerUnavailable}: the caller then falls back to its static share.
 */
public interface BudgetStore {

    Optional<BudgetWindow> read(String account);

    /**
     * Writes {@code next} if the stored window is still at {@code next.version() - 1} (0: none).
     *
     * @return false when another container wrote first: nothing was written
     */
    boolean write(BudgetWindow next);

    /** The longest one call takes (AWS_API_CALL_TIMEOUT): none is started with less left. */
    java.time.Duration longest();
}
