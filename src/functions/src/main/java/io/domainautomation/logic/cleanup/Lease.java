package io.domainautomation.logic.cleanup;

import java.time.Duration;

/**
 * An invocation's hold on a scan's state: who holds it and for how long. The holder is the invocation's id (Lambda's
 * request id, which Lambda's own retries of an invocation keep), so a lease whose reply was lost is recognised as its
 * own by the retry of the call and by the retry of the invocation, instead of keeping the scan until it expires.
 */
public record Lease(String holder, Duration length) {

    public Lease {
        if (holder == null || holder.isBlank()) {
            throw new IllegalArgumentException("a lease needs its holder");
        }
    }
}
