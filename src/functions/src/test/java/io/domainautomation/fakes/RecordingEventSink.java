package io.domainautomation.fakes;

import java.util.ArrayList;
import java.util.List;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.EventSink;

/**
 * Keeps what is published, in order; the events a test names as failing are given back unpublished (EventBridge's
 * partial failure), the others kept.
 */
public final class RecordingEventSink implements EventSink {

    /** Decides, per event, whether this attempt fails. */
    public interface Rejection {
        boolean rejects(DomainEvent event);
    }

    private final List<DomainEvent> published = new ArrayList<>();
    private Rejection rejection = event -> false;
    private Faults faults = Faults.NONE;
    private io.domainautomation.logic.port.Ticker ticker;

    /** Deadlines read on this ticker: as {@code aws.EventPublisher}, no call starts with less than 100 ms left. */
    public void ticker(io.domainautomation.logic.port.Ticker ticker) {
        this.ticker = ticker;
    }

    public void rejecting(Rejection rejection) {
        this.rejection = rejection;
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    public synchronized List<DomainEvent> published() {
        return List.copyOf(published);
    }

    public synchronized List<String> detailTypes() {
        return published.stream().map(DomainEvent::detailType).toList();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized List<DomainEvent> publish(List<DomainEvent> events, Deadline deadline) {
        if (ticker != null && !deadline.isNone() && deadline.nanoTime() - ticker.nanoTime() < 100_000_000L) {
            return List.copyOf(events);
        }
        faults.before("events.publish");
        List<DomainEvent> failed = new ArrayList<>();
        for (DomainEvent event : events) {
            if (rejection.rejects(event)) {
                failed.add(event);
            } else {
                published.add(event);
            }
        }
        faults.after("events.publish");
        return failed;
    }
}
