package io.domainautomation.logic.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.cleanup.LetsencryptWatch.Announce;
import io.domainautomation.logic.cleanup.LetsencryptWatch.Observation;
import io.domainautomation.logic.port.Domain;

/** Issued or stuck, once per change: the decision over successive daily scans, on its own. */
class LetsencryptWatchTest {

    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");
    private static final Duration WINDOW = Duration.ofDays(14);
    private static final Duration STUCK = Duration.ofHours(24);

    private static Domain domain(String status, Instant created, Boolean enabled) {
        return new Domain("id", "app", "d.example", OffsetDateTime.ofInstant(created, ZoneOffset.UTC), null, null, false, null,
                null, false, enabled, enabled, status, null, null, null, null);
    }

    private static Observation see(Optional<CertificateProgress> previous, String status, Instant created, Instant at) {
        return LetsencryptWatch.observe(previous, "app", domain(status, created, true), at, WINDOW, STUCK);
    }

    /** Scans a day apart, each fed with what the previous one left in the ledger. */
    private static Announce[] days(Instant created, String... statuses) {
        Optional<CertificateProgress> record = Optional.empty();
        Announce[] announced = new Announce[statuses.length];
        for (int day = 0; day < statuses.length; day++) {
            Observation seen = see(record, statuses[day], created, T0.plus(Duration.ofDays(day)));
            announced[day] = seen.announce();
            record = seen.next();
        }
        return announced;
    }

    @Test
    void aNewDomainAwaitedThenIssuedIsStuckOnceThenIssuedOnce() {
        Announce[] announced = days(T0.minus(Duration.ofHours(2)), "pending_dns", "pending_dns", "pending_dns", "created", "created");
        assertEquals(Announce.NOTHING, announced[0], "linked two hours ago");
        assertEquals(Announce.STUCK, announced[1], "awaited since it was linked, over a day");
        assertEquals(Announce.NOTHING, announced[2], "the same status: already announced");
        assertEquals(Announce.ISSUED, announced[3]);
        assertEquals(Announce.NOTHING, announced[4]);
    }

    @Test
    void anotherStatusIsAnotherAnnouncement() {
        Announce[] announced = days(T0.minus(Duration.ofDays(2)), "pending_dns", "error", "error");
        assertEquals(Announce.STUCK, announced[0]);
        assertEquals(Announce.STUCK, announced[1], "now in error: said once more");
        assertEquals(Announce.NOTHING, announced[2]);
    }

    @Test
    void anOldDomainSeenAwaitedStartsItsClockAtTheFirstScan() {
        Announce[] announced = days(T0.minus(Duration.ofDays(400)), "new", "new");
        assertEquals(Announce.NOTHING, announced[0], "a renewal in progress is not stuck at first sight");
        assertEquals(Announce.STUCK, announced[1]);
    }

    @Test
    void aDomainIssuedBetweenTwoScansIsAnnouncedOnlyWhileYoungAndOnlyOnce() {
        Instant created = T0.minus(Duration.ofHours(5));
        Observation first = see(Optional.empty(), "created", created, T0);
        assertEquals(Announce.ISSUED, first.announce());
        Observation kept = see(first.next(), "created", created, T0.plus(Duration.ofDays(5)));
        assertEquals(Announce.NOTHING, kept.announce());
        assertFalse(kept.changed(), "no write while nothing changes");
        Observation old = see(kept.next(), "created", created, T0.plus(WINDOW));
        assertTrue(old.changed() && old.next().isEmpty(), "forgotten once the domain is no longer young");
        assertEquals(Announce.NOTHING, see(old.next(), "created", created, T0.plus(WINDOW).plus(Duration.ofDays(1))).announce());
        assertEquals(Announce.NOTHING, see(Optional.empty(), "created", T0.minus(Duration.ofDays(300)), T0).announce(),
                "an old certificate seen for the first time is no news");
    }

    @Test
    void withoutLetsEncryptTheRecordIsForgotten() {
        Observation awaited = see(Optional.empty(), "pending_dns", T0, T0);
        Observation disabled = LetsencryptWatch.observe(awaited.next(), "app", domain("pending_dns", T0, false),
                T0.plus(Duration.ofDays(3)), WINDOW, STUCK);
        assertEquals(Announce.NOTHING, disabled.announce());
        assertTrue(disabled.changed() && disabled.next().isEmpty());
    }

    /**
     * A stuck certificate nothing changes is written again weekly (the ledger forgets a record nobody writes for 30
     * days, and a forgotten one would be announced stuck again); between the rewrites, nothing is written.
     */
    @Test
    void aRecordNothingChangesIsWrittenAgainWeeklySoTheLedgerNeverForgetsIt() {
        Instant created = T0.minus(Duration.ofDays(400));
        Optional<CertificateProgress> record = see(Optional.empty(), "pending_dns", created, T0).next();
        Observation stuck = see(record, "pending_dns", created, T0.plus(Duration.ofDays(1)));
        assertEquals(Announce.STUCK, stuck.announce());
        assertEquals(T0.plus(Duration.ofDays(1)), stuck.next().get().seenAt(), "written when it was announced");
        record = stuck.next();
        int writes = 0;
        for (int day = 2; day <= 60; day++) {
            Instant at = T0.plus(Duration.ofDays(day));
            Observation seen = see(record, "pending_dns", created, at);
            assertEquals(Announce.NOTHING, seen.announce(), "day " + day + ": announced once, never again");
            assertTrue(seen.next().get().stuckAnnounced() && seen.next().get().since().equals(T0));
            assertTrue(seen.rewriteOnly() == seen.changed(), "day " + day + ": nothing changed but the time of the write");
            if (seen.changed()) {
                writes++;
                assertEquals(at, seen.next().get().seenAt(), "day " + day);
                assertEquals(Duration.ofDays(7), Duration.between(record.get().seenAt(), at),
                        "day " + day + ": a week after the last write");
            }
            assertTrue(Duration.between(seen.next().get().seenAt(), at).compareTo(Duration.ofDays(7)) < 0,
                    "day " + day + ": never a week without a write");
            record = seen.next();
        }
        assertEquals(8, writes, "days 8, 15, 22, 29, 36, 43, 50, 57");
    }

    @Test
    void anIssuedRecordKeptWhileYoungIsWrittenAgainWeeklyToo() {
        Duration window = Duration.ofDays(45);
        Instant created = T0.minus(Duration.ofHours(5));
        Observation issued = LetsencryptWatch.observe(Optional.empty(), "app", domain("created", created, true), T0, window, STUCK);
        Observation sixDays = LetsencryptWatch.observe(issued.next(), "app", domain("created", created, true),
                T0.plus(Duration.ofDays(6)), window, STUCK);
        assertFalse(sixDays.changed());
        Observation sevenDays = LetsencryptWatch.observe(sixDays.next(), "app", domain("created", created, true),
                T0.plus(Duration.ofDays(7)), window, STUCK);
        assertTrue(sevenDays.changed());
        assertEquals(Announce.NOTHING, sevenDays.announce());
        assertEquals(T0, sevenDays.next().get().since(), "issued when it was, written again now");
        assertEquals(T0.plus(Duration.ofDays(7)), sevenDays.next().get().seenAt());
    }
}
