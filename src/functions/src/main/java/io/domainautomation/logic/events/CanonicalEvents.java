package io.domainautomation.logic.events;

import java.util.LinkedHashMap;
import java.util.Map;

/** The event of set-canonical, pure: an app's canonical domain changed, by whom. */
public final class CanonicalEvents {

    public static final String CANONICAL_DOMAIN_CHANGED = "Canonical Domain Changed";

    private CanonicalEvents() {
    }

    /**
     * @param domain    the domain the request was about (the new canonical one, or the one no longer canonical)
     * @param current   the canonical domain now, null when the app has none
     * @param caller    the IAM principal API Gateway authenticated ({@code direct-invoke} for a direct invocation)
     * @param requestId the API Gateway request id (one per request: a retried request is a new request)
     */
    public static DomainEvent changed(String app, String domain, String previous, String current, String caller, String requestId) {
        String id = DomainEvent.stableId("canonical-changed", app, requestId);
        Map<String, Object> correlation = new LinkedHashMap<>();
        correlation.put("requestId", requestId);
        Map<String, Object> detail = DomainEvent.detail(id, app, domain, correlation);
        detail.put("previous", previous);
        detail.put("current", current);
        detail.put("caller", caller);
        return new DomainEvent(CANONICAL_DOMAIN_CHANGED, id, detail);
    }
}
