package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of cleanup-stale; every guard is on by default. */
@ConfigMapping(prefix = "cleanup")
public interface CleanupConfig {

    /**
     * Removes nothing unless this is false. Read at every invocation: switched on during a scan, it stops the scan's
     * removals. An invocation may ask for a dry run, never for the opposite.
     */
    @WithDefault("true")
    boolean dryRun();

    /** No rule applies to a domain younger than this. */
    @WithDefault("14d")
    Duration gracePeriod();

    /**
     * A domain is removed only when seen stale, for the same reasons, on at least two scans this far apart (and
     * still at the look right before the removal).
     */
    @WithDefault("7d")
    Duration confirmAfter();

    /**
     * A Let's Encrypt certificate awaited longer than this ({@code pending_dns}, {@code dns_required}, {@code error})
     * is announced stuck ({@code Domain Validation Stuck}), once per status.
     */
    @WithDefault("24h")
    Duration validationStuckAfter();

    /**
     * A scan nobody worked on for this long no longer holds its place: its claim is renewed at every step, so a scan
     * that progresses keeps it however many days it takes, and the next start goes on with an expired one where it
     * stopped.
     */
    @WithDefault("24h")
    Duration scanExpiry();

    /**
     * How long a scan should take at most: one still running this long after it started is reported overdue (the
     * {@code ScanOverdue} metric and its alarm, {@code overdue} in the report), so a scan that cannot finish in its
     * period is seen. The schedule's period.
     */
    @WithDefault("24h")
    Duration scanPeriod();

    /** Domains never removed: globs where {@code *} matches anything, e.g. {@code *.internal.example,www.*}. */
    Optional<List<String>> protectedPatterns();

    /** Only these apps (names), when set. */
    Optional<List<String>> appsAllowList();

    /** Only apps whose name starts with this, when set. */
    Optional<String> appsPrefix();

    @WithDefault("10")
    int maxRemovalsPerRun();

    @WithDefault("2")
    int maxRemovalsPerApp();

    /** An invocation hands the rest of the scan on once this much time has passed (Lambda allows 15 minutes). */
    @WithDefault("12m")
    Duration timeBudget();

    /**
     * The Lambda function that continues a scan: the template sets it to this function's live alias (the only one its
     * role may invoke); unset, this function itself by its unqualified name (AWS_LAMBDA_FUNCTION_NAME).
     */
    Optional<String> continuationFunction();
}
