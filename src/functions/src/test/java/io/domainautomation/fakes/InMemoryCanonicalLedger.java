package io.domainautomation.fakes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.CanonicalLedger;

/** set-canonical's last change per app in memory, with {@code aws.DynamoDbCanonicals}' conditions. */
public final class InMemoryCanonicalLedger implements CanonicalLedger {

    private final Map<String, Change> last = new HashMap<>();
    private final RecordedFaults faults = new RecordedFaults();

    public void faults(Faults faults) {
        this.faults.use(faults);
    }

    /** The last fault a call met (a fidelity run's mirror injects it at the real adapter's wire), and forgets it. */
    public InMemoryScalingo.FaultSeen takeLastFault() {
        return faults.take();
    }

    /** The app's last change, read without faults (for checks and comparisons). */
    public synchronized Optional<Change> stored(String app) {
        return Optional.ofNullable(last.get(app));
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
