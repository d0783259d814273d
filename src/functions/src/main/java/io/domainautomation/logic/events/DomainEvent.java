package io.domainautomation.logic.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One lifecycle event for the systems around (an EventBridge entry): its {@code detail-type}, the detail (a JSON
 * object with a version, the event id, the app, the domain and the correlation ids), and the event id, stable
 * across retries so consumers de-duplicate on it. Never a secret.
 */
public record DomainEvent(String detailType, String eventId, Map<String, Object> detail) {

    public static final String SOURCE = "scalingo-domain-automation";
    public static final String VERSION = "1";

    /**
     * What every event's detail starts with: the schema version, the event id, the app, the domain, and the ids that
     * tie it to what caused it (an SQS message, a request, a scan, a secret version).
     */
    public static Map<String, Object> detail(String eventId, String app, String domain, Map<String, Object> correlation) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("version", VERSION);
        detail.put("eventId", eventId);
        detail.put("app", app);
        detail.put("domain", domain);
        detail.put("correlation", correlation);
        return detail;
    }

    /** The same inputs give the same id: what redelivery of one message or one scan's retry publishes again. */
    public static String stableId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("|", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
