package io.domainautomation.scalingo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;

/**
 * Exchanges the API token for a bearer JWT and caches it until fewer than {@code scalingo.bearer-refresh-before}
 * are left before its {@code exp} claim (read, not verified, like Scalingo's own clients). Concurrent callers
 * share one exchange.
 */
@ApplicationScoped
public class BearerTokens {

    /** Used when a bearer carries no readable {@code exp}: Scalingo bearers live one hour. */
    static final Duration ASSUMED_LIFETIME = Duration.ofHours(1);

    private final AuthApi auth;
    private final ApiTokenSource apiToken;
    private final Duration refreshBefore;
    private final ObjectMapper json;
    private final ScalingoErrorMapper errors;
    private final Duration longestExchange;
    private final Clock clock = Clock.systemUTC();
    private Bearer current;

    BearerTokens(@RestClient AuthApi auth, ApiTokenSource apiToken, ScalingoConfig config, ObjectMapper json,
            ScalingoErrorMapper errors, RequestTimeouts timeouts) {
        this.auth = auth;
        this.apiToken = apiToken;
        this.refreshBefore = config.bearerRefreshBefore();
        this.json = json;
        this.errors = errors;
        this.longestExchange = timeouts.exchange();
    }

    /** The {@code Authorization} header value for the regional API, with no deadline (priming, tests). */
    public String authorization() {
        return authorization(Deadline.none());
    }

    /**
     * The {@code Authorization} header value for the regional API. An exchange, when one is needed, is started only
     * if it ends by {@code latest} at its longest (the auth service's connect and read timeouts); otherwise nothing is
     * sent and the failure says it was not in time.
     */
    public synchronized String authorization(Deadline latest) {
        Instant now = clock.instant();
        if (current == null || !now.plus(refreshBefore).isBefore(current.expiresAt())) {
            current = exchange(now, latest);
        }
        return current.authorization();
    }

    /** Forgets a bearer the API refused, so the next call exchanges again; a newer bearer is kept. */
    public synchronized void reject(String authorization) {
        if (current != null && current.authorization().equals(authorization)) {
            current = null;
        }
    }

    /** A token rotated in its secret is picked up here: the old one is refused, the secret is read again, once. */
    private Bearer exchange(Instant now, Deadline latest) {
        try {
            return exchange(token(), now, latest);
        } catch (ScalingoException refused) {
            if (refused.status() == 401 && apiToken.reloadAfterRefusal()) {
                return exchange(token(), now, latest);
            }
            throw refused;
        }
    }

    /** A token that cannot be had is a configuration error: retrying within the invocation cannot help. */
    private String token() {
        try {
            return apiToken.apiToken();
        } catch (IllegalStateException unusable) {
            throw ScalingoException.configuration("read the API token", unusable.getMessage());
        }
    }

    private Bearer exchange(String token, Instant now, Deadline latest) {
        if (!latest.allows(longestExchange, Ticker.SYSTEM)) {
            throw ScalingoException.tooLittleTime("token exchange", longestExchange);
        }
        String basic = "Basic " + Base64.getEncoder()
                .encodeToString((":" + token).getBytes(StandardCharsets.UTF_8));
        String jwt;
        try {
            jwt = auth.exchange(basic).token();
        } catch (ScalingoException e) {
            throw e.during("token exchange");
        } catch (RuntimeException e) {
            throw errors.translate("token exchange", e);
        }
        if (jwt == null || jwt.isBlank()) {
            throw ScalingoException.malformedReply("token exchange", "reply without a token");
        }
        return new Bearer("Bearer " + jwt, expiry(jwt, now));
    }

    private Instant expiry(String jwt, Instant now) {
        String[] parts = jwt.split("\\.");
        if (parts.length >= 2) {
            try {
                JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
                if (claims.path("exp").canConvertToLong()) {
                    return Instant.ofEpochSecond(claims.get("exp").asLong());
                }
            } catch (IllegalArgumentException | java.io.IOException unreadable) {
                // fall through to the documented lifetime
            }
        }
        return now.plus(ASSUMED_LIFETIME);
    }

    private record Bearer(String authorization, Instant expiresAt) {
        @Override
        public String toString() {
            return "Bearer[expiresAt=" + expiresAt + "]";
        }
    }
}
