package io.domainautomation.logic.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The deadline arithmetic the cores share, on a fixed ticker and clock. */
class DeadlineTest {

    private static final Ticker AT_1000_S = () -> Duration.ofSeconds(1000).toNanos();
    private static final Clock WALL = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void workIsAllowedOnlyWhenItsLongestStillEndsByTheDeadline() {
        Deadline in10s = new Deadline(Duration.ofSeconds(1010).toNanos());
        assertTrue(in10s.allows(Duration.ofSeconds(8), AT_1000_S));
        assertTrue(in10s.allows(Duration.ofSeconds(10), AT_1000_S), "ending exactly at the deadline is in time");
        assertFalse(in10s.allows(Duration.ofSeconds(10).plusNanos(1), AT_1000_S));
        assertFalse(in10s.allows(Duration.ofSeconds(8).multipliedBy(2), AT_1000_S));
        assertFalse(new Deadline(Duration.ofSeconds(990).toNanos()).allows(Duration.ZERO.plusNanos(1), AT_1000_S),
                "a deadline already past allows nothing");
        assertTrue(Deadline.none().allows(Duration.ofDays(1), AT_1000_S), "without a deadline, anything");
    }

    @Test
    void theDeadlineFallsOnTheWallClockWhereTheTimeLeftEnds() {
        assertEquals(Instant.parse("2026-12-07T10:00:10Z"),
                new Deadline(Duration.ofSeconds(1010).toNanos()).endsAt(WALL, AT_1000_S, Duration.ofMinutes(15)));
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"),
                new Deadline(Duration.ofSeconds(900).toNanos()).endsAt(WALL, AT_1000_S, Duration.ofMinutes(15)),
                "a deadline already past falls now");
        assertEquals(Instant.parse("2026-12-07T10:15:00Z"), Deadline.none().endsAt(WALL, AT_1000_S, Duration.ofMinutes(15)));
    }
}
