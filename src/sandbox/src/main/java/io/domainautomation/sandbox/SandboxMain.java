package io.domainautomation.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The sandbox as its own process, for benchmarks and for running the packaged functions locally:
 * {@code java -jar target/scalingo-sandbox.jar --port 8090 --seed FILE}. API tokens come from the seed's
 * {@code apiTokens} or from {@code SCALINGO_API_TOKEN}. {@code --rate-limit N/SECONDS} changes Scalingo's per-user
 * limit (default 60/60).
 */
public final class SandboxMain {

    static final String USAGE = "usage: java -jar scalingo-sandbox.jar [--port 8090] [--seed FILE] [--rate-limit 60/60]";

    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8090;
        Path seed = null;
        int requests = 60;
        Duration period = Duration.ofSeconds(60);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--seed" -> seed = Path.of(required(args[i], value));
                case "--rate-limit" -> {
                    String[] parts = required(args[i], value).split("/");
                    requests = Integer.parseInt(parts[0]);
                    period = Duration.ofSeconds(parts.length > 1 ? Long.parseLong(parts[1]) : 60);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
            i++;
        }
        SandboxState state = new SandboxState();
        state.rateLimit(requests, period);
        if (seed != null) {
            if (!Files.isReadable(seed)) {
                throw new IllegalArgumentException("seed file " + seed + " cannot be read\n" + USAGE);
            }
            SandboxSeed.load(state, seed);
        }
        String token = System.getenv("SCALINGO_API_TOKEN");
        if (token != null && !token.isBlank()) {
            state.addApiToken(token.trim());
        }
        SandboxServer server = SandboxServer.start(state, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return value;
    }
}
