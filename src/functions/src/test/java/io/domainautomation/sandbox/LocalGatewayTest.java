package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The functions over local HTTP, as the curl examples of docs/functions/ use them under ./mvnw quarkus:dev. */
@QuarkusTest
class LocalGatewayTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    SandboxState sandbox;

    @ConfigProperty(name = "local-gateway.port")
    int port;

    private String app;

    @BeforeEach
    void freshApp() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
        app = "local-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
    }

    @Test
    void setCanonicalOverLocalHttp() throws Exception {
        sandbox.seedDomain(app, "www." + app + ".example", Instant.now(), "created", false);

        HttpResponse<String> put = send("PUT", "/apps/" + app + "/canonical-domain", "{\"domain\":\"www." + app + ".example\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertTrue(put.body().contains("\"canonical\":true"), put.body());

        HttpResponse<String> get = send("GET", "/apps/" + app + "/canonical-domain", null);
        assertEquals(200, get.statusCode());
        assertTrue(get.body().contains("\"name\":\"www." + app + ".example\""), get.body());

        assertEquals(200, send("DELETE", "/apps/" + app + "/canonical-domain", null).statusCode());
        assertEquals(404, send("GET", "/apps/" + app + "/canonical-domain", null).statusCode());
        assertEquals(405, send("POST", "/apps/" + app + "/canonical-domain", "{}").statusCode());
    }

    @Test
    void linkOnSignupOverLocalHttp() throws Exception {
        HttpResponse<String> linked = send("POST", "/link-on-signup", "{\"app\":\"" + app + "\",\"domain\":\"new." + app + ".example\"}");
        assertEquals(200, linked.statusCode());
        assertEquals("{\"batchItemFailures\":[]}", linked.body());
        assertEquals(Map.of("new." + app + ".example", false), sandbox.domainNames(app));

        sandbox.faults().failApp(app);
        HttpResponse<String> unavailable = send("POST", "/link-on-signup", "{\"app\":\"" + app + "\",\"domain\":\"b." + app + ".example\"}");
        assertTrue(unavailable.body().contains("itemIdentifier"), unavailable.body());
    }

    @Test
    void domainStatusAndOffboardingOverLocalHttp() throws Exception {
        sandbox.seedDomain(app, "old." + app + ".example", Instant.now().minus(Duration.ofDays(30)), "created", false);

        HttpResponse<String> status = send("GET", "/apps/" + app + "/domains/old." + app + ".example", null);
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"linked\":true"), status.body());

        HttpResponse<String> unlinked = send("POST", "/link-on-signup",
                "{\"action\":\"unlink\",\"app\":\"" + app + "\",\"domain\":\"old." + app + ".example\"}");
        assertEquals("{\"batchItemFailures\":[]}", unlinked.body(), "the local route gives the message SQS's SentTimestamp");
        assertEquals(Map.of(), sandbox.domainNames(app));

        HttpResponse<String> gone = send("GET", "/apps/" + app + "/domains/old." + app + ".example", null);
        assertTrue(gone.body().contains("\"linked\":false") && gone.body().contains("\"reason\":\"offboarding\""), gone.body());
        assertEquals(405, send("PUT", "/apps/" + app + "/domains/old." + app + ".example", "{}").statusCode());
    }

    @Test
    void rotateCertOverLocalHttp() throws Exception {
        HttpResponse<String> report = send("POST", "/rotate-cert-from-secrets-manager", "{\"scope\":\"all\",\"dryRun\":true}");
        assertEquals(200, report.statusCode());
        assertTrue(report.body().startsWith("{\"trigger\":\"schedule\",\"dryRun\":true"), report.body());
    }

    @Test
    void cleanupOverLocalHttpIsADryRunByDefault() throws Exception {
        HttpResponse<String> report = send("POST", "/cleanup-stale", "{}");
        assertEquals(200, report.statusCode());
        assertTrue(report.body().contains("\"dryRun\":true"), report.body());
    }

    @Test
    void unknownLocalRoutesSaySo() throws Exception {
        HttpResponse<String> unknown = send("GET", "/nothing-here", null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no local route GET /nothing-here"));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).method(method, publisher)
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
