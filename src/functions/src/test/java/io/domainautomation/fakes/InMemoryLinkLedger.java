package io.domainautomation.fakes;

import java.util.HashMap;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.LinkLedger;

/** link-on-signup's attempts and claims in memory, with {@code aws.DynamoDbLinks}' condition (first claim wins). */
public final class InMemoryLinkLedger implements LinkLedger {

    private final Map<String, Instant> attempts = new HashMap<>();
    private final Map<String, String> claims = new HashMap<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized void recordAttempt(String app, String domain, String requestKey, Instant until) {
        faults.before("links.recordAttempt");
        attempts.put(app + " " + domain + " " + requestKey, until);
        faults.after("links.recordAttempt");
    }

    @Override
    public synchronized Optional<Instant> attempted(String app, String domain, String requestKey) {
        faults.before("links.attempted");
        return Optional.ofNullable(attempts.get(app + " " + domain + " " + requestKey));
    }

    @Override
    public synchronized String claim(String app, String domainId, String requestKey) {
        faults.before("links.claim");
        String holder = claims.computeIfAbsent(app + " " + domainId, k -> requestKey);
        faults.after("links.claim");
        return holder;
    }

    /** Whether the request recorded an attempt (read without faults: for the simulator's checks). */
    public synchronized boolean hasAttempt(String app, String domain, String requestKey) {
        return attempts.containsKey(app + " " + domain + " " + requestKey);
    }

    /** The request that claimed the link's announcement, if any. */
    public synchronized String claimOf(String app, String domainId) {
        return claims.get(app + " " + domainId);
    }
}
