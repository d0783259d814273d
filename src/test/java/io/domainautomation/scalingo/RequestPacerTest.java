package io.domainautomation.scalingo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RequestPacerTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void requestsAreSpacedByPeriodPlusGuardOverRequests() {
        RequestPacer pacer = new RequestPacer(60, Duration.ofSeconds(60), Duration.ofSeconds(1));
        long spacing = Duration.ofSeconds(61).toNanos() / 60;
        assertEquals(0, pacer.reserve(0));
        assertEquals(spacing, pacer.reserve(0), "a second caller at once waits one spacing");
        assertEquals(2 * spacing, pacer.reserve(0));
    }

    @Test
    void anIdlePacerDoesNotBankCredit() {
        RequestPacer pacer = new RequestPacer(10, Duration.ofSeconds(1), Duration.ZERO);
        assertEquals(0, pacer.reserve(0));
        assertEquals(0, pacer.reserve(10 * SECOND), "after a long pause the next request goes at once");
        assertEquals(SECOND / 10, pacer.reserve(10 * SECOND), "but the one after it is spaced again, no burst");
    }

    @Test
    void noWindowOfOnePeriodHoldsMoreThanTheBudget() {
        RequestPacer pacer = new RequestPacer(60, Duration.ofSeconds(60), Duration.ofSeconds(1));
        long[] sendTimes = new long[300];
        for (int i = 0; i < sendTimes.length; i++) {
            sendTimes[i] = pacer.reserve(0);
        }
        for (int i = 60; i < sendTimes.length; i++) {
            long span = sendTimes[i] - sendTimes[i - 60];
            assertEquals(true, span >= 60 * SECOND, "requests " + (i - 60) + " and " + i + " are " + span + " ns apart");
        }
    }

    @Test
    void aZeroBudgetIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new RequestPacer(0, Duration.ofSeconds(60), Duration.ZERO));
    }
}
