package io.domainautomation.scalingo;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * The one entry point to the Scalingo API for every function: bearer handling, the client-side rate budget,
 * retries of transient failures (exponential backoff with jitter, {@code Retry-After} honoured, bounded in
 * attempts and total time) and error translation into {@link ScalingoException}.
 */
@ApplicationScoped
public class ScalingoClient implements AppsService, DomainsService {

    /**
     * Not ThreadLocalRandom: its seed would be in a SnapStart snapshot, so every container restored from it would
     * draw the same delays and retry in step. SecureRandom draws from the system after a restore.
     */
    private static final SecureRandom JITTER = new SecureRandom();

    private static final Logger LOG = Logger.getLogger(ScalingoClient.class);

    private final AppsApi apps;
    private final DomainsApi domains;
    private final BearerTokens bearer;
    private final RequestGate pacer;
    private final ScalingoErrorMapper errors;
    private final ScalingoConfig.Retry retry;
    private final Duration oneRequest;

    ScalingoClient(@RestClient AppsApi apps, @RestClient DomainsApi domains, BearerTokens bearer, RequestGate pacer,
            ScalingoErrorMapper errors, ScalingoConfig config, RequestTimeouts timeouts) {
        this.apps = apps;
        this.domains = domains;
        this.bearer = bearer;
        this.pacer = pacer;
        this.errors = errors;
        this.retry = config.retry();
        this.oneRequest = timeouts.apiRequest();
    }

    @Override
    public Duration longestRequest() {
        return oneRequest;
    }

    /** Every app the token sees, following {@code meta.pagination} when the API paginates. */
    @Override
    public List<App> listApps(Deadline deadline) {
        List<App> all = new ArrayList<>();
        Integer page = null;
        do {
            Integer requested = page;
            Envelopes.AppList reply = call("list apps", deadline, 1, attempt -> send("list apps", deadline,
                    auth -> apps.list(auth, requested)));
            if (reply.apps() != null) {
                all.addAll(reply.apps());
            }
            Envelopes.Pagination pagination = reply.meta() == null ? null : reply.meta().pagination();
            page = pagination == null ? null : pagination.nextPage();
        } while (page != null);
        return all;
    }

    @Override
    public App getApp(String app, Deadline deadline) {
        return call("show app", deadline, 1, attempt -> send("show app", deadline, auth -> apps.show(auth, app))).app();
    }

    @Override
    public List<Domain> listDomains(String app, Deadline deadline) {
        return call("list domains", deadline, 1, attempt -> listOnce(app, deadline));
    }

    private List<Domain> listOnce(String app, Deadline deadline) {
        Envelopes.DomainList reply = send("list domains", deadline, auth -> domains.list(auth, app));
        return reply.domains() == null ? List.of() : reply.domains();
    }

    /**
     * Links a domain. A POST whose reply was lost may have been applied, so before any retry the app's domains are
     * listed and an existing domain of that name is returned instead of linking it twice.
     */
    @Override
    public Domain linkDomain(String app, DomainChanges link, Deadline deadline) {
        // a retry lists the domains before it POSTs again: two requests
        return call("link domain", deadline, 2, attempt -> {
            if (attempt > 1) {
                Optional<Domain> existing = Domain.named(listOnce(app, deadline), link.name());
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            return send("link domain", deadline, auth -> domains.link(auth, app, new Envelopes.DomainWrite(link))).domain();
        });
    }

    @Override
    public Domain updateDomain(String app, String domainId, DomainChanges changes, Deadline deadline) {
        return call("update domain", deadline, 1, attempt -> send("update domain", deadline,
                auth -> domains.update(auth, app, domainId, new Envelopes.DomainWrite(changes)))).domain();
    }

    /** Unlinks a domain; a 404 is reported as a {@link ScalingoException} for the caller to judge. */
    @Override
    public void unlinkDomain(String app, String domainId, Deadline deadline) {
        call("unlink domain", deadline, 1, attempt -> send("unlink domain", deadline, auth -> {
            domains.unlink(auth, app, domainId);
            return Boolean.TRUE;
        }));
    }

    /**
     * One paced request with the current bearer; a 401 gets one fresh exchange and one more try. Each request (and
     * each exchange) is sent only if it ends by the deadline at its longest: nothing cuts a request short once sent.
     */
    private <T> T send(String operation, Deadline deadline, Function<String, T> request) {
        Deadline latestStart = deadline.less(oneRequest);
        if (!latestStart.allows(Duration.ZERO, Ticker.SYSTEM)) {
            throw ScalingoException.tooLittleTime(operation, oneRequest);
        }
        String authorization = bearer.authorization(latestStart);
        pacer.acquire(latestStart, operation);
        try {
            return request.apply(authorization);
        } catch (RuntimeException first) {
            ScalingoException error = errors.translate(null, first);
            if (!error.isUnauthorized()) {
                throw error;
            }
            bearer.reject(authorization);
            String renewed = bearer.authorization(latestStart);
            pacer.acquire(latestStart, operation);
            try {
                return request.apply(renewed);
            } catch (RuntimeException second) {
                throw errors.translate(null, second);
            }
        }
    }

    /**
     * Runs one operation: transient failures are tried again after a pause, until {@code retry.max-attempts}, or
     * until the next pause would end past {@code retry.max-total}, or too late for the attempt's {@code requests}
     * to end by the invocation's deadline at their longest; permanent failures, configuration errors and a deadline
     * that came at once.
     */
    private <T> T call(String operation, Deadline deadline, int requests, IntFunction<T> attemptNumbered) {
        long retryUntil = Math.min(System.nanoTime() + retry.maxTotal().toNanos(),
                deadline.less(oneRequest.multipliedBy(requests)).nanoTime());
        ScalingoException earlier = null;
        for (int attempt = 1;; attempt++) {
            ScalingoException failure;
            try {
                return attemptNumbered.apply(attempt);
            } catch (RuntimeException e) {
                failure = errors.translate(operation, e);
            }
            if (failure.isNotInTime() && earlier != null) {
                // a retry that could not be sent in time (a token exchange or the rate budget's slot came in between)
                // says nothing of the attempt before it, whose reply may have been lost after the change was made:
                // that failure is the answer, not "not sent"
                LOG.warnf("Scalingo %s: retry not sent (%s); the earlier attempt's failure stands: %s", operation,
                        failure.getMessage(), earlier.getMessage());
                throw earlier;
            }
            if (failure.isRateLimited()) {
                // someone spent the account's requests: every container's budget shrinks (the shared one), not only ours
                pacer.rateLimited(failure.retryAfter().orElse(Duration.ZERO), deadline);
            }
            if (!failure.isTransient() || failure.isNotInTime()) {
                throw failure;
            }
            earlier = failure;
            Duration pause = backoff(failure, attempt);
            if (attempt >= retry.maxAttempts() || System.nanoTime() + pause.toNanos() > retryUntil) {
                LOG.warnf("Scalingo %s: giving up after %d attempts: %s", operation, attempt, failure.getMessage());
                throw failure;
            }
            LOG.debugf("Scalingo %s: attempt %d failed (%s), retrying in %d ms", operation, attempt,
                    failure.getMessage(), pause.toMillis());
            sleep(pause);
        }
    }

    private static void sleep(Duration pause) {
        try {
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ScalingoException.transport("retry pause", e);
        }
    }

    /** Full-jitter exponential backoff, or the server's {@code Retry-After} when it sends one. */
    Duration backoff(ScalingoException failure, int attemptsMade) {
        if (failure.retryAfter().isPresent()) {
            return failure.retryAfter().get();
        }
        long ceiling = Math.min(retry.maxBackoff().toMillis(),
                retry.initialBackoff().toMillis() << Math.min(attemptsMade - 1, 20));
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + JITTER.nextLong(ceiling - floor + 1));
    }
}
