package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.domainautomation.functions.CleanupStale;
import io.domainautomation.functions.LinkOnSignup;
import io.domainautomation.functions.RotateCertFromSecretsManager;
import io.domainautomation.functions.SetCanonical;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Local stand-in for what sits in front of the functions when deployed, so all of them run at once under
 * {@code ./mvnw quarkus:dev} (a Lambda runs one). Like API Gateway, it turns
 * {@code GET|PUT|DELETE /apps/{app}/canonical-domain} into HTTP API v2 events for set-canonical; like an SQS
 * event source, it hands {@code POST /link-on-signup} bodies to link-on-signup one record at a time and answers
 * with the partial batch response. {@code POST /set-canonical}, {@code POST /rotate-cert-from-secrets-manager} and
 * {@code POST /cleanup-stale} are direct invocations. Dev and test only.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = { "dev", "test" })
public class LocalGateway {

    private static final Logger LOG = Logger.getLogger(LocalGateway.class);
    private static final String LOCAL_CALLER = "arn:aws:iam::000000000000:user/local-developer";

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private ExecutorService workers;

    @Inject
    LinkOnSignup linkOnSignup;

    @Inject
    SetCanonical setCanonical;

    @Inject
    RotateCertFromSecretsManager rotateCert;

    @Inject
    CleanupStale cleanupStale;

    void start(@Observes StartupEvent startup, @ConfigProperty(name = "local-gateway.port", defaultValue = "8080") int port) {
        SandboxServer.noDelay();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local gateway on port " + port, e);
        }
        workers = Executors.newFixedThreadPool(4);
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        LOG.infof("Local gateway for the functions on http://localhost:%d", port);
    }

    @PreDestroy
    void stop() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (path.startsWith("/apps/")) {
                String event = HttpApiEvents.request(method, path, body.isEmpty() ? null : body, false, LOCAL_CALLER);
                JsonNode response = setCanonical.setCanonical(json.readTree(event));
                response.path("headers").fields()
                        .forEachRemaining(h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
                send(exchange, response.path("statusCode").asInt(500), response.path("body").asText());
            } else if (method.equals("POST") && path.equals("/link-on-signup")) {
                send(exchange, 200, linkBatch(body).toString());
            } else if (method.equals("POST") && path.equals("/set-canonical")) {
                send(exchange, 200, setCanonical.setCanonical(parseOrText(body)).toString());
            } else if (method.equals("POST") && path.equals("/cleanup-stale")) {
                send(exchange, 200, cleanupStale.cleanupStale(parseOrText(body)).toString());
            } else if (method.equals("POST") && path.equals("/rotate-cert-from-secrets-manager")) {
                send(exchange, 200, json.writeValueAsString(rotateCert.rotateCertFromSecretsManager(parseOrText(body))));
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, 404, "{\"error\":\"no local route " + method + " " + path
                        + "; see the README for the routes of each function\"}");
            }
        } catch (RuntimeException e) {
            LOG.error("local gateway: the function failed", e);
            send(exchange, 500, "{\"error\":\"the function failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** The body is an SQS event ({@code Records}) or one bare message; each record runs like Lambda runs it. */
    private ObjectNode linkBatch(String body) {
        List<SQSMessage> records = new ArrayList<>();
        JsonNode parsed = parseOrText(body);
        if (parsed.isObject() && parsed.path("Records").isArray()) {
            for (JsonNode record : parsed.get("Records")) {
                records.add(message(record.path("messageId").asText(UUID.randomUUID().toString()), record.path("body").asText("")));
            }
        } else {
            records.add(message(UUID.randomUUID().toString(), body));
        }
        ObjectNode response = json.createObjectNode();
        var failures = response.putArray("batchItemFailures");
        for (SQSMessage record : records) {
            try {
                linkOnSignup.linkOnSignup(record).await().indefinitely();
            } catch (RuntimeException failed) {
                failures.addObject().put("itemIdentifier", record.getMessageId());
            }
        }
        return response;
    }

    private static SQSMessage message(String id, String body) {
        SQSMessage message = new SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setEventSource("aws:sqs");
        return message;
    }

    private JsonNode parseOrText(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.getNodeFactory().textNode(body) : node;
        } catch (IOException notJson) {
            return json.getNodeFactory().textNode(body);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
