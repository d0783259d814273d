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
     * @return written; or refused (another container wrote first), with the window stored now, as the refusal found it
     *         (the caller decides again on it without reading the store once more). Refused means this write is not what
     *         the store holds now: mostly never written; or, when its reply was lost and another container wrote on top
     *         before the store looked, written and built upon (its grant then counts, unused: never the other way round)
     * @throws LedgerUnavailable the store failed, or its reply was lost and could not be settled: the write may have
     *         taken effect (its grant then counts against the budget unused, never the other way round)
     */
    Written write(BudgetWindow next);

    /** Cold-start priming: the store's own work on {@code sample} (its encoding), without a call. */
    default void prime(BudgetWindow sample) {
    }

    /** The longest one call takes (AWS_API_CALL_TIMEOUT): none is started with less left. */
    java.time.Duration longest();

    /**
     * A conditional write's outcome: {@code current} is what the store holds when the write was refused, and
     * {@code lookedAgain} whether a refusal took a read of its own (a store that does not return the item with its
     * refusal; a refusal that turned out to be this very write, its reply lost, included), which the caller counts as
     * a call.
     */
    record Written(boolean written, Optional<BudgetWindow> current, boolean lookedAgain) {

        public static Written done() {
            return new Written(true, Optional.empty(), false);
        }

        /** Written: the SDK's retry of this write was refused, and the read after that refusal found this write. */
        public static Written doneThenRead() {
            return new Written(true, Optional.empty(), true);
        }

        /** Refused, the refusal itself showing what the store holds (DynamoDB's ALL_OLD on a failed condition). */
        public static Written refused(Optional<BudgetWindow> current) {
            return new Written(false, current, false);
        }

        /** Refused, what the store holds found by a read after the refusal. */
        public static Written refusedThenRead(Optional<BudgetWindow> current) {
            return new Written(false, current, true);
        }
    }
}
