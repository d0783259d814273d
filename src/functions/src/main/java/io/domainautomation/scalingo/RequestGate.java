package io.domainautomation.scalingo;

import java.time.Duration;

/**
 * What a Scalingo request waits for before it is sent: this container's static share ({@link RequestPacer}), or the
 * account's shared budget ({@link SharedBudget}, {@code SCALINGO_BUDGET_SHARED}).
 */
public interface RequestGate {

    /**
     * Blocks until this caller's turn.
     *
     * @throws io.domainautomation.logic.port.ScalingoException not in time when the turn would come after
     *         {@code latestStart}; nothing is taken then
     */
    void acquire(io.domainautomation.logic.port.Deadline latestStart, String operation);

    /**
     * Scalingo answered 429: someone spent the account's requests.
     *
     * @param deadline what the caller must end by: anything this does (a store call) starts only with its longest left
     */
    default void rateLimited(Duration retryAfter, io.domainautomation.logic.port.Deadline deadline) {
    }

    /** Cold-start priming: the gate's own decisions once, on sample data, without a request or a store call. */
    default void prime() {
    }
}
