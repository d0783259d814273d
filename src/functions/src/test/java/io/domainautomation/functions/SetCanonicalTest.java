package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.EventPublisher;
import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.LogCapture;
import io.domainautomation.testsupport.PublishedEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** set-canonical through the Lambda path with API Gateway HTTP API v2 events and direct invocations. */
@QuarkusTest
@TestProfile(SetCanonicalTest.Export.class)
class SetCanonicalTest {

    public static class Export implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "set-canonical");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LogCapture logs;

    @Inject
    SandboxState sandbox;

    private String app;

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterAll
    static void stopCapture() {
        logs.close();
    }

    @BeforeEach
    void freshApp() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "canon-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.seedDomain(app, "www." + app + ".example", Instant.now(), "created", false);
        sandbox.seedDomain(app, "shop." + app + ".example", Instant.now(), "created", false);
        sandbox.clearCounters();
    }

    @Test
    void setThenSetAgainCostsOneListAndOnePatchThenOneList() {
        HttpReply first = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"WWW." + app + ".example.\"}");
        assertEquals(200, first.status());
        assertEquals("www." + app + ".example", first.body().get("name").asText());
        assertTrue(first.body().get("canonical").asBoolean());
        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(1, sandbox.counter("domains.update"));

        sandbox.clearCounters();
        HttpReply again = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        assertEquals(200, again.status());
        assertEquals(1, sandbox.counter("domains.list"));
        assertEquals(0, sandbox.counter("domains.update"), "already canonical: no PATCH");
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"app\":\"" + app + "\"")
                && l.contains("\"newCanonical\":\"www." + app + ".example\"") && l.contains(HttpApiEvents.CALLER_ARN)),
                "the change is logged with the caller from the request context");
    }

    @Test
    void eachChangeIsAnnouncedWithTheCallerAndNoChangeIsNot() {
        sandbox.clearEvents();
        http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        JsonNode set = PublishedEvents.only(sandbox, "Canonical Domain Changed");
        assertTrue(set.get("previous").isNull());
        assertEquals("www." + app + ".example", set.get("current").asText());
        assertEquals(HttpApiEvents.CALLER_ARN, set.get("caller").asText());

        sandbox.clearEvents();
        HttpReply switched = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"shop." + app + ".example\"}");
        assertFalse(switched.body().has("eventsUnpublished"), switched.raw());
        JsonNode changed = PublishedEvents.only(sandbox, "Canonical Domain Changed");
        assertEquals("www." + app + ".example", changed.get("previous").asText());
        assertEquals("shop." + app + ".example", changed.get("current").asText());

        sandbox.clearEvents();
        sandbox.faults().failEventEntries(EventPublisher.ATTEMPTS);
        HttpReply removed = http("DELETE", "/apps/" + app + "/canonical-domain", null);
        assertEquals(200, removed.status(), "the change is made; only its announcement failed");
        assertEquals("Canonical Domain Changed", removed.body().at("/eventsUnpublished/0/detailType").asText(), removed.raw());
        assertEquals(List.of(), sandbox.events());
    }

    @Test
    void switchingLeavesExactlyOneCanonical() {
        http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        HttpReply switched = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"shop." + app + ".example\"}");
        assertEquals(200, switched.status());
        assertEquals(Map.of("www." + app + ".example", false, "shop." + app + ".example", true), sandbox.domainNames(app));
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("\"previousCanonical\":\"www." + app + ".example\"")
                && l.contains("\"newCanonical\":\"shop." + app + ".example\"")));
    }

    @Test
    void getAndUnset() {
        HttpReply none = http("GET", "/apps/" + app + "/canonical-domain", null);
        assertEquals(404, none.status());
        assertEquals("app " + app + " has no canonical domain", none.body().get("error").asText());

        http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"shop." + app + ".example\"}");
        HttpReply current = http("GET", "/apps/" + app + "/canonical-domain", null);
        assertEquals(200, current.status());
        assertEquals("shop." + app + ".example", current.body().get("name").asText());

        sandbox.clearCounters();
        HttpReply unset = http("DELETE", "/apps/" + app + "/canonical-domain", null);
        assertEquals(200, unset.status());
        assertTrue(unset.body().get("canonicalDomain").isNull());
        assertEquals("shop." + app + ".example", unset.body().get("previous").asText());
        assertEquals(1, sandbox.counter("domains.update"));
        assertFalse(sandbox.domainNames(app).containsValue(true));

        sandbox.clearCounters();
        assertEquals(200, http("DELETE", "/apps/" + app + "/canonical-domain", null).status());
        assertEquals(0, sandbox.counter("domains.update"), "nothing canonical: nothing to unset");
    }

    @Test
    void unknownAppAndUnknownDomainAre404sSayingWhich() {
        HttpReply noApp = http("PUT", "/apps/no-such-app/canonical-domain", "{\"domain\":\"a.example\"}");
        assertEquals(404, noApp.status());
        assertEquals("app", noApp.body().get("resource").asText());

        HttpReply notLinked = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"elsewhere.example\"}");
        assertEquals(404, notLinked.status());
        assertEquals("domain", notLinked.body().get("resource").asText());
        assertEquals("domain elsewhere.example is not linked to app " + app + "; send \"link\": true to link it",
                notLinked.body().get("error").asText());
        assertEquals(0, sandbox.counter("domains.link"), "not linked implicitly");
    }

    @Test
    void linkTrueLinksTheDomainAsCanonicalWithOnePost() {
        HttpReply linked = http("PUT", "/apps/" + app + "/canonical-domain",
                "{\"domain\":\"new." + app + ".example\",\"link\":true}");
        assertEquals(200, linked.status());
        assertEquals(1, sandbox.counter("domains.link"));
        assertEquals(0, sandbox.counter("domains.update"));
        assertEquals(Boolean.TRUE, sandbox.domainNames(app).get("new." + app + ".example"));
    }

    @Test
    void malformedBodiesAndHostnamesAre400sWithTheField() {
        HttpReply notJson = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":");
        assertEquals(400, notJson.status());
        assertEquals("body", notJson.body().get("field").asText());

        HttpReply badHost = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"http://x.example:8080\"}");
        assertEquals(400, badHost.status());
        assertEquals("domain", badHost.body().get("field").asText());

        HttpReply wrongType = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"a.example\",\"link\":\"yes\"}");
        assertEquals("link", wrongType.body().get("field").asText());

        HttpReply huge = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"" + "a".repeat(10_000) + "\"}");
        assertEquals(400, huge.status());
        assertTrue(huge.body().get("error").asText().contains("at most"));
        assertEquals(0, sandbox.counter("domains.list"), "nothing reached Scalingo");
    }

    @Test
    void unknownRoutesAndMethodsAreRefused() {
        assertEquals(404, http("GET", "/apps/" + app + "/domains", null).status());
        HttpReply post = http("POST", "/apps/" + app + "/canonical-domain", "{}");
        assertEquals(405, post.status());
        assertEquals("GET, PUT, DELETE", post.headers().get("Allow").asText());
    }

    @Test
    void aBase64BodyIsDecoded() {
        String event = HttpApiEvents.request("PUT", "/apps/" + app + "/canonical-domain",
                "{\"domain\":\"www." + app + ".example\"}", true);
        assertEquals(200, invoke(event).get("statusCode").asInt());
    }

    @Test
    void scalingoRateLimitAfterRetriesIsA503WithRetryAfter() {
        sandbox.faults().rateLimitBurst(1000).retryAfter(0);
        HttpReply reply = http("GET", "/apps/" + app + "/canonical-domain", null);
        assertEquals(503, reply.status());
        assertTrue(Integer.parseInt(reply.headers().get("Retry-After").asText()) >= 1);
    }

    @Test
    void otherUpstreamFailuresAre502sWithARequestIdAndNoStackTrace() {
        sandbox.faults().failNext(1000);
        HttpReply reply = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        assertEquals(502, reply.status());
        assertTrue(reply.body().get("requestId").asText().startsWith("req-"));
        assertFalse(reply.raw().contains("at io."), "no stack trace");
        assertFalse(sandbox.domainNames(app).containsValue(true), "nothing half-applied");
    }

    @Test
    void aDirectInvocationSetsTheCanonicalDomain() {
        JsonNode reply = invoke("{\"app\":\"" + app + "\",\"domain\":\"shop." + app + ".example\"}");
        assertEquals(200, reply.get("statusCode").asInt());
        assertEquals("shop." + app + ".example", reply.get("name").asText());
        assertEquals(Boolean.TRUE, sandbox.domainNames(app).get("shop." + app + ".example"));

        JsonNode invalid = invoke("{\"app\":\"" + app + "\",\"domain\":\"not a host\"}");
        assertEquals(400, invalid.get("statusCode").asInt());
        assertEquals("domain", invalid.get("field").asText());

        JsonNode unknown = invoke("{\"app\":\"" + app + "\",\"domain\":\"shop." + app + ".example\",\"canonical\":true}");
        assertEquals(400, unknown.get("statusCode").asInt());
        assertEquals("canonical", unknown.get("field").asText());
        assertTrue(unknown.get("error").asText().endsWith("allowed: app, domain, link"), unknown.toString());
    }

    @Test
    void aNameLinkedToAnotherAppIsAConflict() {
        String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(other);
        sandbox.seedDomain(other, "taken." + other + ".example", Instant.now(), "created", false);
        HttpReply reply = http("PUT", "/apps/" + app + "/canonical-domain",
                "{\"domain\":\"taken." + other + ".example\",\"link\":true}");
        assertEquals(409, reply.status(), reply.raw());
        assertEquals("domain", reply.body().get("field").asText());
        assertTrue(reply.body().get("error").asText().contains("linked to another app"), reply.raw());
        assertFalse(sandbox.domainNames(app).containsKey("taken." + other + ".example"));
    }

    @Test
    void anAppAtItsDomainLimitIsAnUnprocessableRequestWithScalingosReason() {
        for (int i = 0; i < 18; i++) {
            sandbox.seedDomain(app, "d" + i + "." + app + ".example", Instant.now(), "created", false);
        }
        HttpReply reply = http("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"one-more." + app + ".example\",\"link\":true}");
        assertEquals(422, reply.status(), reply.raw());
        assertEquals("app", reply.body().get("field").asText());
        assertTrue(reply.body().get("error").asText().contains("limit of 20"), reply.raw());
    }

    @Test
    void scalingoFailingIsABadGatewayAndOnlyThat() {
        sandbox.faults().failApp(app);
        HttpReply reply = http("GET", "/apps/" + app + "/canonical-domain", null);
        assertEquals(502, reply.status(), reply.raw());
        assertTrue(reply.body().get("error").asText().contains("HTTP 503"), reply.raw());
    }

    @Test
    void aMalformedPercentEscapeInThePathIsABadRequest() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(HttpApiEvents.request("GET", "/apps/%zz/canonical-domain", null));
        event.remove("pathParameters");
        JsonNode response = invoke(event.toString());
        assertEquals(400, response.get("statusCode").asInt(), response.toString());
        assertEquals("app", JSON.readTree(response.get("body").asText()).get("field").asText());
    }

    @Test
    void theResponseIsTheHttpApiEnvelopeWithoutNullFields() {
        JsonNode response = invoke(HttpApiEvents.request("GET", "/apps/" + app + "/canonical-domain", null));
        assertEquals(404, response.get("statusCode").asInt(), "no canonical domain yet: " + response);
        assertEquals("application/json", response.get("headers").get("content-type").asText());
        assertFalse(response.get("isBase64Encoded").asBoolean());
        response.fields().forEachRemaining(field -> assertFalse(field.getValue().isNull(), field.getKey() + " is null"));
    }

    record HttpReply(int status, JsonNode headers, JsonNode body, String raw) {
    }

    private HttpReply http(String method, String path, String body) {
        JsonNode response = invoke(HttpApiEvents.request(method, path, body));
        try {
            return new HttpReply(response.get("statusCode").asInt(), response.get("headers"),
                    JSON.readTree(response.get("body").asText()), response.toString());
        } catch (Exception e) {
            throw new AssertionError("not an HTTP API response: " + response, e);
        }
    }

    private static JsonNode invoke(String event) {
        return LambdaPath.invoke(event);
    }
}
