package io.domainautomation.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * dynalite (npm, MIT: a DynamoDB implementation, in memory) on loopback, for the cleanup ledger in dev mode and
 * tests. Installed from the project's package-lock.json on first use ({@code npm ci}), started as a child process,
 * given the ledger's table (same keys as template.yaml's), stopped with the application.
 */
public final class LocalDynamo implements AutoCloseable {

    private final Process process;
    private final int port;

    private LocalDynamo(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static LocalDynamo start(int port, String table) {
        Path root = projectRoot();
        Path cli = root.resolve("node_modules/dynalite/cli.js");
        if (!Files.exists(cli)) {
            run(root, List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(5));
        }
        try {
            Process process = new ProcessBuilder("node", cli.toString(), "--port", Integer.toString(port))
                    .directory(root.toFile()).redirectErrorStream(true).start();
            LocalDynamo dynamo = new LocalDynamo(process, port);
            // Should the application not stop cleanly, the child process must not outlive the JVM (and keep the port).
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "dynalite-stop"));
            dynamo.awaitListening();
            dynamo.createTable(table);
            return dynamo;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dynalite (Node 20+ must be on the PATH)", e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitListening() {
        CompletableFuture<Void> listening = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("listening")) {
                        listening.complete(null);
                    } else if (!listening.isDone() && output.length() < 2000) {
                        output.append(line).append('\n');
                    }
                }
                listening.completeExceptionally(new IllegalStateException("dynalite ended before listening: " + output));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "dynalite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("dynalite did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The ledger's table as template.yaml defines it: string keys pk (partition) and sk (sort). */
    private void createTable(String table) {
        String body = """
                {"TableName":"%s","BillingMode":"PAY_PER_REQUEST",
                 "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],
                 "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}
                """.formatted(table);
        HttpRequest request = HttpRequest.newBuilder(url())
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.CreateTable")
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-3/dynamodb/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=local")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("dynalite refused to create table " + table + ": " + reply.body());
            }
            // dynalite creates tables after a short delay, like DynamoDB
            for (int i = 0; i < 100 && !active(table); i++) {
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean active(String table) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url())
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-3/dynamodb/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=local")
                .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"" + table + "\"}")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body().contains("\"ACTIVE\"");
    }

    /** The directory with the project's package-lock.json: the working directory or one above it. */
    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path at = dir; at != null; at = at.getParent()) {
            if (Files.exists(at.resolve("package-lock.json")) && Files.exists(at.resolve("package.json"))) {
                return at;
            }
        }
        throw new IllegalStateException("no package-lock.json in " + dir + " or above: cannot install dynalite");
    }

    private static void run(Path dir, List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ":\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " (Node 20+ and npm must be on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
