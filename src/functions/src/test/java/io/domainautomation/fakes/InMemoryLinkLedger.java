package io.domainautomation.fakes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.domainautomation.logic.LinkLedger;

/** link-on-signup's attempts and claims in memory, with {@code aws.DynamoDbLinks}' condition (first claim wins). */
public final class InMemoryLinkLedger implements LinkLedger {

    private final Set<String> attempts = new HashSet<>();
    private final Map<String, String> claims = new HashMap<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized void recordAttempt(String app, String domain, String messageId) {
        faults.before("links.recordAttempt");
        attempts.add(app + " " + domain + " " + messageId);
        faults.after("links.recordAttempt");
    }

    @Override
    public synchronized boolean attempted(String app, String domain, String messageId) {
        faults.before("links.attempted");
        return attempts.contains(app + " " + domain + " " + messageId);
    }

    @Override
    public synchronized String claim(String app, String domainId, String messageId) {
        faults.before("links.claim");
        String holder = claims.computeIfAbsent(app + " " + domainId, k -> messageId);
        faults.after("links.claim");
        return holder;
    }

    /** Whether the message recorded an attempt (read without faults: for the simulator's checks). */
    public synchronized boolean hasAttempt(String app, String domain, String messageId) {
        return attempts.contains(app + " " + domain + " " + messageId);
    }

    /** The message that claimed the link's announcement, if any. */
    public synchronized String claimOf(String app, String domainId) {
        return claims.get(app + " " + domainId);
    }
}
