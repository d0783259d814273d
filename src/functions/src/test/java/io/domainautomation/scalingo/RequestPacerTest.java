package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestPacerTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void anIdlePacerLetsTheWholeBudgetGoAtOnceThenWaitsForTheWindow() {
        RequestPacer pacer = new RequestPacer(3, Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertEquals(0, pacer.reserve(0));
        assertEquals(0, pacer.reserve(0));
        assertEquals(0, pacer.reserve(SECOND));
        assertEquals(61 * SECOND - 2 * SECOND, pacer.reserve(2 * SECOND), "the fourth waits until the first leaves the window");
        assertEquals(61 * SECOND - 2 * SECOND, pacer.reserve(2 * SECOND), "the fifth goes with it: the second left too");
        assertEquals(62 * SECOND - 2 * SECOND, pacer.reserve(2 * SECOND));
    }

    @Test
    void anIdlePacerBanksNoMoreThanOneBudget() {
        RequestPacer pacer = new RequestPacer(10, Duration.ofSeconds(1), Duration.ZERO);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, pacer.reserve(0));
        }
        long later = 100 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertEquals(0, pacer.reserve(later), "after a long pause a whole budget goes at once");
        }
        assertEquals(SECOND, pacer.reserve(later), "but not more");
    }

    @Test
    void aCallerNeverStartsBeforeAnEarlierOne() {
        RequestPacer pacer = new RequestPacer(2, Duration.ofSeconds(1), Duration.ZERO);
        pacer.reserve(0);
        pacer.reserve(0);
        long third = pacer.reserve(0);
        assertEquals(SECOND, third);
        assertEquals(SECOND - SECOND / 2, pacer.reserve(SECOND / 2), "a caller arriving later waits for the third's start");
    }

    @Test
    void noWindowOfOnePeriodHoldsMoreThanTheBudget() {
        RequestPacer pacer = new RequestPacer(60, Duration.ofSeconds(60), Duration.ofSeconds(1));
        long[] sendTimes = new long[300];
        for (int i = 0; i < sendTimes.length; i++) {
            long now = (i % 7) * SECOND / 3;
            sendTimes[i] = now + pacer.reserve(now);
        }
        for (int i = 60; i < sendTimes.length; i++) {
            long span = sendTimes[i] - sendTimes[i - 60];
            assertEquals(true, span >= 60 * SECOND, "requests " + (i - 60) + " and " + i + " are " + span + " ns apart");
        }
    }

    @Test
    void aNewPacerOffersOnlyItsInitialShareAtOnce() {
        RequestPacer pacer = new RequestPacer(10, Duration.ofSeconds(1), Duration.ZERO, 0.3);
        pacer.startFresh(0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, pacer.reserve(0), "request " + i + " of the initial share");
        }
        assertEquals(SECOND, pacer.reserve(0), "the rest of the budget frees one window after the start");
        pacer.startFresh(10 * SECOND);
        assertEquals(0, pacer.reserve(10 * SECOND), "a restored process starts afresh");
    }

    @Test
    void noSlotIsTakenPastTheLatestStartAndTheWaitIsToldInstead() {
        RequestPacer pacer = new RequestPacer(2, Duration.ofSeconds(60), Duration.ZERO);
        pacer.reserve(0);
        pacer.reserve(0);
        RequestPacer.Slot late = pacer.reserve(SECOND, 8 * SECOND);
        assertEquals(false, late.booked());
        assertEquals(59 * SECOND, late.waitNanos(), "a slot frees 59 s later");
        RequestPacer.Slot again = pacer.reserve(SECOND, 8 * SECOND);
        assertEquals(59 * SECOND, again.waitNanos(), "the refused caller took nothing");
        assertEquals(true, pacer.reserve(SECOND, Long.MAX_VALUE).booked());
    }

    @Test
    void acquiringPastTheDeadlineFailsAtOnceAsNotInTime() {
        RequestPacer pacer = new RequestPacer(1, Duration.ofSeconds(60), Duration.ZERO);
        pacer.acquire(Deadline.none(), "list domains");
        ScalingoException late = assertThrows(ScalingoException.class,
                () -> pacer.acquire(Deadline.after(Duration.ofSeconds(2)), "list domains"));
        assertEquals(true, late.isNotInTime());
        assertEquals(true, late.isTransient());
        assertEquals(true, late.retryAfter().orElseThrow().toSeconds() >= 58, late.getMessage());
    }

    @Test
    void aZeroBudgetIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new RequestPacer(0, Duration.ofSeconds(60), Duration.ZERO));
    }
}
