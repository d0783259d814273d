package io.domainautomation.logic.budget;

import java.time.Duration;

/**
 * Whose work comes first when the account's budget is short. A caller books a start time at most its horizon ahead:
 * a person waiting books as far ahead as its deadline allows, background work only what is free now, so when slots are
 * scarce the waiting higher priorities have booked them before a lower one looks again.
 */
public enum Priority {
    /** set-canonical, domain-status: a person waits for the answer */
    INTERACTIVE(Duration.ofDays(1)),
    /** link-on-signup: a customer waits for their domain */
    SIGNUP(Duration.ofSeconds(15)),
    /** the certificate rotation */
    ROTATION(Duration.ofSeconds(2)),
    /** cleanup-stale's scan: only what nobody else wants */
    CLEANUP(Duration.ZERO);

    private final Duration horizon;

    Priority(Duration horizon) {
        this.horizon = horizon;
    }

    /** Background work, spread evenly at the budget's pace rather than taken in bursts. */
    public boolean paced() {
        return this == ROTATION || this == CLEANUP;
    }

    /** How far ahead of now this priority may book a start time. */
    public Duration horizon() {
        return horizon;
    }
}
