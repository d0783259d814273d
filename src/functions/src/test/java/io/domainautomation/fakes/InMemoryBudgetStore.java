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
 * costs the write and the read of what is there); it can be made unreachable.
 */
public final class InMemoryBudgetStore implements BudgetStore {

    private final Map<String, BudgetWindow> windows = new HashMap<>();
    private boolean unreachable;
    private long calls;

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
            calls++; // as DynamoDbBudgetStore: a refused condition is followed by a read of what is there
            return Written.refused(Optional.ofNullable(now));
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
