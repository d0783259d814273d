package io.domainautomation.logic.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpiryWarningTest {

    @ParameterizedTest(name = "{0} days left -> {1}")
    @CsvSource({ "90,-1", "31,-1", "30,30", "15,30", "14,14", "8,14", "7,7", "0,7", "-1,0", "-30,0" })
    void theSmallestThresholdReachedOrZeroOnceExpired(long daysLeft, int expected) {
        OptionalInt reached = ExpiryWarning.reached(daysLeft, List.of(30, 14, 7));
        assertEquals(expected, reached.orElse(-1));
    }
}
