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

import io.domainautomation.logic.port.ScalingoException;

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
    private final Clock clock = Clock.systemUTC();
    private Bearer current;

    BearerTokens(@RestClient AuthApi auth, ApiTokenSource apiToken, ScalingoConfig config, ObjectMapper json,
            ScalingoErrorMapper errors) {
        this.auth = auth;
        this.apiToken = apiToken;
        this.refreshBefore = config.bearerRefreshBefore();
        this.json = json;
        this.errors = errors;
    }

    /** The {@code Authorization} header value for the regional API. */
    public synchronized String authorization() {
        Instant now = clock.instant();
        if (current == null || !now.plus(refreshBefore).isBefore(current.expiresAt())) {
            current = exchange(now);
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
    private Bearer exchange(Instant now) {
        try {
            return exchange(token(), now);
        } catch (ScalingoException refused) {
            if (refused.status() == 401 && apiToken.reloadAfterRefusal()) {
                return exchange(token(), now);
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

    private Bearer exchange(String token, Instant now) {
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
