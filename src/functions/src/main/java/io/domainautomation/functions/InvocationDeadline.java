package io.domainautomation.functions;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.domainautomation.logic.port.Deadline;

/**
 * When the current invocation must have answered: the Lambda context's remaining time at its start, less
 * {@code invocation.deadline-margin} to answer and log; outside Lambda's runtime (dev mode, the local gateway,
 * tests), {@code invocation.local-timeout} from now.
 */
@ApplicationScoped
public class InvocationDeadline {

    private final Duration margin;
    private final Duration localTimeout;

    InvocationDeadline(@ConfigProperty(name = "invocation.deadline-margin", defaultValue = "1s") Duration margin,
            @ConfigProperty(name = "invocation.local-timeout", defaultValue = "25s") Duration localTimeout) {
        this.margin = margin;
        this.localTimeout = localTimeout;
    }

    /**
     * The current invocation's id: Lambda's request id, which Lambda's own retries of an invocation keep; outside
     * Lambda's runtime, a new one each time it is asked (ask once per invocation).
     */
    public String invocationId() {
        LambdaHandler.Invocation invocation = LambdaHandler.current();
        return invocation == null || invocation.requestId() == null ? java.util.UUID.randomUUID().toString()
                : invocation.requestId();
    }

    public Deadline current() {
        LambdaHandler.Invocation invocation = LambdaHandler.current();
        if (invocation == null) {
            return Deadline.after(localTimeout.minus(margin));
        }
        long remaining = Duration.ofMillis(invocation.remainingMillis()).minus(margin).toNanos();
        return new Deadline(invocation.startedNanos() + Math.max(0, remaining));
    }
}
