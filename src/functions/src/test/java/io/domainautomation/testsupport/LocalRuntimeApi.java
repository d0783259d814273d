package io.domainautomation.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The AWS Lambda Runtime API (2018-06-01) on loopback, as the Lambda service offers it to a runtime: the runtime
 * polls {@code /invocation/next}, then posts {@code /response} or {@code /error}. Tests and benchmarks queue events
 * and wait for the answers.
 */
public final class LocalRuntimeApi implements AutoCloseable {

    /** What the function answered to the invocation with this request id: its body, and whether it was an error. */
    public record Answer(String requestId, String body, boolean error) {
    }

    private record Invocation(String id, String event, CompletableFuture<Answer> answer) {
    }

    private final HttpServer server;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final CompletableFuture<Long> snapshotPoint = new CompletableFuture<>();
    private final CompletableFuture<Void> restored = new CompletableFuture<>();
    private volatile String initError;
    private final Duration invocationTimeout;

    public LocalRuntimeApi() throws IOException {
        this(Duration.ofMinutes(15));
    }

    /** @param invocationTimeout what each invocation is given, as Lambda's Lambda-Runtime-Deadline-Ms says it */
    public LocalRuntimeApi(Duration invocationTimeout) throws IOException {
        this.invocationTimeout = invocationTimeout;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "runtime-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/2018-06-01/runtime/", this::handle);
        server.start();
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public Answer invoke(String event, Duration timeout) throws Exception {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        pending.add(invocation);
        try {
            return invocation.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + timeout + (initError == null ? "" : "; init error: " + initError));
        }
    }

    /** When the runtime first asked for work: it finished its init. */
    public CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    /**
     * With AWS_LAMBDA_INITIALIZATION_TYPE=snap-start the runtime runs its beforeCheckpoint hooks, then asks
     * {@code /restore/next}, where Lambda takes the snapshot and answers once it has restored one. This completes
     * when the runtime asks (the point of the snapshot).
     */
    public CompletableFuture<Long> snapshotPoint() {
        return snapshotPoint;
    }

    /** Answers {@code /restore/next}, as Lambda does after restoring a snapshot: the runtime runs its afterRestore hooks. */
    public void restore() {
        restored.complete(null);
    }

    public String initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (path.endsWith("/restore/next")) {
                snapshotPoint.complete(System.nanoTime());
                restored.join();
                reply(exchange, 200, "");
            } else if (path.endsWith("/invocation/next")) {
                firstPoll.complete(System.nanoTime());
                Invocation next;
                try {
                    next = pending.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                inFlight.put(next.id(), next);
                exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", next.id());
                exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + invocationTimeout.toMillis()));
                exchange.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:eu-west-3:000000000000:function:packaged-test");
                exchange.getResponseHeaders().set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                reply(exchange, 200, next.event());
            } else if (path.endsWith("/init/error") || path.endsWith("/restore/error")) {
                initError = body;
                reply(exchange, 202, "{}");
            } else if (path.contains("/invocation/")) {
                String[] parts = path.split("/");
                String id = parts[parts.length - 2];
                Invocation invocation = inFlight.remove(id);
                if (invocation != null) {
                    invocation.answer().complete(new Answer(invocation.id(), body, path.endsWith("/error")));
                }
                reply(exchange, 202, "{}");
            } else {
                reply(exchange, 404, "{}");
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        restored.complete(null);
        server.stop(0);
    }
}
