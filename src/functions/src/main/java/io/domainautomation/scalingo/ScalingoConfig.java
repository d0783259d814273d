package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the Scalingo client. Environment variables follow Scalingo's own tools: {@code SCALINGO_API_URL},
 * {@code SCALINGO_AUTH_URL}, {@code SCALINGO_API_TOKEN}; deployed, {@code SCALINGO_API_TOKEN_SECRET_ID} names the
 * Secrets Manager secret holding the token instead.
 */
@ConfigMapping(prefix = "scalingo")
public interface ScalingoConfig {

    /** The regional API, e.g. {@code https://api.osc-secnum-fr1.scalingo.com}; read by the REST client. */
    @WithDefault("https://api.osc-fr1.scalingo.com")
    String apiUrl();

    @WithDefault("https://auth.scalingo.com")
    String authUrl();

    /** The API token itself; for local runs only. */
    Optional<String> apiToken();

    /** ARN or name of the Secrets Manager secret whose SecretString is the API token (or JSON with {@code token}). */
    Optional<String> apiTokenSecretId();

    /** Exchange the bearer again when fewer than this is left before its {@code exp}. */
    @WithDefault("5m")
    Duration bearerRefreshBefore();

    RateLimit rateLimit();

    Retry retry();

    Budget budget();

    /**
     * The account's shared rate budget ({@code SCALINGO_BUDGET_*}): one for every function and container using the
     * same Scalingo user, kept in the ledger's table; off, each container keeps to its static share
     * ({@code SCALINGO_RATE_LIMIT_REQUESTS}), which is also what it falls back to when the store cannot be reached.
     */
    interface Budget {
        @WithDefault("false")
        boolean shared();

        /** Names the Scalingo user whose budget it is: every stack using that user must name it the same. */
        @WithDefault("scalingo-account")
        String account();

        /** Scalingo's limit for the user, per {@code rate-limit.period}. */
        @WithDefault("60")
        int limit();

        /** Kept free for the people using the same account (CLI, dashboard). */
        @WithDefault("0.10")
        double peopleShare();

        /** Requests outside the shared budget (domain-status's static share, 2 containers x 2): left to it. */
        @WithDefault("4")
        int reservedOutside();

        /**
         * The most slots a container takes at once (two for each caller waiting: a list, then a change; background work
         * 3, or 5 while signups and people hold fewer slots than the headroom: BudgetPolicy.pacedBatch). One store write
         * serves them all.
         */
        @WithDefault("6")
        int batch();

        /** How long a granted slot waits for its request. */
        @WithDefault("2s")
        Duration validity();

        /**
         * The most slots background work (cleanup-stale, the rotation) leaves free while signups or people are at work:
         * lower lets the scan use more of the account, higher serves a burst of signups sooner (docs/rate-budget.md).
         */
        @WithDefault("8")
        int headroom();
    }

    interface RateLimit {
        /** Requests allowed per period, for this process; Scalingo allows 60 per minute per user. */
        @WithDefault("60")
        int requests();

        @WithDefault("60s")
        Duration period();

        /** Added to the period when spacing requests, against network jitter; 1s in 60s costs 1.6 % of the rate. */
        @WithDefault("1s")
        Duration guard();

        /**
         * The part of its budget a new or restored process may spend at once; the rest frees one period later. Keeps
         * many containers starting together from spending the account's limit in one burst.
         */
        @WithDefault("0.5")
        double initialShare();
    }

    interface Retry {
        /** Attempts in all, the first one included. */
        @WithDefault("6")
        int maxAttempts();

        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("8s")
        Duration maxBackoff();

        /** No retry is started once this much time has passed since the first attempt (nor past the invocation's deadline). */
        @WithDefault("45s")
        Duration maxTotal();
    }
}
