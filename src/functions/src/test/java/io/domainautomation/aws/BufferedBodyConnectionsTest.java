package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The AWS clients' connections buffer request bodies (so the JDK does not probe a kept-alive connection before each
 * POST) and still send every request as the SDK asked: body, length, status and error body, and a request whose kept-alive
 * connection the server closed sent again on a new one.
 */
class BufferedBodyConnectionsTest {

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
        try (SdkHttpClient client = UrlConnectionHttpClient.create(new BufferedBodyConnections())) {
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
            HttpURLConnection connection = new BufferedBodyConnections()
                    .createConnection(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            // Streamed at a fixed length of 3, the JDK would refuse a fourth byte ("too many bytes written").
            connection.setFixedLengthStreamingMode(3);
            try (OutputStream out = connection.getOutputStream()) {
                out.write("ten bytes!".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(204, connection.getResponseCode());
            assertEquals(BufferedBodyConnections.CONNECT_TIMEOUT.toMillis(), connection.getConnectTimeout());
            assertEquals(BufferedBodyConnections.READ_TIMEOUT.toMillis(), connection.getReadTimeout());
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("10 ten bytes!"), received);
    }

    @Test
    void aPostOnAKeptAliveConnectionTheServerClosedIsSentAgainOnANewOne() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        CountDownLatch firstClosed = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try {
                    int connections = 0;
                    while (bodies.size() < 2) {
                        try (Socket socket = listener.accept()) {
                            connections++;
                            byte[] body = readRequest(socket.getInputStream());
                            if (body == null) {
                                continue; // the resend's first try, on the connection closed before it came
                            }
                            bodies.add(body);
                            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
                                    .getBytes(StandardCharsets.US_ASCII));
                            socket.getOutputStream().flush();
                            if (connections == 1) {
                                // let the client read the answer and keep the connection, then close it under it
                                Thread.sleep(200);
                            }
                        }
                        firstClosed.countDown();
                    }
                } catch (IOException | InterruptedException e) {
                    // the test fails on what the server did not receive
                }
            }, "closing-server");
            server.setDaemon(true);
            server.start();
            try (SdkHttpClient client = UrlConnectionHttpClient.create(new BufferedBodyConnections())) {
                String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
                HttpExecuteResponse first = post(client, url);
                assertEquals("ok", new String(first.responseBody().orElseThrow().readAllBytes(), StandardCharsets.US_ASCII));
                assertTrue(firstClosed.await(10, TimeUnit.SECONDS), "the server closed the kept-alive connection");
                HttpExecuteResponse second = post(client, url);
                assertEquals(200, second.httpResponse().statusCode());
                assertEquals("ok", new String(second.responseBody().orElseThrow().readAllBytes(), StandardCharsets.US_ASCII));
            }
            server.join(10_000);
        }
        assertEquals(2, bodies.size(), "both requests arrived whole");
        assertArrayEquals(BODY, bodies.get(0));
        assertArrayEquals(BODY, bodies.get(1));
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
