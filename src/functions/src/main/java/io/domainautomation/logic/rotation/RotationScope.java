package io.domainautomation.logic.rotation;

import java.util.Optional;

import io.domainautomation.logic.Hostname;

/**
 * What one rotation run covers: every managed secret ({@code ALL}), one secret ({@code SECRET}), or the secrets of
 * one app's domain ({@code DOMAIN}); whether it only reports; and what triggered it, for the report.
 */
public record RotationScope(Scope scope, Optional<String> secretId, Optional<String> app, Optional<Hostname> domain,
        boolean dryRun, String source, Optional<String> after) {

    public enum Scope { ALL, SECRET, DOMAIN }

    public static RotationScope all(boolean dryRun, String source) {
        return new RotationScope(Scope.ALL, Optional.empty(), Optional.empty(), Optional.empty(), dryRun, source, Optional.empty());
    }

    /** The rest of a daily run: the apps after {@code after}, in name order. */
    public static RotationScope allAfter(String after, boolean dryRun, String source) {
        return new RotationScope(Scope.ALL, Optional.empty(), Optional.empty(), Optional.empty(), dryRun, source, Optional.of(after));
    }

    public static RotationScope secret(String secretId, boolean dryRun, String source) {
        return new RotationScope(Scope.SECRET, Optional.of(secretId), Optional.empty(), Optional.empty(), dryRun, source, Optional.empty());
    }

    public static RotationScope domain(String app, Hostname domain, boolean dryRun, String source) {
        return new RotationScope(Scope.DOMAIN, Optional.empty(), Optional.of(app), Optional.of(domain), dryRun, source, Optional.empty());
    }
}
