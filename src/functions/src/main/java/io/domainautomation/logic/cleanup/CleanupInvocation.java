package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.ContinuationSender;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Ticker;

/**
 * One invocation of cleanup-stale, whatever it was asked: a scan's step (started, taken over or continued) and, when
 * the scan is not done, the rest handed to a new invocation; or a restore. What cleanup-stale's function class
 * renders, logs and counts; what the simulation drives.
 */
@ApplicationScoped
public class CleanupInvocation {

    /** What one invocation did. */
    public sealed interface Result permits Scanned, Busy, Restored {
    }

    /**
     * A step of a scan: the state saved, the events published and those left in its outbox, where the rest was
     * handed ({@code continuation}: the payload, and the function it was sent to, if any), or why it waits.
     */
    public record Scanned(ScanState state, List<DomainEvent> published, List<DomainEvent> unpublished,
            Optional<String> continuation, Optional<String> handedTo, Optional<String> paused, boolean overdue)
            implements Result {
    }

    /** Another scan runs and an invocation holds it: nothing was done. */
    public record Busy(String runningScan) implements Result {
    }

    public record Restored(CleanupRuns.Restored restored) implements Result {
    }

    private final CleanupRuns runs;
    private final ContinuationSender continuation;
    private final CleanupConfig config;
    private final Clock clock;
    private final Ticker ticker;

    public CleanupInvocation(CleanupRuns runs, ContinuationSender continuation, CleanupConfig config, Clock clock,
            Ticker ticker) {
        this.runs = runs;
        this.continuation = continuation;
        this.config = config;
        this.clock = clock;
        this.ticker = ticker;
    }

    /**
     * @throws InvalidInput a continuation that is not the running scan's next step, or a restore without tombstone
     * @throws CleanupRuns.NotRestorable a restore of a name another app holds now
     */
    public Result handle(CleanupRequest request, Deadline deadline) throws InvalidInput, CleanupRuns.NotRestorable {
        return handle(request, UUID.randomUUID().toString(), deadline);
    }

    /**
     * @param invocationId this invocation's id, the same for Lambda's retries of it (its request id): the holder of
     *            the scan's lease it takes
     */
    public Result handle(CleanupRequest request, String invocationId, Deadline deadline) throws InvalidInput,
            CleanupRuns.NotRestorable {
        if (request instanceof CleanupRequest.Restore restore) {
            return new Restored(runs.restore(restore.app(), restore.domain(), deadline));
        }
        CleanupRuns.Outcome outcome = request instanceof CleanupRequest.Resume resume
                ? runs.resume(resume.scanId(), resume.step(), resume.dryRunAsked(), lease(invocationId, deadline), deadline)
                : runs.start(((CleanupRequest.Start) request).dryRunAsked(), lease(invocationId, deadline), deadline);
        if (outcome.busyWith().isPresent()) {
            return new Busy(outcome.busyWith().get());
        }
        ScanState state = outcome.state().orElseThrow();
        Optional<String> next = Optional.empty();
        Optional<String> handedTo = Optional.empty();
        boolean more = !state.done() || !state.outbox().isEmpty();
        if (more && outcome.paused().isEmpty()) {
            next = Optional.of("{\"scanId\":\"" + state.scanId() + "\",\"step\":" + state.step() + "}");
            handedTo = continuation.handOff(config.continuationFunction(), next.get());
        }
        boolean overdue = !state.done() && Instant.parse(state.startedAt()).plus(config.scanPeriod()).isBefore(clock.instant());
        return new Scanned(state, outcome.published(), outcome.unpublished(), next, handedTo, outcome.paused(), overdue);
    }

    /** The invocation may work on the scan until Lambda ends it; after that, another may take it up. */
    private Lease lease(String invocationId, Deadline deadline) {
        return new Lease(invocationId, deadline.isNone() ? Duration.ofMinutes(15)
                : Duration.ofNanos(Math.max(0, deadline.nanoTime() - ticker.nanoTime())).plusSeconds(5));
    }
}
