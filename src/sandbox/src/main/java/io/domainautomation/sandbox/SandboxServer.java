package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The sandbox over real HTTP on loopback, with the JDK's own HTTP server (no extension, nothing in the Lambda's
 * start-up). One port serves the auth host, the regional API, Secrets Manager and SQS JSON-protocol endpoints and the
 * {@code /_sandbox} control endpoints.
 */
public final class SandboxServer implements AutoCloseable {

    static {
        // The JDK's HTTP server writes a reply's headers and body apart; without TCP_NODELAY, Nagle's algorithm holds
        // the body until the client acknowledges the headers, which it delays (40 ms on Linux): every reply would
        // take about two request slots of a time-scaled benchmark. Read once, when the JDK's server first starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }


    private static final System.Logger LOG = System.getLogger(SandboxServer.class.getName());

    static {
        noDelay();
    }

    /**
     * The JDK server writes headers and body apart; with Nagle's algorithm on, the body then waits for the
     * client's delayed ACK, some 40 ms a reply. Read once, before the first server is made.
     */
    static void noDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Where the sandbox serves container credentials: point AWS_CONTAINER_CREDENTIALS_FULL_URI at it. */
    public static final String CONTAINER_CREDENTIALS_PATH = "/_aws/container-credentials";
    private static final Pattern SIGV4_CREDENTIAL = Pattern.compile("^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9_-]+)/");

    private final SandboxState state;
    private final CredentialsState credentials;
    private final LambdaState lambda;
    private final SandboxCounters counters;
    private final HttpServer server;
    private final ExecutorService workers;
    private final ScalingoRoutes scalingo;
    private final SecretsManagerRoutes secretsManager;
    private final SqsRoutes sqs;
    private final EventBridgeRoutes eventBridge;
    private final ControlRoutes control;
    private final IamState iam;
    private final IamRequests iamRequests;
    private final DynamoForward dynamo;
    private final ObjectMapper json = new ObjectMapper();

    private SandboxServer(SandboxState state, int port) throws IOException {
        this.state = state;
        this.credentials = state.credentials();
        this.lambda = state.lambda();
        this.counters = state.sandboxCounters();
        ObjectMapper json = new ObjectMapper();
        this.scalingo = new ScalingoRoutes(state.scalingo(), state.scalingoAuth(), state.faults(), counters, json);
        this.secretsManager = new SecretsManagerRoutes(state.secretsManager(), counters, json);
        this.control = new ControlRoutes(state, json);
        this.sqs = new SqsRoutes(state.sqs(), state.faults(), counters, json);
        this.eventBridge = new EventBridgeRoutes(state.eventBridge(), state.faults(), counters, json);
        this.iam = state.iam();
        this.iamRequests = new IamRequests(SandboxState.AWS_REGION, SandboxState.AWS_ACCOUNT, state.secretsManager());
        this.dynamo = state.dynamoForward();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "scalingo-sandbox");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
    }

    public static SandboxServer start(SandboxState state, int port) throws IOException {
        SandboxServer sandbox = new SandboxServer(state, port);
        sandbox.server.start();
        LOG.log(System.Logger.Level.INFO, "Scalingo sandbox listening on http://localhost:" + sandbox.port());
        return sandbox;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://localhost:" + port();
    }

    public SandboxState state() {
        return state;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String accessKey = recordSigningKey(authorization);
            String body = readBody(exchange);
            Reply reply;
            if (path.equals(CONTAINER_CREDENTIALS_PATH)) {
                reply = containerCredentials(authorization);
            } else if (path.startsWith("/2015-03-31/functions/")) {
                reply = authorizeInvoke(accessKey, path, exchange.getRequestURI().getQuery())
                        .orElseGet(() -> lambdaInvoke(path, exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"),
                                authorization, body));
            } else if (path.startsWith("/_sandbox/")) {
                reply = control.handle(exchange.getRequestMethod(), path, body);
            } else if (target != null) {
                java.util.Optional<Reply> denied = authorizeJson(accessKey, target, body);
                if (denied.isPresent()) {
                    reply = denied.get();
                } else if (target.startsWith("DynamoDB_")) {
                    reply = dynamoWithFaults(exchange.getRequestHeaders(), body);
                } else if (target.startsWith("AWSEvents.")) {
                    reply = eventBridge.handle(target, authorization, body);
                } else if (target.startsWith("AmazonSQS.")) {
                    reply = sqs.handle(target, authorization, body);
                } else if (state.faults().drawSecretsFailure()) {
                    reply = new Reply(500, "application/x-amz-json-1.1",
                            "{\"__type\":\"InternalServiceError\",\"message\":\"injected by the sandbox\"}", java.util.Map.of());
                } else {
                    reply = secretsManager.handle(target, authorization, body);
                }
            } else {
                reply = scalingo.handle(exchange, body);
            }
            if (reply == Reply.DROP) {
                return; // closing before any header is sent drops the connection
            }
            byte[] bytes = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException clientWentAway) {
            LOG.log(System.Logger.Level.DEBUG, "sandbox: client went away: " + clientWentAway.getMessage());
        } catch (RuntimeException bug) {
            LOG.log(System.Logger.Level.ERROR, "sandbox: unexpected failure", bug);
            throw bug;
        }
    }

    /**
     * Role credentials as a container-credentials endpoint serves them (what Lambda offers SnapStart functions through
     * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN), valid for an hour.
     */
    private Reply containerCredentials(String authorization) {
        String accessKey = authorization == null ? null : credentials.containerAccessKey(authorization);
        if (accessKey == null) {
            return new Reply(403, Reply.JSON, "{\"message\":\"invalid authorization token\"}", java.util.Map.of());
        }
        counters.count("credentials.container");
        String expiration = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
        return Reply.json(200, "{\"AccessKeyId\":\"" + accessKey + "\",\"SecretAccessKey\":\"sandbox-container-secret\","
                + "\"Token\":\"sandbox-session-token\",\"Expiration\":\"" + expiration + "\"}");
    }

    /** @return the access key id the request was signed with, or null */
    private String recordSigningKey(String authorization) {
        Matcher credential = authorization == null ? null : SIGV4_CREDENTIAL.matcher(authorization);
        if (credential != null && credential.find()) {
            credentials.recordSigningKey(credential.group(1));
            return credential.group(1);
        }
        return null;
    }

    /** A JSON-protocol call a function may not make, answered as AWS answers it; empty when it may go on. */
    private java.util.Optional<Reply> authorizeJson(String accessKey, String target, String body) {
        if (!iam.enforced()) {
            return java.util.Optional.empty();
        }
        IamRequests.Call call = iamRequests.json(target, parseOrNull(json, body));
        return iam.authorize(accessKey, call.action(), call.resources(), call.context())
                .map(denial -> IamRequests.deniedJson(target, denial.message()));
    }

    private java.util.Optional<Reply> authorizeInvoke(String accessKey, String path, String query) {
        if (!iam.enforced()) {
            return java.util.Optional.empty();
        }
        String[] parts = path.split("/");
        String function = parts.length > 3 ? java.net.URLDecoder.decode(parts[3], StandardCharsets.UTF_8) : "";
        java.util.Optional<String> qualifier = java.util.Optional.ofNullable(query).flatMap(q -> java.util.Arrays.stream(q.split("&"))
                .filter(pair -> pair.startsWith("Qualifier=")).map(pair -> pair.substring("Qualifier=".length())).findFirst());
        IamRequests.Call call = iamRequests.lambdaInvoke(function, qualifier);
        return iam.authorize(accessKey, call.action(), call.resources()).map(denial -> IamRequests.deniedRestJson(denial.message()));
    }

    /** DynamoDB passed on to dynalite, unless a fault injected for it fails the request before or after (SandboxFaults). */
    private Reply dynamoWithFaults(com.sun.net.httpserver.Headers headers, String body) {
        String failed = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"injected by the sandbox\"}";
        if (state.faults().drawDynamoFailure()) {
            return new Reply(500, "application/x-amz-json-1.0", failed, java.util.Map.of());
        }
        if (state.faults().drawDynamoDenial()) {
            return new Reply(400, "application/x-amz-json-1.0", "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
                    + "\"message\":\"injected by the sandbox: not authorized to perform this action\"}", java.util.Map.of());
        }
        Reply forwarded = dynamo.forward(headers, body);
        return state.faults().drawDynamoLostReply() ? new Reply(500, "application/x-amz-json-1.0", failed, java.util.Map.of()) : forwarded;
    }

    /** Lambda's Invoke (REST-JSON): asynchronous invocations are recorded for the test or benchmark to run. */
    private Reply lambdaInvoke(String path, String invocationType, String authorization, String body) {
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return new Reply(403, Reply.JSON, "{\"message\":\"Missing Authentication Token\"}", java.util.Map.of());
        }
        String[] parts = path.split("/");
        if (parts.length != 5 || !parts[4].equals("invocations") || !"Event".equals(invocationType)) {
            return new Reply(400, Reply.JSON, "{\"Type\":\"User\",\"message\":\"the sandbox takes asynchronous invocations only\"}",
                    java.util.Map.of("x-amzn-ErrorType", "InvalidRequestContentException"));
        }
        counters.count("lambda.Invoke");
        lambda.recordInvocation(java.net.URLDecoder.decode(parts[3], StandardCharsets.UTF_8), body);
        return Reply.empty(202);
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode parseOrNull(ObjectMapper json, String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
