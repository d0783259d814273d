package io.domainautomation.sandbox;

import java.time.Duration;

/**
 * The sandbox as its own process, for benchmarks and for running the packaged artifact locally:
 * {@code java -cp ... io.domainautomation.sandbox.SandboxMain [port] [seed-resource]}.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        SandboxState state = new SandboxState();
        state.rateLimit(Integer.getInteger("sandbox.rate-limit-requests", 60),
                Duration.ofMillis(Long.getLong("sandbox.rate-limit-period-millis", 60_000)));
        if (args.length > 1) {
            SandboxSeed.load(state, args[1]);
        }
        String token = System.getenv("SCALINGO_API_TOKEN");
        if (token != null && !token.isBlank()) {
            state.addApiToken(token.trim());
        }
        SandboxServer server = SandboxServer.start(state, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
