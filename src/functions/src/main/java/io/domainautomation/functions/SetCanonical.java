package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.CanonicalHttp;
import io.domainautomation.functions.trigger.CanonicalHttp.Answer;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;
import io.quarkus.funqy.Funq;

/**
 * Makes one domain the canonical domain of an app. Invoked by an API Gateway HTTP API (payload 2.0, IAM
 * authorisation) on {@code GET|PUT|DELETE /apps/{app}/canonical-domain}, or directly with
 * {@code {"app": "...", "domain": "...", "link": false}}; {@link CanonicalHttp} routes and renders, this class does
 * what each route asks and announces every change.
 */
public class SetCanonical {

    static final String NAME = "set-canonical";

    @Inject
    CanonicalDomains canonical;

    @Inject
    OutcomeLog log;

    @Inject
    ObjectMapper json;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    EventDelivery events;

    private CanonicalHttp http;

    @PostConstruct
    void init() {
        http = new CanonicalHttp(json);
    }

    @Funq(NAME)
    public JsonNode setCanonical(JsonNode event) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(NAME)) {
            return handle(event);
        }
    }

    private JsonNode handle(JsonNode event) {
        Deadline deadline = deadlines.current();
        if (CanonicalHttp.isHttp(event)) {
            return http.render(answer(http.route(event), deadline));
        }
        return answer(http.routeDirect(event), deadline).toDirectResponse();
    }

    private Answer answer(CanonicalHttp.Routed routed, Deadline deadline) {
        if (routed.route().isEmpty()) {
            return routed.refusal().orElseThrow();
        }
        CanonicalHttp.Route route = routed.route().get();
        try {
            if (route instanceof CanonicalHttp.Put put) {
                return put(put, deadline);
            }
            if (route instanceof CanonicalHttp.Delete delete) {
                return delete(delete, deadline);
            }
            return get(route.app(), deadline);
        } catch (ScalingoException e) {
            return failed(e, route.requestId());
        } catch (CanonicalDomains.Unsettled e) {
            return unsettled(e, route.requestId());
        }
    }

    private Answer get(String app, Deadline deadline) {
        CanonicalDomains.Change current = canonical.get(app, deadline);
        events.reportUnpublished(NAME, current.unpublished(), current.unpublished().size());
        return current.current().map(d -> http.ok(http.domainJson(d)))
                .orElseGet(() -> http.error(404, "app " + app + " has no canonical domain", Map.of("resource", "canonical-domain")));
    }

    private Answer put(CanonicalHttp.Put put, Deadline deadline) {
        String app = put.app();
        String domain = put.request().domain().ascii();
        try {
            CanonicalDomains.Change change = canonical.set(app, put.request().domain(), put.request().link(), put.caller(),
                    put.requestId(), deadline);
            logChange(app, domain, change, put.caller(), put.requestId());
            return http.ok(withUnpublished(http.domainJson(change.current().orElseThrow()), change));
        } catch (CanonicalDomains.NotLinked notLinked) {
            return http.error(404, notLinked.getMessage(), Map.of("resource", "domain"));
        } catch (CanonicalDomains.TakenByAnotherApp taken) {
            return http.error(409, taken.getMessage(), Map.of("field", "domain"));
        }
    }

    private Answer delete(CanonicalHttp.Delete delete, Deadline deadline) {
        String app = delete.app();
        CanonicalDomains.Change change = canonical.unset(app, delete.caller(), delete.requestId(), deadline);
        String previous = change.previous().map(Domain::name).orElse(null);
        logChange(app, previous, change, delete.caller(), delete.requestId());
        ObjectNode body = json.createObjectNode();
        body.put("app", app);
        body.putNull("canonicalDomain");
        body.put("previous", previous);
        return http.ok(withUnpublished(body, change));
    }

    /**
     * Every change is announced (Canonical Domain Changed) by CanonicalDomains; an event that could not be published is
     * counted and logged whole, and the reply says so (the next change request on the app announces it again).
     */
    private ObjectNode withUnpublished(ObjectNode body, CanonicalDomains.Change change) {
        events.reportUnpublished(NAME, change.unpublished(), change.unpublished().size());
        if (!change.unpublished().isEmpty()) {
            body.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(change.unpublished())));
        }
        return body;
    }

    /**
     * Nothing was changed: the change could not be recorded before it is made, or the app's last change is not
     * settled: not now (503 with Retry-After), or the ledger refuses this function (500, alarmed).
     */
    private Answer unsettled(CanonicalDomains.Unsettled e, String requestId) {
        events.reportUnpublished(NAME, e.unpublished(), e.unpublished().size());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", requestId);
        fields.put("outcome", e.isTransient() ? "not-now" : "misconfigured");
        fields.put("reason", e.getMessage());
        log.warn(NAME, fields);
        if (!e.isTransient()) {
            metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
            return http.error(500, "this service cannot use its ledger as configured; nothing was changed; its operators are"
                    + " alerted", Map.of("requestId", requestId));
        }
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return http.error(503, e.getMessage() + "; retry in " + seconds + " s", Map.of("requestId", requestId))
                .withHeader("Retry-After", String.valueOf(seconds));
    }

    /** Scalingo's failure as the caller's answer; this service's own and Scalingo's faults are logged, and alarmed. */
    private Answer failed(ScalingoException e, String requestId) {
        Answer answer = http.upstreamFailure(e, requestId);
        if (answer.status() >= 500) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("requestId", requestId);
            fields.put("outcome", e.isConfiguration() ? "misconfigured" : "upstream-failure");
            fields.put("reason", e.getMessage());
            log.warn(NAME, fields);
            if (e.isConfiguration() && answer.status() == 500) {
                metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
            }
        }
        return answer;
    }

    private void logChange(String app, String domain, CanonicalDomains.Change change, String caller, String requestId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", requestId);
        fields.put("app", app);
        fields.put("domain", domain);
        fields.put("previousCanonical", change.previous().map(Domain::name).orElse(null));
        fields.put("newCanonical", change.current().map(Domain::name).orElse(null));
        fields.put("changed", change.changed());
        fields.put("caller", caller);
        log.info(NAME, fields);
    }
}
