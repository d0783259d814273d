package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxRecords;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * set-canonical when EventBridge hangs (issue 30: a hung PutEvents turned a change that happened into a 502, and the
 * caller's retry announced nothing): the change is answered 200 within the deadline, saying its event was not
 * published, and the caller's retry announces it, under the first request's id.
 */
@QuarkusTest
@TestProfile(SetCanonicalEventBridgeHangsTest.ShortDeadline.class)
class SetCanonicalEventBridgeHangsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(8);

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "set-canonical",
                    "invocation.local-timeout", DEADLINE.toSeconds() + "s",
                    "invocation.deadline-margin", "1s",
                    // the deadline scaled down from 29 s: the SDK's bound on one call with it
                    "aws.api-call-timeout", "2s",
                    // and one Scalingo request's longest time with it (a record needs 2 s + two requests' time)
                    "quarkus.rest-client.scalingo-api.connect-timeout", "500",
                    "quarkus.rest-client.scalingo-api.read-timeout", "1000");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SandboxState sandbox;

    @AfterEach
    void eventBridgeBack() {
        sandbox.faults().hangEvents(Duration.ZERO);
    }

    @Test
    void aChangeWhoseEventHangsIsAnswered200InTimeAndAnnouncedByTheRetry() throws Exception {
        String app = "hang-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        String domain = "www." + app + ".example";
        sandbox.seedDomain(app, domain, Instant.now(), "created", false);
        // the harness's first delivery (mock event server, class loading) happens before the handler's clock starts:
        // a first request takes it, so the timed one is measured as Lambda would measure it
        assertEquals(404, LambdaPath.invoke(HttpApiEvents.request("GET", "/apps/" + app + "/canonical-domain", null))
                .get("statusCode").asInt(), "no canonical domain yet");
        sandbox.clearEvents();
        sandbox.faults().hangEvents(Duration.ofSeconds(10)); // longer than the invocation's deadline

        String first = HttpApiEvents.request("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"" + domain + "\"}");
        String firstRequestId = JSON.readTree(first).at("/requestContext/requestId").asText();
        long started = System.nanoTime();
        JsonNode response = LambdaPath.invoke(first);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(DEADLINE) < 0, "answered in " + took.toMillis() + " ms, within the deadline");
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertEquals("Canonical Domain Changed", body.at("/eventsUnpublished/0/detailType").asText(), body.toString());
        assertEquals(Boolean.TRUE, sandbox.domainNames(app).get(domain), "the change was made");
        assertEquals(List.of(), sandbox.events(), "nothing published while EventBridge hangs");

        sandbox.faults().hangEvents(Duration.ZERO);
        JsonNode retry = LambdaPath.invoke(HttpApiEvents.request("PUT", "/apps/" + app + "/canonical-domain",
                "{\"domain\":\"" + domain + "\"}"));
        assertEquals(200, retry.get("statusCode").asInt(), retry.toString());
        List<SandboxRecords.ReceivedEvent> events = sandbox.events();
        assertEquals(1, events.size(), "the change announced once, by the retry");
        JsonNode detail = JSON.readTree(events.get(0).detail());
        assertEquals(firstRequestId, detail.at("/correlation/requestId").asText(), "as the first request's change");
        assertEquals(domain, detail.get("current").asText());
    }
}
