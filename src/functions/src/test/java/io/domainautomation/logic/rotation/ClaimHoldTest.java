package io.domainautomation.logic.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;

/** Which unreadable secret holds a domain on the certificate it carries, as a table. */
class ClaimHoldTest {

    private static final String DOMAIN = "www.shop.example";
    private static final ManagedSecret IMPLICIT = new ManagedSecret("arn:implicit", "certs/implicit", Optional.of("shop"),
            Optional.empty());
    private static final ManagedSecret NAMING = new ManagedSecret("arn:naming", "certs/naming", Optional.of("shop"),
            Optional.of(List.of(DOMAIN)));
    private static final ManagedSecret NAMING_OTHER = new ManagedSecret("arn:other", "certs/other", Optional.of("shop"),
            Optional.of(List.of("api.shop.example")));

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("nothing unreadable", List.of(), Optional.of("certs/implicit"), 60L, null),
                Arguments.of("the secret that deployed it is unreadable: held", List.of(IMPLICIT), Optional.of("certs/implicit"),
                        60L, "certs/implicit"),
                Arguments.of("an unreadable secret without the tag that deployed nothing there: the runner-up goes on",
                        List.of(IMPLICIT), Optional.of("certs/readable"), 60L, null),
                Arguments.of("nothing on record, an unreadable secret without the tag", List.of(IMPLICIT), Optional.of(""), 60L,
                        null),
                Arguments.of("an unreadable secret naming the domain: held", List.of(NAMING), Optional.of("certs/readable"), 60L,
                        "certs/naming"),
                Arguments.of("an unreadable secret naming another domain", List.of(NAMING_OTHER), Optional.of("certs/readable"),
                        60L, null),
                Arguments.of("the ledger cannot say who deployed it: held", List.of(IMPLICIT), Optional.empty(), 60L,
                        "certs/implicit"),
                Arguments.of("the carried certificate expires within a week: released", List.of(IMPLICIT),
                        Optional.of("certs/implicit"), 7L, null),
                Arguments.of("no certificate carried, the deploying secret unreadable: held", List.of(IMPLICIT),
                        Optional.of("certs/implicit"), null, "certs/implicit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void holds(String row, List<ManagedSecret> unreadable, Optional<String> deployedBy, Long daysLeft, String holder) {
        assertEquals(Optional.ofNullable(holder), ClaimHold.holder(DOMAIN, unreadable, deployedBy, daysLeft).map(ManagedSecret::name),
                row);
    }
}
