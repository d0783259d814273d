package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.functions.trigger.CanonicalHttp;
import io.domainautomation.functions.trigger.CanonicalHttp.Answer;
import io.domainautomation.functions.trigger.HttpApi;
import io.domainautomation.functions.trigger.JsonInput;
import io.domainautomation.logic.AppName;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.status.DomainStatus;
import io.quarkus.funqy.Funq;

/**
 * domain-status: one customer domain's whole state, read only. Invoked by the same IAM-authorised HTTP API as
 * set-canonical on {@code GET /apps/{app}/domains/{domain}}, or directly with {@code {"app": ..., "domain": ...}}; the
 * answer is {@link DomainStatus}'s document (200), or an error as set-canonical's are (400, 404, 503 with Retry-After,
 * 500, 502).
 */
public class DomainStatusCheck {

    static final String NAME = "domain-status";
    private static final Pattern ROUTE = Pattern.compile(".*/apps/([^/]+)/domains/([^/]+)/?");
    private static final Set<String> DIRECT_FIELDS = Set.of("app", "domain");

    @Inject
    DomainStatus status;

    @Inject
    ObjectMapper json;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    OutcomeLog log;

    @Inject
    EmbeddedMetrics metrics;

    private CanonicalHttp http;

    @PostConstruct
    void init() {
        http = new CanonicalHttp(json);
    }

    @Funq(NAME)
    public JsonNode domainStatus(JsonNode event) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(NAME)) {
            if (HttpApi.isHttpApiEvent(event)) {
                return http.render(http(event));
            }
            return direct(event).toDirectResponse();
        }
    }

    private Answer http(JsonNode event) {
        APIGatewayV2HTTPEvent request = HttpApi.event(event);
        String requestId = HttpApi.requestId(request).orElseGet(() -> UUID.randomUUID().toString());
        String method = HttpApi.method(request);
        String path = HttpApi.path(request);
        Matcher route = ROUTE.matcher(path);
        if (!route.matches()) {
            return http.error(404, "no route " + method + " " + path + "; route: GET /apps/{app}/domains/{domain}", Map.of());
        }
        if (!method.equals("GET")) {
            return http.error(405, "method " + method + " is not allowed on this route", Map.of()).withHeader("Allow", "GET");
        }
        try {
            String app = AppName.parse("app", HttpApi.pathParameter(request, "app").orElse(HttpApi.decoded("app", route.group(1))));
            Hostname domain = Hostname.parse("domain", HttpApi.pathParameter(request, "domain")
                    .orElse(HttpApi.decoded("domain", route.group(2))));
            return answer(app, domain, requestId);
        } catch (InvalidInput invalid) {
            return http.badRequest(invalid);
        }
    }

    private Answer direct(JsonNode event) {
        try {
            if (event == null || !event.isObject()) {
                throw new InvalidInput("event", "a direct invocation takes {\"app\": ..., \"domain\": ...}");
            }
            JsonInput.onlyFields(event, DIRECT_FIELDS);
            return answer(AppName.parse("app", JsonInput.requiredText(event, "app")),
                    Hostname.parse("domain", JsonInput.requiredText(event, "domain")), UUID.randomUUID().toString());
        } catch (InvalidInput invalid) {
            return http.badRequest(invalid);
        }
    }

    private Answer answer(String app, Hostname domain, String requestId) {
        try {
            ObjectNode body = json.valueToTree(status.of(app, domain, deadlines.current()));
            return http.ok(body);
        } catch (ScalingoException e) {
            Answer answer = e.isNotFound() ? http.error(404, "app " + app + " not found", Map.of("resource", "app"))
                    : http.upstreamFailure(e, requestId);
            if (answer.status() >= 500) {
                warn(requestId, e.isConfiguration() ? "misconfigured" : "upstream-failure", e.getMessage());
                if (e.isConfiguration() && answer.status() == 500) {
                    metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
                }
            }
            return answer;
        } catch (LedgerUnavailable e) {
            warn(requestId, e.isTransient() ? "not-now" : "misconfigured", e.getMessage());
            if (!e.isTransient()) {
                metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
                return http.error(500, "this service cannot read its ledger as configured; its operators are alerted",
                        Map.of("requestId", requestId));
            }
            return http.error(503, "the ledger could not be read now; retry in 5 s", Map.of("requestId", requestId))
                    .withHeader("Retry-After", "5");
        }
    }

    private void warn(String requestId, String outcome, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", requestId);
        fields.put("outcome", outcome);
        fields.put("reason", reason);
        log.warn(NAME, fields);
    }
}
