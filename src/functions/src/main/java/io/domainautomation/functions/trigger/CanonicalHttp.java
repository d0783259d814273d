package io.domainautomation.functions.trigger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.CanonicalRequest;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;

/**
 * set-canonical's HTTP side: the routes of {@code /apps/{app}/canonical-domain} read from an API Gateway HTTP API
 * event (or a direct invocation), and the answers rendered back (the HTTP API's response envelope, or
 * {@code {"statusCode": ..., ...}} for a direct invocation); Scalingo's failures mapped to what they mean for the
 * caller, in one place.
 */
public final class CanonicalHttp {

    private static final Pattern ROUTE = Pattern.compile(".*/apps/([^/]+)/canonical-domain/?");
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    /** A request routed: which operation, on which app, by whom. */
    public sealed interface Route {
        String app();

        String caller();

        String requestId();
    }

    public record Get(String app, String caller, String requestId) implements Route {
    }

    public record Put(String app, CanonicalRequest request, String caller, String requestId) implements Route {
    }

    public record Delete(String app, String caller, String requestId) implements Route {
    }

    /** What a route answers: the status, the JSON body and any header, before it is rendered for its caller. */
    public record Answer(int status, ObjectNode body, Map<String, String> headers) {

        public Answer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, body, more);
        }

        /** A direct invocation gets the status and the body's fields at the top level. */
        public JsonNode toDirectResponse() {
            ObjectNode response = body.objectNode();
            response.put("statusCode", status);
            response.setAll(body);
            if (headers.containsKey("Retry-After")) {
                response.put("retryAfterSeconds", Long.parseLong(headers.get("Retry-After")));
            }
            return response;
        }
    }

    /** A route, or the answer to a request that has none (404, 405, 400). */
    public record Routed(Optional<Route> route, Optional<Answer> refusal) {
    }

    private final ObjectMapper json;

    public CanonicalHttp(ObjectMapper json) {
        this.json = json;
    }

    public static boolean isHttp(JsonNode event) {
        return HttpApi.isHttpApiEvent(event);
    }

    public Routed route(JsonNode event) {
        APIGatewayV2HTTPEvent request = HttpApi.event(event);
        String requestId = HttpApi.requestId(request).orElseGet(() -> UUID.randomUUID().toString());
        String method = HttpApi.method(request);
        String path = HttpApi.path(request);
        Matcher route = ROUTE.matcher(path);
        if (!route.matches()) {
            return refused(error(404, "no route " + method + " " + path
                    + "; routes: GET, PUT, DELETE /apps/{app}/canonical-domain", Map.of()));
        }
        try {
            String app = AppName.parse("app", HttpApi.pathParameter(request, "app").orElse(HttpApi.decoded("app", route.group(1))));
            String caller = HttpApi.caller(request);
            return switch (method) {
                case "GET" -> routed(new Get(app, caller, requestId));
                case "PUT" -> routed(new Put(app, CanonicalRequests.fromBody(json, HttpApi.body(request)), caller, requestId));
                case "DELETE" -> routed(new Delete(app, caller, requestId));
                default -> refused(error(405, "method " + method + " is not allowed on this route", Map.of())
                        .withHeader("Allow", "GET, PUT, DELETE"));
            };
        } catch (InvalidInput invalid) {
            return refused(badRequest(invalid));
        }
    }

    /** A direct invocation is a PUT: {@code {"app": ..., "domain": ..., "link": false}}. */
    public Routed routeDirect(JsonNode event) {
        try {
            CanonicalRequests.Direct direct = CanonicalRequests.fromDirectInvocation(event);
            return routed(new Put(direct.app(), direct.request(), "direct-invoke", UUID.randomUUID().toString()));
        } catch (InvalidInput invalid) {
            return refused(badRequest(invalid));
        }
    }

    public ObjectNode render(Answer answer) {
        return HttpApi.response(json, answer.status(), answer.body(), answer.headers());
    }

    private static Routed routed(Route route) {
        return new Routed(Optional.of(route), Optional.empty());
    }

    private static Routed refused(Answer answer) {
        return new Routed(Optional.empty(), Optional.of(answer));
    }

    public Answer ok(ObjectNode body) {
        return new Answer(200, body, Map.of());
    }

    public Answer error(int status, String message, Map<String, String> details) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        details.forEach(body::put);
        return new Answer(status, body, Map.of());
    }

    public Answer badRequest(InvalidInput invalid) {
        return error(400, invalid.getMessage(), Map.of("field", invalid.field()));
    }

    /**
     * What Scalingo's answer means for the caller: their mistake (404, 409, 422 with Scalingo's reason), "not now"
     * (503 with Retry-After: rate limit, or no time left in this invocation), this service's fault (500: its token or
     * its requests are refused), or Scalingo's (502: a 5xx or no reply).
     */
    public Answer upstreamFailure(ScalingoException e, String requestId) {
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
        if (e.isRateLimited() || e.isNotInTime()) {
            Duration wait = e.retryAfter().orElse(DEFAULT_RETRY_AFTER);
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            String why = e.isRateLimited() ? "Scalingo's rate limit is reached"
                    : "not enough of this request's time is left (" + e.getMessage() + ")";
            return error(503, why + "; retry in " + seconds + " s", Map.of("requestId", requestId))
                    .withHeader("Retry-After", String.valueOf(seconds));
        }
        if (e.isConfiguration() || e.isPermanent()) {
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
    public ObjectNode domainJson(Domain d) {
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
}
