package io.domainautomation.fakes;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.port.BudgetStore;

/**
 * The shared budget's store in memory, with {@code aws.DynamoDbBudgetStore}'s condition and its calls (a refused write
 * is one call, showing what is there, as DynamoDB's ALL_OLD on a failed condition); it can be made unreachable.
 */
public final class InMemoryBudgetStore implements BudgetStore {

    private final Map<String, BudgetWindow> windows = new HashMap<>();
    private final boolean refusalShowsItem;
    private boolean unreachable;
    private long calls;

    /** As DynamoDB: a refused write shows the item that refused it (ALL_OLD), in the same call. */
    public InMemoryBudgetStore() {
        this(true);
    }

    /**
     * @param refusalShowsItem false: as the adapter on a DynamoDB that does not return the item with a refusal (an
     *        older local one), which reads it after the refusal (a second call)
     */
    public InMemoryBudgetStore(boolean refusalShowsItem) {
        this.refusalShowsItem = refusalShowsItem;
    }

    public synchronized void unreachable(boolean down) {
        this.unreachable = down;
    }

    @Override
    public synchronized Optional<BudgetWindow> read(String account) {
        call();
        return Optional.ofNullable(windows.get(account));
    }

    @Override
    public synchronized Written write(BudgetWindow next) {
        call();
        BudgetWindow now = windows.get(next.account());
        if ((now == null ? 0 : now.version()) != next.version() - 1) {
            if (refusalShowsItem) {
                // as DynamoDbBudgetStore on DynamoDB: the refusal shows what is there (ALL_OLD), in the same call
                return Written.refused(Optional.ofNullable(now));
            }
            calls++; // the adapter's read of what is there, after the refusal
            return Written.refusedThenRead(Optional.ofNullable(now));
        }
        windows.put(next.account(), next);
        return Written.done();
    }

    @Override
    public Duration longest() {
        return SignupWorld.ONE_AWS_CALL;
    }

    public synchronized long calls() {
        return calls;
    }

    private void call() {
        calls++;
        if (unreachable) {
            throw new LedgerUnavailable("ledger: the budget store: ApiCallTimeoutException", true, null);
        }
    }
}
