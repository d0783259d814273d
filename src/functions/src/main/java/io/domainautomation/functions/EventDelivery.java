package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.aws.EventPublisher;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.EventSink;

/**
 * Publishing for the functions that cannot have their trigger delivered again (schedules, HTTP, direct invocations):
 * the publisher retries within the deadline; what still could not be published is counted ({@code EventsUnpublished},
 * alarmed), written whole to the log (detail-type, id and detail: enough to publish it again by hand; events hold no
 * secret) and handed back for the function's reply.
 */
@ApplicationScoped
public class EventDelivery {

    private final EventSink publisher;
    private final EmbeddedMetrics metrics;
    private final OutcomeLog log;

    EventDelivery(EventSink publisher, EmbeddedMetrics metrics, OutcomeLog log) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.log = log;
    }

    /** @return the events that could not be published */
    public List<DomainEvent> deliver(String function, List<DomainEvent> events, Deadline deadline) {
        List<DomainEvent> unpublished = publisher.publish(events, deadline);
        reportUnpublished(function, unpublished, events.size());
        return unpublished;
    }

    /** Events that could not be published (by whoever tried): counted, and logged whole, so none is lost unseen. */
    public void reportUnpublished(String function, List<DomainEvent> unpublished, int tried) {
        if (!unpublished.isEmpty()) {
            metrics.emit("EventsUnpublished", "Count", unpublished.size(), Map.of("Function", function));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("outcome", "events-unpublished");
            fields.put("reason", unpublished.size() + " of " + tried + " events could not be published after "
                    + EventPublisher.ATTEMPTS + " attempts");
            fields.put("events", unpublished.stream().map(EventDelivery::whole).toList());
            log.warn(function, fields);
        }
    }

    /** For replies: which events were not published. */
    public static List<Map<String, Object>> summaries(List<DomainEvent> unpublished) {
        return unpublished.stream().map(EventPublisher::summary).toList();
    }

    private static Map<String, Object> whole(DomainEvent event) {
        Map<String, Object> whole = new LinkedHashMap<>(EventPublisher.summary(event));
        whole.put("detail", event.detail());
        return whole;
    }
}
