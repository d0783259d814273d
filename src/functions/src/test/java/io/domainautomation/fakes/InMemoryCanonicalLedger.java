package io.domainautomation.fakes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.CanonicalLedger;

/** set-canonical's last change per app in memory, with {@code aws.DynamoDbCanonicals}' conditions. */
public final class InMemoryCanonicalLedger implements CanonicalLedger {

    private final Map<String, Change> last = new HashMap<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized Optional<Change> last(String app) {
        faults.before("canonicals.last");
        return Optional.ofNullable(last.get(app));
    }

    @Override
    public synchronized boolean record(Change change, Optional<String> replacing) {
        faults.before("canonicals.record");
        Change now = last.get(change.app());
        // aws.DynamoDbCanonicals' condition: none there and none read, or the one read, or this request's own
        boolean holds = now == null ? replacing.isEmpty()
                : now.requestId().equals(change.requestId()) || replacing.filter(now.requestId()::equals).isPresent();
        if (!holds) {
            return false;
        }
        last.put(change.app(), change);
        faults.after("canonicals.record");
        return true;
    }

    @Override
    public synchronized void markAnnounced(Change change) {
        faults.before("canonicals.markAnnounced");
        Change now = last.get(change.app());
        if (now != null && now.requestId().equals(change.requestId())) {
            last.put(change.app(), change.announcedNow());
        }
        faults.after("canonicals.markAnnounced");
    }
}
