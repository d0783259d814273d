package io.domainautomation.logic.cleanup;

/**
 * What cleanup-stale is asked to do: start a scan (the schedule, or by hand; a caller may ask for a dry run, never
 * for removals), go on with the running scan (the continuation this function sends itself: a scan id and a step,
 * nothing else is read), or restore a removed domain from its tombstone.
 */
public sealed interface CleanupRequest permits CleanupRequest.Start, CleanupRequest.Resume, CleanupRequest.Restore {

    record Start(boolean dryRunAsked) implements CleanupRequest {
    }

    /** A continuation; {@code dryRunAsked} when someone sending it by hand asked for a dry run. */
    record Resume(String scanId, int step, boolean dryRunAsked) implements CleanupRequest {

        public Resume(String scanId, int step) {
            this(scanId, step, false);
        }
    }

    record Restore(String app, String domain) implements CleanupRequest {
    }
}
