package io.domainautomation.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.sandbox.SandboxRecords.QueuedMessage;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.scalingo.ScalingoErrorMapperAccess;
import io.domainautomation.testsupport.LambdaPath;
import io.domainautomation.testsupport.SqsEvents;
import io.domainautomation.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTest;

/**
 * More than a hundred bad inputs, each expecting a clear, specific error and no side effect: onboarding messages
 * (through the Lambda path), set-canonical HTTP requests (through the local gateway), certificate secrets (attached
 * at link time through the Lambda path), and Scalingo replies. Writes the figures for RELIABILITY.md.
 */
@QuarkusTest
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, int[]> figures = new LinkedHashMap<>();
    private static final List<String> examples = new ArrayList<>();

    @Inject
    SandboxState sandbox;

    @ConfigProperty(name = "dead-letter-queue-url")
    String deadLetterQueue;

    @ConfigProperty(name = "local-gateway.port")
    int gatewayPort;

    @BeforeEach
    void fresh() {
        sandbox.faults().reset();
        sandbox.rateLimit(100_000, Duration.ofMinutes(1));
    }

    private void ensureApp() {
        try {
            sandbox.domainNames("bad-input-app");
        } catch (RuntimeException missing) {
            sandbox.addApp("bad-input-app");
            sandbox.seedDomain("bad-input-app", "www.bad-input.example", Instant.now(), "created", false);
        }
    }

    @AfterAll
    static void writeFigures() throws Exception {
        StringBuilder md = new StringBuilder("## Bad input\n\n")
                .append("`BadInputTest`: each case is sent the way production would meet it and must end in a clear, specific\n")
                .append("error (a reason naming the field or check, not a generic failure) with no side effect (no Scalingo write,\n")
                .append("nothing linked). A crash is an unmapped exception or a 5xx; an endless retry is a permanent input reported\n")
                .append("for redelivery instead of being dead-lettered.\n\n")
                .append("| input | cases tried | clear errors | crashes | endless retries |\n|---|---|---|---|---|\n");
        int total = 0;
        for (var figure : figures.entrySet()) {
            int[] f = figure.getValue();
            total += f[0];
            md.append(String.format("| %s | %d | %d | %d | %d |%n", figure.getKey(), f[0], f[1], f[2], f[3]));
        }
        md.append(String.format("| **all** | **%d** | | | |%n%nSome reasons, as given:%n%n", total));
        examples.stream().limit(12).forEach(e -> md.append("- ").append(e).append('\n'));
        md.append('\n');
        Files.createDirectories(Path.of("target/reliability"));
        Files.writeString(Path.of("target/reliability/bad-input.md"), md.toString());
        assertTrue(total >= 100, "at least 100 bad inputs: " + total);
    }

    @Test
    void onboardingMessages() throws Exception {
        ensureApp();
        String app = "bad-input-app";
        List<String> bodies = new ArrayList<>(List.of("", " ", "not json", "{", "[]", "[1,2,3]", "42", "\"a string\"", "null", "true",
                "{}", "{\"app\":\"" + app + "\"}", "{\"domain\":\"a.example\"}", "{\"app\":null,\"domain\":\"a.example\"}",
                "{\"app\":1,\"domain\":\"a.example\"}", "{\"app\":[\"x\"],\"domain\":\"a.example\"}", "{\"app\":\"" + app + "\",\"domain\":1}",
                "{\"app\":\"" + app + "\",\"domain\":{\"name\":\"a.example\"}}", "{\"app\":\"" + app + "\",\"domain\":\"a.example\",\"canonical\":\"yes\"}",
                "{\"app\":\"" + app + "\",\"domain\":\"a.example\",\"letsencrypt\":0}", "{\"app\":\"" + app + "\",\"domain\":\"a.example\",\"extra\":1}",
                "{\"app\":\"Bad App\",\"domain\":\"a.example\"}", "{\"app\":\"" + "a".repeat(100) + "\",\"domain\":\"a.example\"}",
                "{\"app\":\"" + app + "\",\"domain\":\"" + "x".repeat(20_000) + "\"}",
                "{\"app\":\"no-such-app\",\"domain\":\"a.example\"}",
                "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:eu-west-3:0:t\",\"Message\":\"not json\"}"));
        for (String host : List.of("has space.example", "tab\there.example", "pаypal.example", "a..example", ".example", "example.",
                "https://a.example", "http://a.example/path", "a.example:8443", "a.example/", "user@a.example", "a.*.example",
                "*a.example", "**.example", "a".repeat(64) + ".example", "abcdefghi.".repeat(30) + "com", "-a.example", "a-.example",
                "a_b.example", "10.0.0.1", "[::1]", "localhost", "app.osc-fr1.scalingo.io", "scalingo.io", "*.scalingo.io",
                "xn--.example", "a.example?x=1", "a.example#frag",
                "a\u200Db.example", "\u05D0a.example", "xn--pple-43d.example", "xn--a.example", "\u0430pple.example")) {
            ObjectNode body = JSON.createObjectNode();
            body.put("app", app);
            body.put("domain", host);
            bodies.add(body.toString());
        }
        int[] figure = new int[4];
        for (String body : bodies) {
            sandbox.clearQueues();
            sandbox.clearCounters();
            SqsEvents.Message message = SqsEvents.Message.of(body);
            JsonNode reply = LambdaPath.invoke(SqsEvents.event(message));
            figure[0]++;
            List<QueuedMessage> dead = sandbox.queue(deadLetterQueue);
            boolean retried = reply.path("batchItemFailures").size() > 0;
            String reason = dead.isEmpty() ? "" : dead.get(0).attributes().get("failure-reason");
            boolean noSideEffect = sandbox.counter("domains.link") == 0 && sandbox.counter("domains.update") == 0;
            if (retried) {
                figure[3]++;
            } else if (dead.size() == 1 && specific(reason) && noSideEffect) {
                figure[1]++;
                if (examples.size() < 4) {
                    examples.add("onboarding `" + shorten(body) + "`: " + reason);
                }
            } else {
                figure[2]++;
            }
        }
        figures.put("onboarding messages", figure);
        assertEquals(figure[0], figure[1], "every bad message got a clear reason in the dead-letter queue");
    }

    @Test
    void setCanonicalHttpRequests() throws Exception {
        ensureApp();
        HttpClient http = HttpClient.newHttpClient();
        String path = "/apps/bad-input-app/canonical-domain";
        List<String[]> cases = new ArrayList<>();
        for (String body : List.of("", "{", "[]", "\"x\"", "42", "{}", "{\"domain\":null}", "{\"domain\":1}", "{\"domain\":[\"a\"]}",
                "{\"domain\":\"a.example\",\"link\":\"yes\"}", "{\"domain\":\"a.example\",\"other\":1}", "{\"domain\":\"not a host\"}",
                "{\"domain\":\"https://a.example\"}", "{\"domain\":\"a.example:80\"}", "{\"domain\":\"app.osc-fr1.scalingo.io\"}",
                "{\"domain\":\"" + "a".repeat(5000) + "\"}", "{\"domain\":\"" + "b".repeat(100_000) + "\"}")) {
            cases.add(new String[] { "PUT", path, body, "400" });
        }
        for (String method : List.of("POST", "PATCH", "HEAD", "OPTIONS")) {
            cases.add(new String[] { method, path, "{}", "405" });
        }
        for (String unknown : List.of("/apps/bad-input-app", "/apps/bad-input-app/canonical", "/apps//canonical-domain",
                "/apps/Bad%20App/canonical-domain", "/apps/bad-input-app/canonical-domain/extra")) {
            cases.add(new String[] { "GET", unknown, null, unknown.contains("Bad%20App") ? "400" : "404" });
        }
        int[] figure = new int[4];
        for (String[] c : cases) {
            sandbox.clearCounters();
            HttpRequest.BodyPublisher body = c[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c[2]);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort + c[1]))
                    .method(c[0], body).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            figure[0]++;
            boolean clear = response.statusCode() == Integer.parseInt(c[3])
                    && (c[0].equals("HEAD") || specific(JSON.readTree(response.body()).path("error").asText()));
            boolean noSideEffect = sandbox.counter("domains.update") == 0 && sandbox.counter("domains.link") == 0;
            if (response.statusCode() >= 500) {
                figure[2]++;
            } else if (clear && noSideEffect) {
                figure[1]++;
                if (examples.size() < 8 && !c[0].equals("HEAD")) {
                    examples.add("set-canonical " + c[0] + " " + c[1] + " `" + shorten(String.valueOf(c[2])) + "`: "
                            + response.statusCode() + " " + shorten(response.body()));
                }
            } else {
                figure[2]++;
            }
        }
        figures.put("set-canonical HTTP requests", figure);
        assertEquals(figure[0], figure[1], "every bad request got its specific status and message");
    }

    @Test
    void certificateSecrets() throws Exception {
        ensureApp();
        String domain = "tls.bad-input.example";
        Instant now = Instant.now();
        KeyPair rsa = TestCertificates.rsa(2048);
        var good = TestCertificates.selfSigned(rsa, "CN=" + domain, List.of(domain), now.minus(Duration.ofDays(1)), Duration.ofDays(90));
        Map<String, String[]> secrets = new LinkedHashMap<>();
        secrets.put("missing certificate", new String[] { null, good.privateKeyPem() });
        secrets.put("missing key", new String[] { good.certificatePem(), null });
        secrets.put("empty certificate", new String[] { "", good.privateKeyPem() });
        secrets.put("non-PEM certificate", new String[] { "hello", good.privateKeyPem() });
        secrets.put("non-PEM key", new String[] { good.certificatePem(), "hello" });
        secrets.put("truncated certificate", new String[] { good.certificatePem().substring(0, 200), good.privateKeyPem() });
        secrets.put("truncated key", new String[] { good.certificatePem(), good.privateKeyPem().substring(0, 300) });
        secrets.put("key in the certificate field", new String[] { good.privateKeyPem(), good.privateKeyPem() });
        secrets.put("mismatched pair", new String[] { good.certificatePem(), TestCertificates.pkcs8(TestCertificates.rsa(2048).getPrivate()) });
        secrets.put("expired", pair(TestCertificates.selfSigned(rsa, "CN=" + domain, List.of(domain), now.minus(Duration.ofDays(100)), Duration.ofDays(90))));
        secrets.put("not yet valid", pair(TestCertificates.selfSigned(rsa, "CN=" + domain, List.of(domain), now.plus(Duration.ofDays(5)), Duration.ofDays(90))));
        secrets.put("expiring in 2 days", pair(TestCertificates.selfSigned(rsa, "CN=" + domain, List.of(domain), now.minus(Duration.ofDays(88)), Duration.ofDays(90))));
        secrets.put("wrong host", pair(TestCertificates.selfSigned(rsa, "CN=other.example", List.of("other.example"), now, Duration.ofDays(90))));
        secrets.put("wildcard one level too high", pair(TestCertificates.selfSigned(rsa, "CN=*.example", List.of("*.example"), now, Duration.ofDays(90))));
        secrets.put("RSA 1024", pair(TestCertificates.selfSigned(TestCertificates.rsa(1024), "CN=" + domain, List.of(domain), now, Duration.ofDays(90))));
        secrets.put("EC P-521", pair(TestCertificates.selfSigned(TestCertificates.ec("secp521r1"), "CN=" + domain, List.of(domain), now, Duration.ofDays(90))));
        int[] figure = new int[4];
        int n = 0;
        for (var secret : secrets.entrySet()) {
            ObjectNode value = JSON.createObjectNode();
            if (secret.getValue()[0] != null) {
                value.put("certificate", secret.getValue()[0]);
            }
            if (secret.getValue()[1] != null) {
                value.put("privateKey", secret.getValue()[1]);
            }
            String name = "certs/bad-input-" + n++;
            sandbox.putSecret(name, value.toString(), Map.of("scalingo:app", "bad-input-app"));
            sandbox.clearQueues();
            sandbox.clearCounters();
            ObjectNode body = JSON.createObjectNode();
            body.put("app", "bad-input-app");
            body.put("domain", domain);
            body.put("tlsSecretId", name);
            JsonNode reply = LambdaPath.invoke(SqsEvents.event(SqsEvents.Message.of(body.toString())));
            figure[0]++;
            List<QueuedMessage> dead = sandbox.queue(deadLetterQueue);
            String reason = dead.isEmpty() ? "" : dead.get(0).attributes().get("failure-reason");
            if (reply.path("batchItemFailures").size() > 0) {
                figure[3]++;
            } else if (dead.size() == 1 && specific(reason) && sandbox.counter("domains.link") == 0 && !reason.contains("PRIVATE KEY")) {
                figure[1]++;
                if (examples.size() < 12) {
                    examples.add("secret with " + secret.getKey() + ": " + reason);
                }
            } else {
                figure[2]++;
            }
        }
        figures.put("certificate secrets", figure);
        assertEquals(figure[0], figure[1], "every bad secret got a specific reason and nothing was linked");
    }

    @Test
    void scalingoReplies() throws Exception {
        int[] figure = new int[4];
        List<String> unclear = new ArrayList<>();
        String[][] errorReplies = {
                { "500", "<html><body>Internal Server Error</body></html>", "text/html" }, { "502", "", "text/plain" },
                { "503", "{\"error\":\"maintenance\"", "application/json" }, { "429", "Retry later", "text/plain" },
                { "429", "{\"error\":\"slow down\",\"code\":\"rate\"}", "application/json" }, { "422", "{\"errors\":{\"name\":[\"bad\"]}}", "application/json" },
                { "404", "{\"resource\":\"app\",\"error\":\"not found\"}", "application/json" }, { "404", "{\"error\":\"not found\"}", "application/json" },
                { "400", "{\"unexpected\":true}", "application/json" }, { "401", "{\"error\":\"OTP Required\"}", "application/json" },
                { "402", "{\"error\":\"payment required\",\"url\":\"https://x\"}", "application/json" }, { "403", "{\"error\":\"no\",\"code\":\"forbidden\"}", "application/json" },
                { "500", "x".repeat(100_000), "text/plain" } };
        for (String[] reply : errorReplies) {
            figure[0]++;
            ScalingoException e = ScalingoErrorMapperAccess.fromReply(Integer.parseInt(reply[0]), reply[1], MediaType.valueOf(reply[2]));
            boolean clear = (!e.messages().isEmpty() || !e.fieldErrors().isEmpty()) && e.getMessage().length() < 600 && !e.getMessage().contains("<html>")
                    && e.isTransient() == (Integer.parseInt(reply[0]) == 429 || Integer.parseInt(reply[0]) >= 500);
            figure[clear ? 1 : 2]++;
            if (!clear) {
                unclear.add(reply[0] + " " + shorten(reply[1]) + " -> " + e.getMessage());
            }
        }
        String[] domainBodies = { "{\"id\":\"d\",\"name\":\"a.example\",\"brand_new\":{\"x\":[1]}}", "{\"id\":\"d\",\"letsencrypt_status\":\"quantum\"}",
                "{\"id\":\"d\"}", "{\"id\":\"d\",\"acme_dns_error\":\"text\"}", "{\"id\":\"d\",\"acme_dns_error\":{}}", "{\"id\":\"d\",\"ssl\":null}" };
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        for (String body : domainBodies) {
            figure[0]++;
            Domain domain = mapper.readValue(body, Domain.class);
            figure[domain.id().equals("d") ? 1 : 2]++;
            if (!domain.id().equals("d")) {
                unclear.add(body);
            }
        }
        // Bodies Jackson cannot read at all never reach the project's own code: one case, whatever the variant.
        figure[0]++;
        boolean allRefused = true;
        for (String truncated : new String[] { "{\"domains\":[{\"id\":\"a\"", "", "<html>" }) {
            try {
                mapper.readValue(truncated, io.domainautomation.scalingo.Envelopes.DomainList.class);
                allRefused = false;
                unclear.add("parsed: " + truncated);
            } catch (java.io.IOException expected) {
                // the client turns this into a transient ScalingoException, retried within its bounds
            }
        }
        figure[allRefused ? 1 : 2]++;
        figures.put("Scalingo replies", figure);
        assertEquals(List.of(), unclear);
        assertEquals(figure[0], figure[1]);
    }

    private static String[] pair(TestCertificates.Issued issued) {
        return new String[] { issued.certificatePem(), issued.privateKeyPem() };
    }

    /** A reason that says what is wrong, not a generic failure or a stack trace. */
    private static boolean specific(String reason) {
        return reason != null && reason.length() > 10 && !reason.contains("Exception:") && !reason.contains("\tat ")
                && !reason.equalsIgnoreCase("error") && !reason.equalsIgnoreCase("internal error");
    }

    private static String shorten(String text) {
        if (text.isBlank()) {
            return "(blank)";
        }
        String flat = text.replace("\n", " ").replace("|", "/");
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "...";
    }
}
