package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.funqy.Funq;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Local stand-in for what sits in front of the functions when deployed, so all of them run at once under
 * {@code ./mvnw quarkus:dev} (a Lambda runs one). Like API Gateway, it turns
 * {@code GET|PUT|DELETE /apps/{app}/canonical-domain} into HTTP API v2 events for set-canonical, and
 * {@code GET /apps/{app}/domains/{domain}} for domain-status; like an SQS
 * event source, it hands {@code POST /link-on-signup} bodies to link-on-signup one record at a time and answers
 * with the partial batch response. {@code POST /<function>} is a direct invocation of any other function. It finds
 * the functions by their {@code @Funq} names among the application's beans, so it knows none of their classes: it
 * exists wherever this module is on the class path (dev mode and tests), never in the deployed artifact.
 */
@ApplicationScoped
public class LocalGateway {

    private static final System.Logger LOG = System.getLogger(LocalGateway.class.getName());
    private static final String LOCAL_CALLER = "arn:aws:iam::000000000000:user/local-developer";
    private static final String LINK_ON_SIGNUP = "link-on-signup";
    private static final String SET_CANONICAL = "set-canonical";
    private static final String DOMAIN_STATUS = "domain-status";

    private record Function(Bean<?> bean, Method method) {
    }

    private final Map<String, Function> functions = new HashMap<>();
    private final ObjectMapper json;
    private final BeanManager beans;
    private HttpServer server;
    private ExecutorService workers;

    LocalGateway(ObjectMapper json, BeanManager beans) {
        this.json = json;
        this.beans = beans;
    }

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
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            for (Method method : bean.getBeanClass().getMethods()) {
                Funq funq = method.getAnnotation(Funq.class);
                if (funq != null && method.getParameterCount() == 1) {
                    functions.put(funq.value().isEmpty() ? method.getName() : funq.value(), new Function(bean, method));
                }
            }
        }
        server.start();
        LOG.log(System.Logger.Level.INFO, "Local gateway for the functions " + functions.keySet() + " on http://localhost:" + port);
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
            String function = path.length() > 1 ? path.substring(1) : "";
            if (path.startsWith("/apps/")) {
                String event = HttpApiEvents.request(method, path, body.isEmpty() ? null : body, false, LOCAL_CALLER);
                JsonNode response = invoke(path.matches("/apps/[^/]+/domains/[^/]+") ? DOMAIN_STATUS : SET_CANONICAL,
                        json.readTree(event));
                response.path("headers").fields()
                        .forEachRemaining(h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
                send(exchange, response.path("statusCode").asInt(500), response.path("body").asText());
            } else if (method.equals("POST") && function.equals(LINK_ON_SIGNUP)) {
                send(exchange, 200, linkBatch(body).toString());
            } else if (method.equals("POST") && functions.containsKey(function)) {
                send(exchange, 200, invoke(function, parseOrText(body)).toString());
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, 404, "{\"error\":\"no local route " + method + " " + path
                        + "; see docs/functions/ for the routes of each function\"}");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "local gateway: the function failed", e);
            send(exchange, 500, "{\"error\":\"the function failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** The body is an SQS event ({@code Records}) or one bare message; each record runs like Lambda runs it. */
    private JsonNode linkBatch(String body) {
        List<ObjectNode> records = new ArrayList<>();
        JsonNode parsed = parseOrText(body);
        if (parsed.isObject() && parsed.path("Records").isArray()) {
            for (JsonNode record : parsed.get("Records")) {
                records.add(message(record.path("messageId").asText(UUID.randomUUID().toString()), record.path("body").asText("")));
            }
        } else {
            records.add(message(UUID.randomUUID().toString(), body));
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (ObjectNode record : records) {
            try {
                invoke(LINK_ON_SIGNUP, record);
            } catch (RuntimeException failed) {
                failures.add(new SQSBatchResponse.BatchItemFailure(record.get("messageId").asText()));
            }
        }
        return json.valueToTree(new SQSBatchResponse(failures));
    }

    /** One SQS record as Lambda's event source delivers it. */
    private ObjectNode message(String id, String body) {
        ObjectNode message = json.createObjectNode();
        message.put("messageId", id);
        message.put("body", body);
        message.putObject("attributes").put("SentTimestamp", String.valueOf(System.currentTimeMillis()));
        message.put("eventSource", "aws:sqs");
        return message;
    }

    /** Calls a function the way Funqy does: the event converted to its parameter type, a Uni awaited. */
    private JsonNode invoke(String name, JsonNode event) {
        Function function = functions.get(name);
        if (function == null) {
            throw new IllegalStateException("no @Funq function named " + name + " in this application");
        }
        Object target = beans.getReference(function.bean(), function.bean().getBeanClass(),
                beans.createCreationalContext(function.bean()));
        Object argument = json.convertValue(event, json.constructType(function.method().getGenericParameterTypes()[0]));
        Object result;
        try {
            result = function.method().invoke(target, argument);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new CompletionException(e.getCause());
        }
        if (result instanceof Uni<?> uni) {
            result = uni.await().indefinitely();
        }
        return result == null ? json.nullNode() : json.valueToTree(result);
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
