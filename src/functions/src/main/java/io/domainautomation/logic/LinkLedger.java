package io.domainautomation.logic;

import java.time.Instant;
import java.util.Optional;

/**
 * What link-on-signup remembers of its links, so that a request delivered again after its link was made (its reply
 * lost, the invocation killed before the event went out, the message redriven from the dead-letter queue) still
 * announces {@code Domain Linked}, and a link is announced as linked once whatever the number of messages asking for
 * it. A request is named by its key (the onboarding system's {@code requestId}, else the message's body), which every
 * delivery of it shares; an app by its ID (a rename does not change it). Implemented on the ledger's table ({@code aws.DynamoDbLinks}); fails with
 * {@link LedgerUnavailable}.
 */
public interface LinkLedger {

    /**
     * Before the link is asked of Scalingo: this request may link the domain, by {@code until} (when the invocation
     * asking ends: a link made later is not this attempt's).
     */
    void recordAttempt(String app, String domain, String requestKey, Instant until);

    /** When this request's last recorded attempt to link the domain ended, if it recorded one. */
    Optional<Instant> attempted(String app, String domain, String requestKey);

    /**
     * Claims the announcement of one link (Scalingo's domain id: a domain unlinked and linked again is a new link).
     *
     * @return the request that announces it: this one if it is the first to claim it (or claimed it before, its
     *         reply lost), another otherwise
     */
    String claim(String app, String domainId, String requestKey);
}
