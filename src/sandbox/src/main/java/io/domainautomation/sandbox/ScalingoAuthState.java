package io.domainautomation.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call Scalingo's API: the API tokens its auth host knows, the bearers it exchanged them for, and the per-user
 * rate limit of the regional API (a sliding window of the sandbox's one user's requests). Bearers are checked without
 * this object's monitor; tokens and the rate window hold it.
 */
final class ScalingoAuthState {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Set<String> apiTokens = new HashSet<>();
    private final Map<String, Instant> bearers = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> rateWindows = new HashMap<>();
    private Duration bearerLifetime = Duration.ofHours(1);
    private int rateLimitRequests = 60;
    private Duration rateLimitPeriod = Duration.ofMinutes(1);
    private boolean rateLimitEnabled = true;

    ScalingoAuthState(Clock clock) {
        this.clock = clock;
    }

    /** Forgets every API token, bearer and rate window; the bearer lifetime and the rate limit stay. */
    synchronized void reset() {
        apiTokens.clear();
        bearers.clear();
        rateWindows.clear();
    }

    // --- configuration -------------------------------------------------------------------------------------------

    synchronized void addApiToken(String token) {
        apiTokens.add(token);
    }

    /** As a user revoking a token on the dashboard: exchanges with it fail with 401 from now on. */
    synchronized void revokeApiToken(String token) {
        apiTokens.remove(token);
    }

    synchronized void bearerLifetime(Duration lifetime) {
        bearerLifetime = lifetime;
    }

    synchronized void rateLimit(int requests, Duration period) {
        rateLimitRequests = requests;
        rateLimitPeriod = period;
        rateLimitEnabled = requests > 0;
        rateWindows.clear();
    }

    // --- tokens and bearers --------------------------------------------------------------------------------------

    synchronized boolean knowsApiToken(String token) {
        return apiTokens.contains(token);
    }

    String issueBearer() {
        Instant issued = clock.instant();
        Instant expires = issued.plus(bearerLifetime);
        String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String claims = base64Url("{\"iss\":\"sandbox\",\"sub\":\"sandbox-user\",\"iat\":" + issued.getEpochSecond()
                + ",\"exp\":" + expires.getEpochSecond() + ",\"jti\":\"" + SandboxState.newId() + "\"}");
        byte[] signature = new byte[32];
        RANDOM.nextBytes(signature);
        String jwt = header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        bearers.put(jwt, expires);
        return jwt;
    }

    boolean bearerValid(String jwt) {
        Instant expires = bearers.get(jwt);
        return expires != null && clock.instant().isBefore(expires);
    }

    /** Every bearer issued since the last reset, so tests can look for them in logs. */
    Set<String> issuedBearers() {
        return Set.copyOf(bearers.keySet());
    }

    /** Makes every issued bearer expired, as if an hour had passed. */
    void expireAllBearers() {
        bearers.replaceAll((jwt, expiry) -> Instant.EPOCH);
    }

    // --- rate limit ----------------------------------------------------------------------------------------------

    /** Sliding window per user: true when this request fits in the budget (and is then counted). */
    synchronized boolean admit() {
        if (!rateLimitEnabled) {
            return true;
        }
        long nowNanos = System.nanoTime();
        // Scalingo limits per user; every bearer of the sandbox belongs to its one user.
        Deque<Long> window = rateWindows.computeIfAbsent("sandbox-user", k -> new ArrayDeque<>());
        while (!window.isEmpty() && nowNanos - window.peekFirst() >= rateLimitPeriod.toNanos()) {
            window.pollFirst();
        }
        if (window.size() >= rateLimitRequests) {
            return false;
        }
        window.addLast(nowNanos);
        return true;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
