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
    private final RecordedFaults faults = new RecordedFaults();

    public void faults(Faults faults) {
        this.faults.use(faults);
    }

    /** The last fault a call met (a fidelity run's mirror injects it at the real adapter's wire), and forgets it. */
    public InMemoryScalingo.FaultSeen takeLastFault() {
        return faults.take();
    }

    @Override
    public synchronized void recordAttempt(String app, String domain, String requestKey, Instant until) {
        faults.before("links.recordAttempt");
        attempts.merge(app + " " + domain + " " + requestKey, until, (a, b) -> a.isAfter(b) ? a : b); // the later end wins
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

    /**
     * What it holds for one app, as the ledger's items would read: {@code LINKTRY#<domain>#<request> until=<instant>}
     * and {@code LINKED#<domainId> <request>}, sorted.
     */
    public synchronized java.util.List<String> stored(String app) {
        java.util.List<String> items = new java.util.ArrayList<>();
        attempts.forEach((key, until) -> {
            String[] parts = key.split(" ");
            if (parts[0].equals(app)) {
                items.add("LINKTRY#" + parts[1] + "#" + parts[2] + " until=" + until);
            }
        });
        claims.forEach((key, holder) -> {
            String[] parts = key.split(" ");
            if (parts[0].equals(app)) {
                items.add("LINKED#" + parts[1] + " " + holder);
            }
        });
        java.util.Collections.sort(items);
        return items;
    }

    /** The request that claimed the link's announcement, if any. */
    public synchronized String claimOf(String app, String domainId) {
        return claims.get(app + " " + domainId);
    }
}
