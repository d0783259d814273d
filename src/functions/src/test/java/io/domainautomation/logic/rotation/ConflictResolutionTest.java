package io.domainautomation.logic.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.logic.rotation.ConflictResolution.Claim;

/** The documented order, one row per rule, each row with the claims in both orders (the winner never depends on it). */
class ConflictResolutionTest {

    private static final Instant MAY = Instant.parse("2026-05-01T00:00:00Z");
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant V1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant V2 = Instant.parse("2026-02-01T00:00:00Z");

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(new Claim("a", true, MAY, V1), new Claim("b", false, JUNE, V2), "a",
                        "its scalingo:domains tag names the domain"),
                Arguments.of(new Claim("a", false, MAY, V2), new Claim("b", false, JUNE, V1), "b",
                        "its certificate expires last (2026-06-01T00:00:00Z)"),
                Arguments.of(new Claim("a", true, JUNE, V1), new Claim("b", true, JUNE, V2), "b",
                        "its version is the newest (2026-02-01T00:00:00Z)"),
                Arguments.of(new Claim("b", false, JUNE, V1), new Claim("a", false, JUNE, V1), "a",
                        "its name comes first (nothing else tells them apart)"),
                Arguments.of(new Claim("a", false, JUNE, null), new Claim("b", false, JUNE, V1), "b",
                        "its version is the newest (2026-01-01T00:00:00Z)"));
    }

    @ParameterizedTest
    @MethodSource("table")
    void theWinnerAndWhy(Claim one, Claim other, String winner, String why) {
        for (List<Claim> order : List.of(List.of(one, other), List.of(other, one))) {
            ConflictResolution.Outcome outcome = ConflictResolution.settle(order);
            assertEquals(winner, outcome.winner().secret());
            assertEquals(why, outcome.why());
            assertEquals(1, outcome.losers().size());
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void aLoneClaimWinsWithoutAReason(Claim one, Claim ignored, String unused, String alsoUnused) {
        ConflictResolution.Outcome outcome = ConflictResolution.settle(List.of(one));
        assertEquals(one, outcome.winner());
        assertEquals("", outcome.why());
        assertEquals(List.of(), outcome.losers());
    }
}
