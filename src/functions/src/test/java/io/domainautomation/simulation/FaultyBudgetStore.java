package io.domainautomation.simulation;

import java.time.Duration;
import java.util.Optional;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.port.BudgetStore;

/**
 * One container's view of the account's budget store ({@link InMemoryBudgetStore}, shared by every container of a
 * history), with a fault at each call as the simulation's {@link Conditions} decide it (seeded): the call takes time
 * (the calling container's clock moves: up to {@link #longest()}, a timeout all of it), fails before taking effect, or
 * takes effect and loses its reply ({@link LedgerUnavailable} after the write applied: what {@code DynamoDbBudgetStore}
 * throws when its retries run out), or the container dies before or after it ({@link Killed}). A refused write shows
 * what is there, as DynamoDB's ALL_OLD does; or, as the adapter does with a DynamoDB that does not return it
 * ({@code oldItemWithRefusal} false), is followed by a read of what is there, with a fate of its own.
 */
final class FaultyBudgetStore implements BudgetStore {

    /** What a store call meets. */
    enum Fate {
        /** answered, in a few milliseconds or slowly (the time is the conditions') */
        ANSWERED,
        /** fails before taking effect (a throttle, an error; after {@link Conditions#time} has passed) */
        FAILED,
        /** takes effect, then its reply is lost: the caller is told the store failed */
        LOST_REPLY,
        /** the container dies before the call reaches the store */
        KILLED_BEFORE,
        /** the call takes effect, and the container dies before its reply */
        KILLED_AFTER;

        boolean failsBefore() {
            return this == FAILED || this == KILLED_BEFORE;
        }
    }

    /** Which call. */
    enum Call {
        READ, WRITE, REFUSAL_READ
    }

    /** The process ended in the middle of a store call: nothing after it runs in that container. */
    static final class Killed extends Error {
        Killed(String where) {
            super("killed " + where, null, false, false);
        }
    }

    /** The simulation's side: each call's fate and time, and what each applied write changed. */
    interface Conditions {
        /** The next call's fate (seeded, or the store being down). */
        Fate fate(FaultyBudgetStore store, Call call);

        /** How long the call takes, in milliseconds: the caller's clock moves by it. */
        long time(FaultyBudgetStore store, Call call, Fate fate);

        /** The call failed ({@link LedgerUnavailable} about to be thrown), the caller's clock past its time. */
        void failed(FaultyBudgetStore store, Call call, Fate fate);

        /** A write took effect: the window before, and the one written; {@code replyLost} when the caller will not know. */
        void applied(FaultyBudgetStore store, BudgetWindow before, BudgetWindow written, boolean replyLost);

        /** A read (or a refusal's read) answered with this window. */
        void seen(FaultyBudgetStore store, Optional<BudgetWindow> window);

        /** A write was refused: the refusal carried the item ({@code itemCarried}), or the adapter reads it after. */
        default void refused(FaultyBudgetStore store, boolean itemCarried) {
        }
    }

    private final InMemoryBudgetStore delegate;
    private final Conditions conditions;
    private final Duration longest;
    /** Who calls through this view (the simulation's container incarnation). */
    final Object owner;
    /** Whether a refusal shows the item (DynamoDB's ALL_OLD), or the adapter reads it after the refusal. */
    private final boolean oldItemWithRefusal;

    FaultyBudgetStore(InMemoryBudgetStore delegate, Conditions conditions, Duration longest, Object owner,
            boolean oldItemWithRefusal) {
        this.oldItemWithRefusal = oldItemWithRefusal;
        this.delegate = delegate;
        this.conditions = conditions;
        this.longest = longest;
        this.owner = owner;
    }

    @Override
    public Optional<BudgetWindow> read(String account) {
        return read(account, Call.READ);
    }

    private Optional<BudgetWindow> read(String account, Call call) {
        Fate fate = conditions.fate(this, call);
        conditions.time(this, call, fate);
        before(call, fate);
        Optional<BudgetWindow> window = delegate.read(account);
        after(call, fate);
        conditions.seen(this, window);
        return window;
    }

    @Override
    public Written write(BudgetWindow next) {
        Fate fate = conditions.fate(this, Call.WRITE);
        conditions.time(this, Call.WRITE, fate);
        before(Call.WRITE, fate);
        Optional<BudgetWindow> before = delegate.read(next.account());
        Written written = delegate.write(next);
        if (written.written()) {
            conditions.applied(this, before.orElse(BudgetWindow.empty(next.account())), next, fate != Fate.ANSWERED);
            after(Call.WRITE, fate);
            return written;
        }
        after(Call.WRITE, fate);
        conditions.refused(this, oldItemWithRefusal);
        if (oldItemWithRefusal) {
            // refused: the condition failed, and the refusal shows what is there (DynamoDB's ALL_OLD), in the same call
            conditions.seen(this, written.current());
            return written;
        }
        // refused, by a store whose refusal does not show the item: the adapter reads what is there (a call of its
        // own, with its own fate)
        return Written.refusedThenRead(read(next.account(), Call.REFUSAL_READ));
    }

    private void before(Call call, Fate fate) {
        if (fate == Fate.KILLED_BEFORE) {
            throw new Killed("before a store " + call);
        }
        if (fate == Fate.FAILED) {
            conditions.failed(this, call, fate);
            throw new LedgerUnavailable("ledger: the budget store failed (simulated) on " + call, true, null);
        }
    }

    private void after(Call call, Fate fate) {
        if (fate == Fate.KILLED_AFTER) {
            throw new Killed("after a store " + call + " took effect");
        }
        if (fate == Fate.LOST_REPLY) {
            conditions.failed(this, call, fate);
            throw new LedgerUnavailable("ledger: the budget store's reply was lost (simulated) on " + call, true, null);
        }
    }

    @Override
    public Duration longest() {
        return longest;
    }
}
