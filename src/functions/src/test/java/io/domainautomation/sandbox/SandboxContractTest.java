package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.scalingo.BearerTokens;
import io.domainautomation.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The sandbox's replies, read raw over HTTP, against the example replies of the Scalingo reference: every field of
 * an example is present with the same JSON type, and with the same value wherever the value is not an ID or a
 * date.
 */
@QuarkusTest
class SandboxContractTest {

    private static final Set<String> VALUE_FIELDS = Set.of("name", "ssl", "canonical", "letsencrypt_enabled",
            "letsencrypt", "tlscert", "tlskey", "letsencrypt_status");
    private static final String SUBJECT = "C=FR,ST=Some-State,O=Internet Widgits Pty Ltd,CN=example.com";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    SandboxState sandbox;

    @Inject
    BearerTokens bearer;

    @ConfigProperty(name = "scalingo.api-url")
    String apiUrl;

    private JsonNode examples;
    private String app;

    @BeforeEach
    void setUp() throws Exception {
        sandbox.faults().reset();
        try (InputStream in = getClass().getResourceAsStream("/scalingo-reference/domain-examples.json")) {
            examples = json.readTree(in);
        }
        app = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.addApp(app);
    }

    @Test
    void linkShowUpdateAndUnlinkMatchTheReference() throws Exception {
        JsonNode linked = call("POST", "/domains", "{\"domain\":{\"name\":\"example.com\"}}", 201);
        assertMatches(examples.get("linkWithoutSsl"), linked);
        String id = linked.get("domain").get("id").asText();

        assertMatches(examples.get("show"), call("GET", "/domains/" + id, null, 200));

        var issued = TestCertificates.selfSigned(TestCertificates.rsa(2048), SUBJECT, List.of("example.com"),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode patch = json.createObjectNode();
        patch.putObject("domain").put("tlscert", issued.certificatePem()).put("tlskey", issued.privateKeyPem());
        assertMatches(examples.get("update"), call("PATCH", "/domains/" + id, patch.toString(), 200));

        assertEquals("", raw("DELETE", "/domains/" + id, null, 204));
        JsonNode gone = call("DELETE", "/domains/" + id, null, 404);
        assertEquals("{\"resource\":\"domain\",\"error\":\"not found\"}", gone.toString());
    }

    @Test
    void linkWithSslAndTheListMatchTheReference() throws Exception {
        var issued = TestCertificates.selfSigned(TestCertificates.rsa(2048), SUBJECT, List.of("example.com"),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode link = json.createObjectNode();
        link.putObject("domain").put("name", "example.com").put("tlscert", issued.certificatePem())
                .put("tlskey", TestCertificates.pem(issued.keys().getPrivate()));
        JsonNode linked = call("POST", "/domains", link.toString(), 201);
        assertMatches(examples.get("linkWithSsl"), linked);
        call("POST", "/domains", "{\"domain\":{\"name\":\"example2.com\",\"canonical\":true}}", 201);

        JsonNode list = call("GET", "/domains", null, 200);
        JsonNode expected = examples.get("list").get("domains");
        // The reference lists example2.com first; the sandbox lists in link order. Match by name.
        for (JsonNode example : expected) {
            JsonNode actual = findByName(list.get("domains"), example.get("name").asText());
            assertSameShape(example, actual, Set.of("letsencrypt_status"));
        }
        for (JsonNode domain : list.get("domains")) {
            raw("DELETE", "/domains/" + domain.get("id").asText(), null, 204);
        }
    }

    @Test
    void errorBodiesHaveTheDocumentedShapes() throws Exception {
        assertEquals("{\"resource\":\"app\",\"error\":\"not found\"}", call("GET", "/../no-such-app/domains", null, 404).toString());
        JsonNode invalid = call("POST", "/domains", "{\"domain\":{\"name\":\"not a host\"}}", 422);
        assertTrue(invalid.get("errors").get("name").isArray());
        JsonNode badJson = call("POST", "/domains", "{\"domain\":", 400);
        assertTrue(badJson.get("error").asText().startsWith("There was a problem in the JSON you submitted"));
        HttpResponse<String> unauthorised = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/v1/apps"))
                .header("Authorization", "Bearer not-a-bearer").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthorised.statusCode());
        assertTrue(json.readTree(unauthorised.body()).get("error").isTextual());
    }

    private void assertMatches(JsonNode example, JsonNode actual) {
        assertSameShape(example, actual, Set.of());
    }

    /** Every field of the example is in the actual reply with the same type, and the same value where stable. */
    private void assertSameShape(JsonNode example, JsonNode actual, Set<String> typeOnly) {
        if (example.isObject()) {
            for (Iterator<String> names = example.fieldNames(); names.hasNext();) {
                String name = names.next();
                assertTrue(actual.has(name), "field " + name + " missing from " + actual);
                JsonNode expectedValue = example.get(name);
                JsonNode actualValue = actual.get(name);
                if (expectedValue.isObject()) {
                    assertSameShape(expectedValue, actualValue, typeOnly);
                    continue;
                }
                assertEquals(expectedValue.getNodeType(), actualValue.getNodeType(), "type of " + name);
                if (name.equals("id")) {
                    assertTrue(actualValue.asText().matches("[0-9a-f]{24}"), "id " + actualValue);
                } else if (name.equals("validity")) {
                    assertTrue(actualValue.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d"),
                            "validity format " + actualValue);
                } else if (VALUE_FIELDS.contains(name) && !typeOnly.contains(name)) {
                    assertEquals(expectedValue, actualValue, "value of " + name);
                }
            }
        }
    }

    private static JsonNode findByName(JsonNode domains, String name) {
        for (JsonNode domain : domains) {
            if (domain.get("name").asText().equals(name)) {
                return domain;
            }
        }
        throw new AssertionError("no domain " + name + " in " + domains);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) throws Exception {
        String reply = raw(method, path, body, expectedStatus);
        return json.readTree(reply);
    }

    private String raw(String method, String path, String body, int expectedStatus) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/v1/apps/" + app + path).normalize())
                .header("Authorization", bearer.authorization())
                .header("Accept", "application/json").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body();
    }
}
