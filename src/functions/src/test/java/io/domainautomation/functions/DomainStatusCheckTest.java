package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.sandbox.SandboxDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * domain-status through the real Lambda path: HTTP API v2 events and direct invocations, the shared client against
 * the sandbox over HTTP, the ledger on dynalite (read as domain-status, whose role may only GetItem), DNS from a real
 * UDP server.
 */
@QuarkusTest
@TestProfile(DomainStatusCheckTest.Export.class)
class DomainStatusCheckTest {

    public static class Export implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "domain-status");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SandboxDns dns;

    @Inject
    SandboxState sandbox;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new SandboxDns(CleanupStaleTest.DNS_PORT);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static JsonNode body(JsonNode response) throws Exception {
        return JSON.readTree(response.get("body").asText());
    }

    @Test
    void aLinkedDomainsStateWithWhatItsDnsLacks() throws Exception {
        String app = "status-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
        sandbox.seedDomain(app, "www.status.example", Instant.now().minus(Duration.ofDays(2)), "pending_dns", false);
        dns.address(app + ".osc-fr1.scalingo.io", "185.0.0.10").address("www.status.example", "52.1.2.3")
                .caa("status.example", "issue", "digicert.com");

        JsonNode response = LambdaPath.invoke(HttpApiEvents.request("GET", "/apps/" + app + "/domains/www.status.example", null));

        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        JsonNode status = body(response);
        assertEquals(true, status.get("linked").asBoolean());
        assertEquals("letsencrypt", status.at("/certificate/source").asText());
        assertEquals("pending_dns", status.at("/certificate/letsencrypt/status").asText());
        List<String> codes = new java.util.ArrayList<>();
        status.at("/dns/diagnosis").forEach(f -> codes.add(f.get("code").asText()));
        assertEquals(List.of("address-elsewhere", "caa-forbids-letsencrypt"), codes, status.toString());
        assertEquals(false, status.at("/cleanup/marked").asBoolean());
        assertTrue(sandbox.iamDecisions().stream().filter(d -> d.export().equals("domain-status"))
                .allMatch(d -> d.allowed()), "every call it made was allowed to it");
        assertTrue(sandbox.iamDecisions().stream().anyMatch(d -> d.export().equals("domain-status")
                && d.action().equals("dynamodb:GetItem")), "it read the ledger, as itself");
    }

    @Test
    void aDirectInvocationAndTheCallersMistakes() throws Exception {
        String app = "status-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);

        JsonNode direct = LambdaPath.invoke("{\"app\":\"" + app + "\",\"domain\":\"nowhere.example\"}");
        assertEquals(200, direct.get("statusCode").asInt(), direct.toString());
        assertEquals(false, direct.get("linked").asBoolean());

        JsonNode unknown = LambdaPath.invoke(HttpApiEvents.request("GET", "/apps/no-such-app-" + app + "/domains/x.example", null));
        assertEquals(404, unknown.get("statusCode").asInt(), unknown.toString());
        JsonNode badHost = LambdaPath.invoke(HttpApiEvents.request("GET", "/apps/" + app + "/domains/bad_host!", null));
        assertEquals(400, badHost.get("statusCode").asInt(), badHost.toString());
        assertEquals("domain", body(badHost).get("field").asText());
        JsonNode put = LambdaPath.invoke(HttpApiEvents.request("PUT", "/apps/" + app + "/domains/x.example", "{}"));
        assertEquals(405, put.get("statusCode").asInt());
        JsonNode extra = LambdaPath.invoke("{\"app\":\"" + app + "\",\"domain\":\"x.example\",\"link\":true}");
        assertEquals(400, extra.get("statusCode").asInt(), extra.toString());
    }
}
