package io.domainautomation.aws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * Publishes lifecycle events with EventBridge's PutEvents: at most 10 entries and 256 KB per call, a partial failure
 * ({@code FailedEntryCount}) retried entry by entry, a few attempts within the invocation's deadline. What could not be
 * published is given back, never dropped: the caller decides how it is redelivered.
 */
@ApplicationScoped
public class EventPublisher implements EventSink {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    static final int MAX_ENTRIES = 10;
    static final int MAX_BYTES = 256 * 1024;
    /** How many times an entry is tried within one invocation. */
    public static final int ATTEMPTS = 3;
    /** Less time than this before the deadline: no call is started (it could not get an answer). */
    private static final java.time.Duration MIN_CALL = java.time.Duration.ofMillis(100);

    private final Instance<EventBridgeClient> eventBridge;
    private final EventsConfig config;
    private final ObjectMapper json;
    private final java.time.Duration callTimeout;

    EventPublisher(Instance<EventBridgeClient> eventBridge, EventsConfig config, ObjectMapper json, AwsConfig aws) {
        this.eventBridge = eventBridge;
        this.config = config;
        this.json = json;
        this.callTimeout = aws.apiCallTimeout();
    }

    /** Builds the client (no request): what a first publish would pay, paid in the init phase instead. */
    public void warm() {
        if (enabled()) {
            eventBridge.get().serviceClientConfiguration();
        }
    }

    @Override
    public boolean enabled() {
        return config.busName().filter(name -> !name.isBlank()).isPresent();
    }

    /** @return the events that could not be published (none when every one was, or when no bus is configured) */
    @Override
    public List<DomainEvent> publish(List<DomainEvent> events, Deadline deadline) {
        if (!enabled() || events.isEmpty()) {
            return List.of();
        }
        List<DomainEvent> pending = new ArrayList<>(events);
        for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && !pause(100L * (1L << attempt), deadline)) {
                break;
            }
            List<DomainEvent> failed = new ArrayList<>();
            for (List<DomainEvent> batch : batches(pending)) {
                failed.addAll(send(batch, deadline));
            }
            pending = failed;
        }
        return pending;
    }

    /**
     * @return the entries of this call that failed; all of them, unsent, when the deadline leaves no time for a call
     *         (each call ends by the deadline: its timeout is at most the time left)
     */
    private List<DomainEvent> send(List<DomainEvent> batch, Deadline deadline) {
        List<PutEventsRequestEntry> entries = batch.stream().map(this::entry).toList();
        long left = Math.min(callTimeout.toNanos(), deadline.isNone() ? Long.MAX_VALUE : deadline.nanoTime() - System.nanoTime());
        if (left < MIN_CALL.toNanos()) {
            return batch;
        }
        PutEventsResponse response;
        try {
            response = eventBridge.get().putEvents(r -> {
                r.entries(entries);
                r.overrideConfiguration(o -> o.apiCallTimeout(java.time.Duration.ofNanos(left)));
            });
        } catch (SdkException e) {
            ServiceFailure failure = AwsErrors.failure("EventBridge PutEvents", e);
            LOG.warnf("events not published (%d): %s", batch.size(), failure.getMessage());
            return batch;
        }
        if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
            return List.of();
        }
        List<DomainEvent> failed = new ArrayList<>();
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < batch.size(); i++) {
            if (i >= results.size() || results.get(i).errorCode() != null) {
                failed.add(batch.get(i));
            }
        }
        return failed;
    }

    private PutEventsRequestEntry entry(DomainEvent event) {
        return PutEventsRequestEntry.builder().eventBusName(config.busName().get()).source(DomainEvent.SOURCE)
                .detailType(event.detailType()).detail(detail(event)).build();
    }

    private String detail(DomainEvent event) {
        try {
            return json.writeValueAsString(event.detail());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event detail could not be written as JSON", e);
        }
    }

    /** Up to 10 entries and 256 KB each (an entry's size counted as EventBridge does, roughly: its strings). */
    List<List<DomainEvent>> batches(List<DomainEvent> events) {
        List<List<DomainEvent>> batches = new ArrayList<>();
        List<DomainEvent> current = new ArrayList<>();
        int bytes = 0;
        for (DomainEvent event : events) {
            int size = detail(event).getBytes(StandardCharsets.UTF_8).length + event.detailType().length()
                    + DomainEvent.SOURCE.length() + config.busName().get().length();
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || bytes + size > MAX_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(event);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private static boolean pause(long millis, Deadline deadline) {
        if (!deadline.isNone() && System.nanoTime() + millis * 1_000_000 > deadline.nanoTime()) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** For reports: what an unpublished event was. */
    public static Map<String, Object> summary(DomainEvent event) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("detailType", event.detailType());
        summary.put("eventId", event.eventId());
        return summary;
    }
}
