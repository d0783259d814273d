package io.domainautomation.functions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.CanonicalRequests;
import io.domainautomation.functions.trigger.HttpApi;
import io.domainautomation.logic.AppName;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalRequest;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.events.CanonicalEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.scalingo.Deadline;
import io.domainautomation.scalingo.Domain;
import io.domainautomation.scalingo.ScalingoException;
import io.quarkus.funqy.Funq;

/**
 * Makes one domain the canonical domain of an app. Invoked by an API Gateway HTTP API (payload 2.0, IAM
 * authorisation) on {@code GET|PUT|DELETE /apps/{app}/canonical-domain}, or directly with
 * {@code {"app": "...", "domain": "...", "link": false}}. Either way the reply carries the HTTP status: the HTTP
 * API response envelope, or {@code {"statusCode": ..., ...}} for a direct invocation.
 */
public class SetCanonical {

    static final String NAME = "set-canonical";
    private static final Pattern ROUTE = Pattern.compile(".*/apps/([^/]+)/canonical-domain/?");
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

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

    @Funq(NAME)
    public JsonNode setCanonical(JsonNode event) {
        if (HttpApi.isHttpApiEvent(event)) {
            RouteAnswer reply = handleHttp(HttpApi.event(event));
            return HttpApi.response(json, reply.status(), reply.body(), reply.headers());
        }
        return handleDirect(event).toDirectResponse();
    }

    private RouteAnswer handleHttp(APIGatewayV2HTTPEvent request) {
        Deadline deadline = deadlines.current();
        String requestId = HttpApi.requestId(request).orElseGet(() -> UUID.randomUUID().toString());
        String method = HttpApi.method(request);
        String path = HttpApi.path(request);
        Matcher route = ROUTE.matcher(path);
        if (!route.matches()) {
            return error(404, "no route " + method + " " + path
                    + "; routes: GET, PUT, DELETE /apps/{app}/canonical-domain", Map.of());
        }
        try {
            String app = AppName.parse("app", HttpApi.pathParameter(request, "app").orElse(decoded(route.group(1))));
            String caller = HttpApi.caller(request);
            return switch (method) {
                case "GET" -> get(app, deadline);
                case "PUT" -> put(app, CanonicalRequests.fromBody(json, HttpApi.body(request)), caller, requestId, deadline);
                case "DELETE" -> delete(app, caller, requestId, deadline);
                default -> error(405, "method " + method + " is not allowed on this route", Map.of())
                        .withHeader("Allow", "GET, PUT, DELETE");
            };
        } catch (InvalidInput invalid) {
            return badRequest(invalid);
        } catch (ScalingoException e) {
            return upstreamFailure(e, requestId);
        }
    }

    private static String decoded(String pathSegment) throws InvalidInput {
        try {
            return URLDecoder.decode(pathSegment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new InvalidInput("app", "the path holds a malformed percent-escape");
        }
    }

    private RouteAnswer handleDirect(JsonNode event) {
        Deadline deadline = deadlines.current();
        String requestId = UUID.randomUUID().toString();
        try {
            CanonicalRequests.Direct direct = CanonicalRequests.fromDirectInvocation(event);
            return put(direct.app(), direct.request(), "direct-invoke", requestId, deadline);
        } catch (InvalidInput invalid) {
            return badRequest(invalid);
        } catch (ScalingoException e) {
            return upstreamFailure(e, requestId);
        }
    }

    private RouteAnswer get(String app, Deadline deadline) {
        Optional<Domain> current = canonical.get(app, deadline);
        return current.map(d -> ok(domainJson(d)))
                .orElseGet(() -> error(404, "app " + app + " has no canonical domain", Map.of("resource", "canonical-domain")));
    }

    private RouteAnswer put(String app, CanonicalRequest request, String caller, String requestId, Deadline deadline) {
        try {
            CanonicalDomains.Change change = canonical.set(app, request.domain(), request.link(), deadline);
            logChange(app, request.domain().ascii(), change, caller, requestId);
            return ok(announced(domainJson(change.current().orElseThrow()), app, request.domain().ascii(), change, caller,
                    requestId, deadline));
        } catch (CanonicalDomains.NotLinked notLinked) {
            return error(404, notLinked.getMessage(), Map.of("resource", "domain"));
        } catch (CanonicalDomains.TakenByAnotherApp taken) {
            return error(409, taken.getMessage(), Map.of("field", "domain"));
        }
    }

    private RouteAnswer delete(String app, String caller, String requestId, Deadline deadline) {
        CanonicalDomains.Change change = canonical.unset(app, deadline);
        logChange(app, change.previous().map(Domain::name).orElse(null), change, caller, requestId);
        ObjectNode body = json.createObjectNode();
        body.put("app", app);
        body.putNull("canonicalDomain");
        body.put("previous", change.previous().map(Domain::name).orElse(null));
        return ok(announced(body, app, change.previous().map(Domain::name).orElse(null), change, caller, requestId, deadline));
    }

    /** A change is announced (Canonical Domain Changed); the reply says when the event could not be published. */
    private ObjectNode announced(ObjectNode body, String app, String domain, CanonicalDomains.Change change, String caller,
            String requestId, Deadline deadline) {
        if (!change.changed()) {
            return body;
        }
        List<DomainEvent> unpublished = events.deliver(NAME, List.of(CanonicalEvents.changed(app, domain,
                change.previous().map(Domain::name).orElse(null), change.current().map(Domain::name).orElse(null), caller,
                requestId)), deadline);
        if (!unpublished.isEmpty()) {
            body.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(unpublished)));
        }
        return body;
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

    private RouteAnswer badRequest(InvalidInput invalid) {
        return error(400, invalid.getMessage(), Map.of("field", invalid.field()));
    }

    /**
     * What Scalingo's answer means for the caller: their mistake (404, 409, 422 with Scalingo's reason), "not now"
     * (503 with Retry-After: rate limit, or no time left in this invocation), this service's fault (500: its token or
     * its requests are refused), or Scalingo's (502: a 5xx or no reply).
     */
    private RouteAnswer upstreamFailure(ScalingoException e, String requestId) {
        if (e.isNotFound()) {
            String resource = e.resource().orElse("app");
            return error(404, resource + " not found", Map.of("resource", resource));
        }
        if (e.status() == 409) {
            return error(409, "Scalingo refused the change: " + String.join("; ", scalingoReasons(e)), Map.of("field", "domain"));
        }
        if (e.status() == 422) {
            String field = e.fieldErrors().keySet().stream().findFirst().map(f -> f.equals("name") ? "domain" : f)
                    .orElse("domain");
            return error(422, "Scalingo refused the change: " + String.join("; ", scalingoReasons(e)), Map.of("field", field));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", requestId);
        fields.put("outcome", e.isConfiguration() ? "misconfigured" : "upstream-failure");
        fields.put("reason", e.getMessage());
        log.warn(NAME, fields);
        if (e.isRateLimited() || e.isNotInTime()) {
            Duration wait = e.retryAfter().orElse(DEFAULT_RETRY_AFTER);
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            String why = e.isRateLimited() ? "Scalingo's rate limit is reached" : "the rate budget has no slot in time";
            return error(503, why + "; retry in " + seconds + " s", Map.of("requestId", requestId))
                    .withHeader("Retry-After", String.valueOf(seconds));
        }
        if (e.isConfiguration() || e.isPermanent()) {
            if (e.isConfiguration()) {
                metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
            }
            return error(500, "this service cannot use Scalingo as configured" + (e.isPermanent() && !e.isUnauthorized()
                    ? " (Scalingo answered HTTP " + e.status() + ")" : "") + "; its operators are alerted",
                    Map.of("requestId", requestId));
        }
        return error(502, "the Scalingo API failed (" + (e.status() == 0 ? "no reply" : "HTTP " + e.status())
                + ")", Map.of("requestId", requestId));
    }

    /** Scalingo's own words: its messages and its per-field errors. */
    private static List<String> scalingoReasons(ScalingoException e) {
        List<String> reasons = new ArrayList<>(e.messages());
        e.fieldErrors().forEach((field, errors) -> reasons.add(field + " " + String.join(", ", errors)));
        return reasons;
    }

    /** Only what a caller needs; never key material (Scalingo's read form has none, but nothing is passed blindly). */
    private ObjectNode domainJson(Domain d) {
        ObjectNode node = json.createObjectNode();
        node.put("id", d.id());
        node.put("name", d.name());
        node.put("canonical", d.isCanonical());
        node.put("ssl", d.hasCustomCertificate());
        if (d.letsencryptStatus() != null) {
            node.put("letsencrypt_status", d.letsencryptStatus());
        }
        if (d.validity() != null) {
            node.put("validity", d.validity().toString());
        }
        return node;
    }

    private static RouteAnswer ok(ObjectNode body) {
        return new RouteAnswer(200, body, Map.of());
    }

    private RouteAnswer error(int status, String message, Map<String, String> details) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        details.forEach(body::put);
        return new RouteAnswer(status, body, Map.of());
    }

    /** What a route answers: the status, the JSON body and any header, before it is rendered for its caller. */
    private record RouteAnswer(int status, ObjectNode body, Map<String, String> headers) {

        RouteAnswer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new RouteAnswer(status, body, more);
        }

        /** A direct invocation gets the status and the body's fields at the top level. */
        JsonNode toDirectResponse() {
            ObjectNode response = body.objectNode();
            response.put("statusCode", status);
            response.setAll(body);
            if (headers.containsKey("Retry-After")) {
                response.put("retryAfterSeconds", Long.parseLong(headers.get("Retry-After")));
            }
            return response;
        }
    }
}
