package io.domainautomation.scalingo;

/** What {@code simulation.BudgetSimulation} needs of this package's internals, read only: the shared budget's constants. */
public final class BudgetSimulationAccess {

    /** {@link SharedBudget#STORE_DOWN_FOR}: how long a container goes by its static share after a store failure. */
    public static final long STORE_DOWN_FOR = SharedBudget.STORE_DOWN_FOR;
    /** {@link SharedBudget#STORE_CALLS_PER_WRITE}: the store calls a grant starts only with time for. */
    public static final int STORE_CALLS_PER_WRITE = SharedBudget.STORE_CALLS_PER_WRITE;

    private BudgetSimulationAccess() {
    }
}
