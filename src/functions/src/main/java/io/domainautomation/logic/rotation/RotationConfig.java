package io.domainautomation.logic.rotation;

import java.time.Duration;
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

    /** Only secrets whose name starts with this are managed, when set. */
    Optional<String> secretNamePrefix();
}
