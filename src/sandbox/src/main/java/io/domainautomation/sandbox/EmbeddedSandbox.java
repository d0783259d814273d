package io.domainautomation.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

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
        config.dynamodbPort().ifPresent(port -> {
            dynamo = LocalDynamo.start(port, config.dynamodbTable());
            state.dynamoUpstream(dynamo.url());
        });
        config.dnsPort().ifPresent(port -> {
            try {
                state.dns(new SandboxDns(port));
            } catch (java.net.SocketException e) {
                throw new UncheckedIOException("cannot start the sandbox's DNS server on UDP port " + port, e);
            }
        });
        config.iam().template().ifPresent(template -> state.enforceIam(policies(template, config.iam())));
    }

    /** The template's policies for the configured stack: its name, parameters and the physical names it leaves open. */
    static TemplateIam policies(String template, SandboxConfig.Iam iam) {
        StackBinding stack = StackBinding.of(iam.stackName());
        for (String parameter : iam.parameters().orElse(List.of())) {
            String[] pair = pair(parameter, "sandbox.iam.parameters");
            stack = stack.parameter(pair[0], pair[1]);
        }
        for (String physical : iam.physicalNames().orElse(List.of())) {
            String[] pair = pair(physical, "sandbox.iam.physical-names");
            stack = stack.physicalName(pair[0], pair[1]);
        }
        Path file = LocalDynamo.projectRoot().resolve(template);
        try {
            return TemplateIam.read(file, stack);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (sandbox.iam.template)", e);
        }
    }

    private static String[] pair(String entry, String property) {
        int equals = entry.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException(property + ": \"" + entry + "\" is not Name=value");
        }
        return new String[] {entry.substring(0, equals).trim(), entry.substring(equals + 1).trim()};
    }

    @Produces
    @Singleton
    SandboxState state() {
        return state;
    }

    @PreDestroy
    void stop() {
        state.dns().ifPresent(SandboxDns::close);
        if (server != null) {
            server.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
