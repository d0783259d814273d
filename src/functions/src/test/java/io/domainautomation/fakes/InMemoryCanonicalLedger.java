package io.domainautomation.fakes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.CanonicalLedger;

/** set-canonical's last change per app in memory, with {@code aws.DynamoDbCanonicals}' condition. */
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
    public synchronized void record(Change change) {
        faults.before("canonicals.record");
        last.put(change.app(), change);
        faults.after("canonicals.record");
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
