package io.domainautomation.scalingo;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The one entry point to the Scalingo API for every function: bearer handling, the client-side rate budget,
 * retries of transient failures (exponential backoff with jitter, {@code Retry-After} honoured, bounded in
 * attempts and total time) and error translation into {@link ScalingoException}.
 */
@ApplicationScoped
public class ScalingoClient {

    /**
     * Not ThreadLocalRandom: its seed would be in a SnapStart snapshot, so every container restored from it would
     * draw the same delays and retry in step. SecureRandom draws from the system after a restore.
     */
    private static final SecureRandom JITTER = new SecureRandom();

    private static final Logger LOG = Logger.getLogger(ScalingoClient.class);

    private final AppsApi apps;
    private final DomainsApi domains;
    private final BearerTokens bearer;
    private final RequestPacer pacer;
    private final ScalingoConfig.Retry retry;

    ScalingoClient(@RestClient AppsApi apps, @RestClient DomainsApi domains, BearerTokens bearer, RequestPacer pacer,
            ScalingoConfig config) {
        this.apps = apps;
        this.domains = domains;
        this.bearer = bearer;
        this.pacer = pacer;
        this.retry = config.retry();
    }

    /** Every app the token sees, following {@code meta.pagination} when the API paginates. */
    public List<App> listApps() {
        List<App> all = new ArrayList<>();
        Integer page = null;
        do {
            Integer requested = page;
            Envelopes.AppList reply = call("list apps", attempt -> send(auth -> apps.list(auth, requested)));
            if (reply.apps() != null) {
                all.addAll(reply.apps());
            }
            Envelopes.Pagination pagination = reply.meta() == null ? null : reply.meta().pagination();
            page = pagination == null ? null : pagination.nextPage();
        } while (page != null);
        return all;
    }

    public App getApp(String app) {
        return call("show app", attempt -> send(auth -> apps.show(auth, app))).app();
    }

    public List<Domain> listDomains(String app) {
        return call("list domains", attempt -> listOnce(app));
    }

    private List<Domain> listOnce(String app) {
        Envelopes.DomainList reply = send(auth -> domains.list(auth, app));
        return reply.domains() == null ? List.of() : reply.domains();
    }

    public Domain getDomain(String app, String domainId) {
        return call("show domain", attempt -> send(auth -> domains.show(auth, app, domainId))).domain();
    }

    /**
     * Links a domain. A POST whose reply was lost may have been applied, so before any retry the app's domains are
     * listed and an existing domain of that name is returned instead of linking it twice.
     */
    public Domain linkDomain(String app, DomainChanges link) {
        return call("link domain", attempt -> {
            if (attempt > 1) {
                Optional<Domain> existing = listOnce(app).stream()
                        .filter(d -> link.name().equalsIgnoreCase(d.name())).findFirst();
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            return send(auth -> domains.link(auth, app, new Envelopes.DomainWrite(link))).domain();
        });
    }

    public Domain updateDomain(String app, String domainId, DomainChanges changes) {
        return call("update domain",
                attempt -> send(auth -> domains.update(auth, app, domainId, new Envelopes.DomainWrite(changes)))).domain();
    }

    /** Unlinks a domain; a 404 is reported as a {@link ScalingoException} for the caller to judge. */
    public void unlinkDomain(String app, String domainId) {
        call("unlink domain", attempt -> {
            send(auth -> {
                domains.unlink(auth, app, domainId);
                return Boolean.TRUE;
            });
            return Boolean.TRUE;
        });
    }

    /** One paced request with the current bearer; a 401 gets one fresh exchange and one more try. */
    private <T> T send(Function<String, T> request) {
        String authorization = bearer.authorization();
        pacer.acquire();
        try {
            return request.apply(authorization);
        } catch (RuntimeException first) {
            ScalingoException error = translate(null, first);
            if (!error.isUnauthorized()) {
                throw error;
            }
            bearer.reject(authorization);
            String renewed = bearer.authorization();
            pacer.acquire();
            try {
                return request.apply(renewed);
            } catch (RuntimeException second) {
                throw translate(null, second);
            }
        }
    }

    private <T> T call(String operation, IntFunction<T> attemptNumbered) {
        AtomicInteger attempts = new AtomicInteger();
        long deadline = System.nanoTime() + retry.maxTotal().toNanos();
        return Uni.createFrom().item(() -> {
            try {
                return attemptNumbered.apply(attempts.incrementAndGet());
            } catch (RuntimeException e) {
                throw translate(operation, e);
            }
        })
                .onFailure(ScalingoClient::isTransient).retry().when(failures -> failures.onItem()
                        .transformToUniAndConcatenate(failure -> pauseOrGiveUp(operation, (ScalingoException) failure,
                                attempts.get(), deadline)))
                .await().indefinitely();
    }

    private Uni<Long> pauseOrGiveUp(String operation, ScalingoException failure, int attemptsMade, long deadline) {
        Duration pause = backoff(failure, attemptsMade);
        boolean outOfTime = System.nanoTime() + pause.toNanos() > deadline;
        if (attemptsMade >= retry.maxAttempts() || outOfTime) {
            LOG.warnf("Scalingo %s: giving up after %d attempts: %s", operation, attemptsMade, failure.getMessage());
            return Uni.createFrom().failure(failure);
        }
        LOG.debugf("Scalingo %s: attempt %d failed (%s), retrying in %d ms", operation, attemptsMade,
                failure.getMessage(), pause.toMillis());
        // Mutiny refuses a zero delay, and "Retry-After: 0" means at once.
        return Uni.createFrom().item((long) attemptsMade).onItem().delayIt().by(pause.isZero() ? Duration.ofMillis(1) : pause);
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

    private static boolean isTransient(Throwable failure) {
        return failure instanceof ScalingoException e && e.isTransient();
    }

    /** Maps whatever the REST client threw to a {@link ScalingoException}. */
    static ScalingoException translate(String operation, Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ScalingoException e) {
                return operation == null ? e : e.during(operation);
            }
        }
        if (thrown instanceof WebApplicationException web && web.getResponse() != null) {
            return new ScalingoErrorMapper().toThrowable(web.getResponse()).during(operation == null ? "call" : operation);
        }
        // No usable reply: connection refused or reset, timeout, or a body cut short (ProcessingException).
        return ScalingoException.transport(operation, rootCause(thrown));
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
