package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The AWS clients' connections buffer request bodies (so the JDK does not probe a kept-alive connection before each
 * POST) and still send every request as the SDK asked (body, length, status and error body), within the attempt's
 * timeouts, and never a second time on the JDK's own once the Lambda handler switched that off.
 */
class BufferedBodyConnectionsTest {

    private static final Duration ATTEMPT = Duration.ofSeconds(3);
    private static final byte[] BODY = "{\"TableName\":\"ledger\",\"Key\":{\"pk\":{\"S\":\"SCAN\"}}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aPostArrivesWholeWithItsLengthAndItsAnswerAndAnErrorsBodyAreRead() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Length") + " "
                    + new String(body, StandardCharsets.UTF_8));
            boolean fail = exchange.getRequestURI().getPath().equals("/fail");
            byte[] answer = (fail ? "{\"__type\":\"ValidationException\"}" : "{\"Item\":{}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 400 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try (SdkHttpClient client = UrlConnectionHttpClient.create(new BufferedBodyConnections(ATTEMPT))) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpExecuteResponse ok = post(client, base + "/");
            assertEquals(200, ok.httpResponse().statusCode());
            assertEquals("{\"Item\":{}}", new String(ok.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8));
            HttpExecuteResponse refused = post(client, base + "/fail");
            assertEquals(400, refused.httpResponse().statusCode());
            assertEquals("{\"__type\":\"ValidationException\"}",
                    new String(refused.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            server.stop(0);
        }
        String expected = "POST " + BODY.length + " " + new String(BODY, StandardCharsets.UTF_8);
        assertEquals(List.of(expected, expected), received);
    }

    @Test
    void theBodyIsBufferedNotStreamedAtTheLengthTheSdkAnnounced() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Length") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpURLConnection connection = new BufferedBodyConnections(ATTEMPT)
                    .createConnection(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            // Streamed at a fixed length of 3, the JDK would refuse a fourth byte ("too many bytes written").
            connection.setFixedLengthStreamingMode(3);
            try (OutputStream out = connection.getOutputStream()) {
                out.write("ten bytes!".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(204, connection.getResponseCode());
            // the SDK's default connection timeout for its clients; reads bounded by the attempt's timeout
            assertEquals(SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS.get(SdkHttpConfigurationOption.CONNECTION_TIMEOUT).toMillis(),
                    connection.getConnectTimeout());
            assertEquals(3000, connection.getReadTimeout());
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("10 ten bytes!"), received);
    }

    @Test
    void anAttemptsTimeoutsBoundItsConnectionsWhicheverIsShorter() {
        HttpURLConnection connection = new BufferedBodyConnections(Duration.ofMillis(1500)).createConnection(URI.create("http://127.0.0.1:9/"));
        assertEquals(1500, connection.getConnectTimeout());
        assertEquals(1500, connection.getReadTimeout());
    }

    /**
     * A reply lost after the server took the whole request: with the switch the Lambda handler sets, the attempt fails
     * and the request was delivered once (the SDK's retry, counted, is the only resend); without it, the JDK sends the
     * buffered POST a second time on its own. Each case in a JVM of its own: the JDK reads the switch once.
     */
    @Test
    void aLostReplyIsNotResentByTheJdkOnceTheHandlerSwitchedItOff() throws Exception {
        assertEquals(new Delivered(1, "failed"), lostReply(true));
        assertEquals(new Delivered(2, "failed"), lostReply(false), "the JDK's own resend, which the switch turns off");
    }

    private record Delivered(int requests, String outcome) {
    }

    private static Delivered lostReply(boolean switchedOff) throws Exception {
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        if (readRequest(socket.getInputStream()) != null) {
                            delivered.incrementAndGet(); // taken whole; the reply is lost: closed without a word
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "lost-reply-server");
            server.setDaemon(true);
            server.start();
            Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LostReply.class.getName(),
                    String.valueOf(listener.getLocalPort()), String.valueOf(switchedOff))
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
            assertEquals(0, child.exitValue(), output);
            String outcome = output.lines().reduce((first, last) -> last).orElse("");
            return new Delivered(delivered.get(), outcome);
        }
    }

    /** One POST through the AWS clients' HTTP client, in a JVM of its own; prints "answered" or "failed". */
    public static final class LostReply {
        public static void main(String[] args) throws Exception {
            if (Boolean.parseBoolean(args[1])) {
                BufferedBodyConnections.noSilentResends(); // as LambdaHandler does, before any connection
            }
            try (SdkHttpClient client = UrlConnectionHttpClient.create(new BufferedBodyConnections(ATTEMPT))) {
                post(client, "http://127.0.0.1:" + args[0] + "/");
                System.out.println("answered");
            } catch (IOException e) {
                System.out.println("failed");
            }
        }
    }

    private static HttpExecuteResponse post(SdkHttpClient client, String url) throws IOException {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().uri(URI.create(url)).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/x-amz-json-1.0").putHeader("Content-Length", String.valueOf(BODY.length))
                .contentStreamProvider(() -> new ByteArrayInputStream(BODY)).build();
        return client.prepareRequest(HttpExecuteRequest.builder().request(request)
                .contentStreamProvider(request.contentStreamProvider().orElseThrow()).build()).call();
    }

    /** A request's body read by its Content-Length, or null when the connection ended before a whole request. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return body.length == length ? body : null;
    }
}
