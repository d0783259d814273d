package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.runtime.StartupEvent;

/**
 * Starts the sandbox inside the application wherever this module is on the class path: dev mode and tests, where
 * it is a {@code provided} dependency; and, when configured, a local DynamoDB for the cleanup ledger. The deployed
 * artifact contains neither.
 */
@ApplicationScoped
public class EmbeddedSandbox {

    private final SandboxState state = new SandboxState();
    private SandboxServer server;
    private LocalDynamo dynamo;

    void start(@Observes StartupEvent startup, SandboxConfig config) {
        config.apiTokens().ifPresent(tokens -> tokens.forEach(state::addApiToken));
        state.bearerLifetime(config.bearerLifetime());
        state.rateLimit(config.rateLimitRequests(), config.rateLimitPeriod());
        config.seed().ifPresent(seed -> SandboxSeed.load(state, seed));
        try {
            server = SandboxServer.start(state, config.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Scalingo sandbox on port " + config.port(), e);
        }
        config.dynamodbPort().ifPresent(port -> dynamo = LocalDynamo.start(port, config.dynamodbTable()));
    }

    @Produces
    @Singleton
    SandboxState state() {
        return state;
    }

    @PreDestroy
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
