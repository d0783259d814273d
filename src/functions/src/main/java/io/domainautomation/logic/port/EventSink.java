package io.domainautomation.logic.port;

import java.util.List;

import io.domainautomation.logic.events.DomainEvent;

/**
 * Where lifecycle events go (implemented by {@code aws.EventPublisher}, EventBridge; recorded in tests). Nothing is
 * dropped: what could not be published is given back, for the caller to redeliver or report.
 */
public interface EventSink {

    /** False when no destination is configured: then nothing is published and nothing is given back. */
    boolean enabled();

    /** @return the events that could not be published within the deadline, in order */
    List<DomainEvent> publish(List<DomainEvent> events, Deadline deadline);
}
