package io.domainautomation.functions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.CanonicalRequest;
import io.domainautomation.logic.InvalidInput;
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
    private static final OutcomeLog LOG = new OutcomeLog(NAME);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROUTE = Pattern.compile(".*/apps/([^/]+)/canonical-domain/?");
    private static final Set<String> DIRECT_FIELDS = Set.of("app", "domain", "link");
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    @Inject
    CanonicalDomains canonical;

    @Funq(NAME)
    public JsonNode setCanonical(JsonNode event) {
        if (HttpApiEvent.isHttpApiEvent(event)) {
            return handleHttp(HttpApiEvent.from(event)).toHttpApiResponse();
        }
        return handleDirect(event).toDirectResponse();
    }

    private Reply handleHttp(HttpApiEvent request) {
        String requestId = request.requestId() == null ? UUID.randomUUID().toString() : request.requestId();
        Matcher route = ROUTE.matcher(request.path());
        if (!route.matches()) {
            return Reply.error(404, "no route " + request.method() + " " + request.path()
                    + "; routes: GET, PUT, DELETE /apps/{app}/canonical-domain", Map.of());
        }
        String rawApp = request.pathParameters().path("app").asText(URLDecoder.decode(route.group(1), StandardCharsets.UTF_8));
        try {
            String app = AppName.parse("app", rawApp);
            return switch (request.method()) {
                case "GET" -> get(app);
                case "PUT" -> put(app, CanonicalRequest.parse(request.body()), request.caller(), requestId);
                case "DELETE" -> delete(app, request.caller(), requestId);
                default -> Reply.error(405, "method " + request.method() + " is not allowed on this route", Map.of())
                        .withHeader("Allow", "GET, PUT, DELETE");
            };
        } catch (InvalidInput invalid) {
            return badRequest(invalid);
        } catch (ScalingoException e) {
            return upstreamFailure(e, requestId);
        }
    }

    private Reply handleDirect(JsonNode event) {
        String requestId = UUID.randomUUID().toString();
        try {
            if (event == null || !event.isObject()) {
                throw new InvalidInput("body", "expected {\"app\": \"...\", \"domain\": \"...\"}");
            }
            String app = AppName.parse("app", event.path("app").isTextual() ? event.get("app").asText() : null);
            return put(app, CanonicalRequest.fromFields(event, DIRECT_FIELDS), "direct-invoke", requestId);
        } catch (InvalidInput invalid) {
            return badRequest(invalid);
        } catch (ScalingoException e) {
            return upstreamFailure(e, requestId);
        }
    }

    private Reply get(String app) {
        Optional<Domain> current = canonical.get(app);
        return current.map(d -> Reply.ok(domainJson(d)))
                .orElseGet(() -> Reply.error(404, "app " + app + " has no canonical domain", Map.of("resource", "canonical-domain")));
    }

    private Reply put(String app, CanonicalRequest request, String caller, String requestId) {
        try {
            CanonicalDomains.Change change = canonical.set(app, request.domain(), request.link());
            logChange(app, request.domain().ascii(), change, caller, requestId);
            return Reply.ok(domainJson(change.current().orElseThrow()));
        } catch (CanonicalDomains.NotLinked notLinked) {
            return Reply.error(404, notLinked.getMessage(), Map.of("resource", "domain"));
        }
    }

    private Reply delete(String app, String caller, String requestId) {
        CanonicalDomains.Change change = canonical.unset(app);
        logChange(app, change.previous().map(Domain::name).orElse(null), change, caller, requestId);
        ObjectNode body = JSON.createObjectNode();
        body.put("app", app);
        body.putNull("canonicalDomain");
        body.put("previous", change.previous().map(Domain::name).orElse(null));
        return Reply.ok(body);
    }

    private static void logChange(String app, String domain, CanonicalDomains.Change change, String caller, String requestId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function", NAME);
        fields.put("requestId", requestId);
        fields.put("app", app);
        fields.put("domain", domain);
        fields.put("previousCanonical", change.previous().map(Domain::name).orElse(null));
        fields.put("newCanonical", change.current().map(Domain::name).orElse(null));
        fields.put("changed", change.changed());
        fields.put("caller", caller);
        LOG.info(fields);
    }

    private static Reply badRequest(InvalidInput invalid) {
        return Reply.error(400, invalid.getMessage(), Map.of("field", invalid.field()));
    }

    private static Reply upstreamFailure(ScalingoException e, String requestId) {
        if (e.isNotFound()) {
            String resource = e.resource().orElse("app");
            return Reply.error(404, resource + " not found", Map.of("resource", resource));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function", NAME);
        fields.put("requestId", requestId);
        fields.put("outcome", "upstream-failure");
        fields.put("reason", e.getMessage());
        LOG.warn(fields);
        if (e.isRateLimited()) {
            long seconds = e.retryAfter().orElse(DEFAULT_RETRY_AFTER).toSeconds();
            return Reply.error(503, "Scalingo's rate limit is reached; retry later", Map.of("requestId", requestId))
                    .withHeader("Retry-After", String.valueOf(Math.max(1, seconds)));
        }
        return Reply.error(502, "the Scalingo API failed (" + (e.status() == 0 ? "no reply" : "HTTP " + e.status())
                + ")", Map.of("requestId", requestId));
    }

    /** Only what a caller needs; never key material (Scalingo's read form has none, but nothing is passed blindly). */
    private static ObjectNode domainJson(Domain d) {
        ObjectNode node = JSON.createObjectNode();
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

    /** A reply with its HTTP status, rendered for API Gateway or for a direct invocation. */
    record Reply(int status, ObjectNode body, Map<String, String> headers) {

        static Reply ok(ObjectNode body) {
            return new Reply(200, body, Map.of());
        }

        static Reply error(int status, String message, Map<String, String> details) {
            ObjectNode body = JSON.createObjectNode();
            body.put("error", message);
            details.forEach(body::put);
            return new Reply(status, body, Map.of());
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, more);
        }

        JsonNode toHttpApiResponse() {
            ObjectNode response = JSON.createObjectNode();
            response.put("statusCode", status);
            ObjectNode headerNode = response.putObject("headers");
            headerNode.put("content-type", "application/json");
            headers.forEach(headerNode::put);
            response.put("body", body.toString());
            response.put("isBase64Encoded", false);
            return response;
        }

        JsonNode toDirectResponse() {
            ObjectNode response = JSON.createObjectNode();
            response.put("statusCode", status);
            response.setAll(body);
            if (headers.containsKey("Retry-After")) {
                response.put("retryAfterSeconds", Long.parseLong(headers.get("Retry-After")));
            }
            return response;
        }
    }
}
