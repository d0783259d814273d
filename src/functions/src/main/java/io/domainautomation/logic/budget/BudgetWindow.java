package io.domainautomation.logic.budget;

import java.util.List;

/**
 * The account's shared record of requests granted (one per Scalingo user, in the budget store): each grant a count of
 * request starts allowed within [{@code fromMillis}, {@code untilMillis}], and the limit lowered after a 429 until
 * {@code shrinkUntilMillis}. Written only by compare-and-set on {@code version} (0: none yet).
 */
public record BudgetWindow(String account, List<Grant> grants, long shrinkUntilMillis, int shrunkCap, long version) {

    /** {@code count} requests that may start between {@code fromMillis} and {@code untilMillis}, by {@code priority}. */
    public record Grant(long fromMillis, long untilMillis, int count, Priority priority) {
    }

    public BudgetWindow {
        grants = List.copyOf(grants);
    }

    public static BudgetWindow empty(String account) {
        return new BudgetWindow(account, List.of(), 0, 0, 0);
    }
}
