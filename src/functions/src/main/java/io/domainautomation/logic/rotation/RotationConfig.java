package io.domainautomation.logic.rotation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the certificate checks and the rotation ({@code ROTATION_*} in the environment). */
@ConfigMapping(prefix = "rotation")
public interface RotationConfig {

    /** Report what would be uploaded, upload nothing, unless an invocation says {@code "dryRun": false}. */
    @WithDefault("false")
    boolean dryRun();

    /** A certificate with less validity left than this is refused ({@code expires-soon}), by link-on-signup too. */
    @WithDefault("7d")
    Duration minValidity();

    /**
     * Days of validity left at which a domain's certificate is announced expiring ({@code Certificate Expiring}),
     * once per threshold and certificate; an expired one once more.
     */
    @WithDefault("30,14,7")
    List<Integer> expiryWarnings();

    /** Only secrets whose name starts with this are managed, when set. */
    Optional<String> secretNamePrefix();

    /** A daily run starts no new app after this long, and hands the rest to a new invocation (Lambda allows 5 minutes here). */
    @WithDefault("4m")
    Duration timeBudget();

    /**
     * The Lambda function that goes on with a daily run: the template sets it to this function's live alias (the only
     * one its role may invoke); unset, this function itself by its unqualified name (AWS_LAMBDA_FUNCTION_NAME).
     */
    Optional<String> continuationFunction();
}
