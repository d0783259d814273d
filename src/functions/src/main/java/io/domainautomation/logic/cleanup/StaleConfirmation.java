package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Mark now, act later only if still stale (like a policy engine's mark-for-op): a domain is confirmed stale when it
 * was seen stale, for the same rules, on at least two scans spanning at least the confirmation period. A first
 * sighting (or a sighting for other rules) is only a mark, announced with the date before which nothing happens.
 */
public final class StaleConfirmation {

    public enum Status {
        /** First sighting, or the reasons changed: the clock starts now. */
        MARKED,
        /** Seen before for the same reasons, but not long enough or not on enough scans. */
        WAITING,
        /** Stale on two scans or more, spanning the confirmation period: may be removed after a last look. */
        CONFIRMED
    }

    /** The ledger's new record of the domain, what it means, and the date before which it will not be removed. */
    public record Sighting(StaleRecord record, Status status, Instant notBefore) {
    }

    private StaleConfirmation() {
    }

    public static Sighting see(Optional<StaleRecord> previous, String app, String domain, String domainId,
            List<String> rules, Map<String, Object> evidence, String scanId, Instant now, Duration confirmAfter) {
        boolean sameReasons = previous.isPresent()
                && new TreeSet<>(previous.get().rules()).equals(new TreeSet<>(rules))
                && previous.get().domainId().equals(domainId);
        if (!sameReasons) {
            StaleRecord first = new StaleRecord(app, domain, domainId, now, now, rules, evidence, 1, scanId, false);
            return new Sighting(first, Status.MARKED, now.plus(confirmAfter));
        }
        StaleRecord before = previous.get();
        int sightings = before.lastScanId().equals(scanId) ? before.sightings() : before.sightings() + 1;
        if (!before.announced()) {
            // Its mark was never announced (the invocation that wrote it failed before publishing): still a mark,
            // announced now under the same event id, and not removed before it has been.
            StaleRecord again = new StaleRecord(app, domain, domainId, before.firstStaleAt(), now, rules, evidence,
                    sightings, scanId, false);
            return new Sighting(again, Status.MARKED, before.firstStaleAt().plus(confirmAfter));
        }
        StaleRecord seen = new StaleRecord(app, domain, domainId, before.firstStaleAt(), now, rules, evidence, sightings,
                scanId, true);
        Instant notBefore = before.firstStaleAt().plus(confirmAfter);
        boolean confirmed = sightings >= 2 && !now.isBefore(notBefore);
        return new Sighting(seen, confirmed ? Status.CONFIRMED : Status.WAITING, notBefore);
    }
}
