package io.domainautomation.logic;

/**
 * What link-on-signup remembers of its links, so that a message delivered again after its link was made (its reply
 * lost, or the invocation killed before the event went out) still announces {@code Domain Linked}, and a link is
 * announced as linked once whatever the number of messages asking for it. Implemented on the ledger's table
 * ({@code aws.DynamoDbLinks}); fails with {@link LedgerUnavailable}.
 */
public interface LinkLedger {

    /** Before the link is asked of Scalingo: this message may link the domain. */
    void recordAttempt(String app, String domain, String messageId);

    /** Whether this message recorded an attempt to link the domain. */
    boolean attempted(String app, String domain, String messageId);

    /**
     * Claims the announcement of one link (Scalingo's domain id: a domain unlinked and linked again is a new link).
     *
     * @return the message that announces it: this one if it is the first to claim it (or claimed it before, its
     *         reply lost), another otherwise
     */
    String claim(String app, String domainId, String messageId);
}
