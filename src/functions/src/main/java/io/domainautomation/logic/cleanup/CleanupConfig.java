package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of cleanup-stale; every guard is on by default. */
@ConfigMapping(prefix = "cleanup")
public interface CleanupConfig {

    /** Removes nothing unless this is false or the invocation says {@code "dryRun": false}. */
    @WithDefault("true")
    boolean dryRun();

    /** A never-validated domain is stale only once it is older than this. */
    @WithDefault("14d")
    Duration gracePeriod();

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

    /** The Lambda function that continues a scan: this function itself, from AWS_LAMBDA_FUNCTION_NAME. */
    Optional<String> continuationFunction();
}
