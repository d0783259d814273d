package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Mark, wait, confirm: the ledger's decision over time, on its own. */
class StaleConfirmationTest {

    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");
    private static final Duration CONFIRM = Duration.ofDays(7);
    private static final List<String> GONE = List.of("dns-gone");

    private static StaleConfirmation.Sighting see(Optional<StaleRecord> previous, List<String> rules, String scan, Instant at) {
        return StaleConfirmation.see(previous, "app", "d.example", "id-1", rules, Map.of("dns", "no-records"), scan, at, CONFIRM);
    }

    @Test
    void aFirstSightingIsAMarkWithTheDateBeforeWhichNothingHappens() {
        StaleConfirmation.Sighting first = see(Optional.empty(), GONE, "scan-1", T0);
        assertEquals(StaleConfirmation.Status.MARKED, first.status());
        assertEquals(T0.plus(CONFIRM), first.notBefore());
        assertEquals(1, first.record().sightings());
        assertEquals(T0, first.record().firstStaleAt());
    }

    @Test
    void twoScansSpanningTheConfirmationPeriodConfirm() {
        StaleConfirmation.Sighting first = see(Optional.empty(), GONE, "scan-1", T0);
        StaleConfirmation.Sighting early = see(Optional.of(announced(first.record())), GONE, "scan-2",
                T0.plus(Duration.ofDays(3)));
        assertEquals(StaleConfirmation.Status.WAITING, early.status(), "two scans, but only 3 days apart");
        assertEquals(2, early.record().sightings());
        StaleConfirmation.Sighting confirmed = see(Optional.of(early.record()), GONE, "scan-3", T0.plus(CONFIRM));
        assertEquals(StaleConfirmation.Status.CONFIRMED, confirmed.status());
        assertEquals(T0, confirmed.record().firstStaleAt(), "the clock started at the first sighting");
    }

    /** The record as the ledger keeps it once its mark was published. */
    private static StaleRecord announced(StaleRecord r) {
        return new StaleRecord(r.app(), r.domain(), r.domainId(), r.firstStaleAt(), r.lastStaleAt(), r.rules(), r.evidence(),
                r.sightings(), r.lastScanId(), true);
    }

    @Test
    void aMarkNeverAnnouncedIsMarkedAgainWithTheSameStartAndCountsItsSightings() {
        StaleConfirmation.Sighting first = see(Optional.empty(), GONE, "scan-1", T0);
        assertEquals(false, first.record().announced(), "announced only once its event is published");
        StaleConfirmation.Sighting later = see(Optional.of(first.record()), GONE, "scan-2", T0.plus(Duration.ofDays(8)));
        assertEquals(StaleConfirmation.Status.MARKED, later.status(), "never confirmed before it was announced");
        assertEquals(T0, later.record().firstStaleAt(), "the same mark, the same event id");
        assertEquals(2, later.record().sightings());
        StaleConfirmation.Sighting confirmed = see(Optional.of(announced(later.record())), GONE, "scan-3",
                T0.plus(Duration.ofDays(9)));
        assertEquals(StaleConfirmation.Status.CONFIRMED, confirmed.status());
    }

    @Test
    void oneScanLookingTwiceCountsOnce() {
        StaleConfirmation.Sighting first = see(Optional.empty(), GONE, "scan-1", T0);
        StaleConfirmation.Sighting again = see(Optional.of(announced(first.record())), GONE, "scan-1", T0.plus(Duration.ofDays(8)));
        assertEquals(StaleConfirmation.Status.WAITING, again.status());
        assertEquals(1, again.record().sightings());
    }

    @Test
    void otherReasonsOrAnotherDomainOfTheSameNameStartTheClockAgain() {
        StaleConfirmation.Sighting first = see(Optional.empty(), GONE, "scan-1", T0);
        StaleConfirmation.Sighting otherRules = see(Optional.of(first.record()), List.of("never-validated", "dns-gone"), "scan-2",
                T0.plus(Duration.ofDays(8)));
        assertEquals(StaleConfirmation.Status.MARKED, otherRules.status());
        assertEquals(T0.plus(Duration.ofDays(8)), otherRules.record().firstStaleAt());
        StaleConfirmation.Sighting relinked = StaleConfirmation.see(Optional.of(first.record()), "app", "d.example", "id-2", GONE,
                Map.of(), "scan-2", T0.plus(Duration.ofDays(8)), CONFIRM);
        assertEquals(StaleConfirmation.Status.MARKED, relinked.status(), "unlinked and linked again: a new domain");
    }
}
