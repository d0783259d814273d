package io.domainautomation.functions;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.logging.Logger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.scalingo.AppsApi;
import io.domainautomation.scalingo.AuthApi;
import io.domainautomation.scalingo.DomainsApi;
import io.domainautomation.scalingo.Envelopes;

/**
 * Runs the Scalingo REST client's real request path once, before a SnapStart snapshot, against a server on loopback
 * started for that and stopped before the snapshot: the token exchange (POST), the apps (GET), the domains (GET,
 * POST, PATCH, DELETE, with their JSON bodies) and an error reply (404, through ScalingoErrorMapper). The first
 * invocation after a restore then finds those classes loaded and initialised instead of doing it on the clock.
 * Nothing it touches holds a secret: the server answers made-up values, and the clients and their connections are
 * closed before the checkpoint.
 */
final class LoopbackPriming {

    private static final Logger LOG = Logger.getLogger(LoopbackPriming.class);
    private static final String DOMAIN = """
            {"id":"5c8a1b2f3d4e5f6a7b8c9d0e","app_id":"5c8a1b2f3d4e5f6a7b8c9d0f","name":"www.example.com",
            "created_at":"2026-01-01T00:00:00.000Z","ssl":false,"validity":null,"canonical":true,
            "letsencrypt_enabled":true,"letsencrypt_status":"pending_dns","acme_dns_fqdn":null,"acme_dns_value":null,
            "acme_dns_error":null,"acme_challenge_error":null}""";
    private static final String APP = """
            {"id":"5c8a1b2f3d4e5f6a7b8c9d0f","name":"example","region":"osc-fr1",
            "url":"https://example.osc-fr1.scalingo.io","base_url":"https://example.osc-fr1.scalingo.io",
            "created_at":"2026-01-01T00:00:00.000Z"}""";

    private final HttpServer server;
    private final List<Object> clients = new ArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();

    private LoopbackPriming() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            answer(exchange);
            answered.incrementAndGet();
        });
        server.start();
    }

    /** What a priming did: how many requests its server answered, on which port (closed when this is returned). */
    record Outcome(int requestsAnswered, int port) {
    }

    /** Primes, then stops the server and closes the clients; a failure is logged, never fatal (the path is only slower). */
    static Outcome run() {
        LoopbackPriming priming = null;
        try {
            priming = new LoopbackPriming();
            priming.exercise();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cold-start priming: the Scalingo client's path was not primed (%s)", e.toString());
        } finally {
            if (priming != null) {
                priming.close();
            }
        }
        return priming == null ? new Outcome(0, 0) : new Outcome(priming.answered.get(), priming.server.getAddress().getPort());
    }

    private void exercise() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        AuthApi auth = client(base, AuthApi.class);
        AppsApi apps = client(base, AppsApi.class);
        DomainsApi domains = client(base, DomainsApi.class);
        String bearer = "Bearer " + auth.exchange("Basic cHJpbWluZw==").token();
        apps.list(bearer, 1);
        apps.show(bearer, "example");
        domains.list(bearer, "example");
        domains.link(bearer, "example", new Envelopes.DomainWrite(DomainChanges.link("www.example.com", true, true)));
        domains.update(bearer, "example", "5c8a1b2f3d4e5f6a7b8c9d0e", new Envelopes.DomainWrite(DomainChanges.canonical(true)));
        domains.unlink(bearer, "example", "5c8a1b2f3d4e5f6a7b8c9d0e");
        try {
            domains.list(bearer, "missing");
        } catch (ScalingoException expected) {
            // the error path: Scalingo's 404 mapped to its exception
        }
    }

    private <T> T client(URI base, Class<T> api) {
        T client = RestClientBuilder.newBuilder().baseUri(base).build(api);
        clients.add(client);
        return client;
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        int status;
        String body;
        if (path.startsWith("/v1/apps/missing")) {
            status = 404;
            body = "{\"error\":\"not found\"}";
        } else if (path.equals("/v1/tokens/exchange")) {
            status = 200;
            body = "{\"token\":\"priming\"}";
        } else if (path.equals("/v1/apps")) {
            status = 200;
            body = "{\"apps\":[" + APP + "],\"meta\":{\"pagination\":{\"current_page\":1,\"total_pages\":1}}}";
        } else if (path.equals("/v1/apps/example")) {
            status = 200;
            body = "{\"app\":" + APP + "}";
        } else if (path.endsWith("/domains") && method.equals("GET")) {
            status = 200;
            body = "{\"domains\":[" + DOMAIN + "]}";
        } else if (method.equals("DELETE")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
        } else {
            status = method.equals("POST") ? 201 : 200;
            body = "{\"domain\":" + DOMAIN + "}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void close() {
        for (Object client : clients) {
            if (client instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException e) {
                    LOG.debugf("cold-start priming: a client did not close (%s)", e.getMessage());
                }
            }
        }
        server.stop(0);
    }
}
