package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HostnameTest {

    /** Cases from Unicode's IDNA test data and UTS #46's examples (src/test/resources/idna/idna2008-cases.txt). */
    static Stream<Arguments> idna2008Cases() throws IOException {
        try (InputStream in = HostnameTest.class.getResourceAsStream("/idna/idna2008-cases.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(";", -1))
                    .map(fields -> Arguments.of(fields[0].strip(), fields[1].strip(), fields[2].strip()))
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}{2}")
    @MethodSource("idna2008Cases")
    void internationalNamesFollowIdna2008(String source, String expectedAscii, String refusal) {
        if (refusal.isEmpty()) {
            assertEquals(expectedAscii, assertDoesNotThrow(() -> Hostname.parse(source)).ascii());
        } else {
            InvalidInput error = assertThrows(InvalidInput.class, () -> Hostname.parse(source));
            assertTrue(error.getMessage().contains(refusal), "\"" + error.getMessage() + "\" should name " + refusal);
            assertEquals("domain", error.field());
        }
    }

    @Test
    void idna2003WouldMapTheSharpSToAnotherDomain() throws InvalidInput {
        assertEquals("strasse.example", java.net.IDN.toASCII("straße.example"), "what IDNA 2003 does");
        assertFalse(Hostname.parse("straße.example").ascii().equals("strasse.example"), "not what is done here");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "www.example.com|www.example.com",
            "  WWW.Example.COM  |www.example.com",
            "www.example.com.|www.example.com",
            "bücher.example|xn--bcher-kva.example",
            "BÜCHER.example.|xn--bcher-kva.example",
            "例え.テスト|xn--r8jz45g.xn--zckzah",
            "*.example.com|*.example.com",
            "*.Bücher.example|*.xn--bcher-kva.example",
            "a-b.c-d.example|a-b.c-d.example",
            "123.example.com|123.example.com",
            "xn--bcher-kva.example|xn--bcher-kva.example" })
    void normalisedForTheApi(String raw, String expected) throws InvalidInput {
        assertEquals(expected, Hostname.parse(raw).ascii());
    }

    @Test
    void aWildcardKeepsItsLeftmostLabel() throws InvalidInput {
        assertEquals("*.example.com", Hostname.parse("*.Example.COM.").ascii());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "''|domain is required",
            "'   '|domain is required",
            "https://www.example.com|without a scheme",
            "www.example.com/path|without a path",
            "www.example.com?x=1|without a path or query",
            "www.example.com:8080|without a port",
            "user@www.example.com|without user information",
            "www.exa mple.com|must not contain spaces",
            "www..example.com|empty label",
            ".example.com|empty label",
            "www.*.example.com|wildcard only as its leftmost label",
            "*example.com|wildcard only as its leftmost label",
            "**.example.com|wildcard only as its leftmost label",
            "localhost|at least two labels",
            "-bad.example.com|inner hyphens",
            "bad-.example.com|inner hyphens",
            "under_score.example.com|inner hyphens",
            "192.168.1.10|IP address",
            "my-app.osc-fr1.scalingo.io|host of the Scalingo platform",
            "scalingo.io|host of the Scalingo platform",
            "*.scalingo.io|host of the Scalingo platform",
            "pаypal.com|mixes scripts" })
    void rejectedWithAClearReason(String raw, String reasonFragment) {
        InvalidInput error = assertThrows(InvalidInput.class, () -> Hostname.parse(raw));
        assertTrue(error.getMessage().contains(reasonFragment), "\"" + error.getMessage() + "\" should say " + reasonFragment);
        assertEquals("domain", error.field());
    }

    @Test
    void lengthLimitsAreEnforced() {
        String label63 = "a".repeat(63);
        assertThrows(InvalidInput.class, () -> Hostname.parse("a".repeat(64) + ".example.com"), "label of 64");
        String tooLong = String.join(".", label63, label63, label63, label63) + ".com";
        InvalidInput error = assertThrows(InvalidInput.class, () -> Hostname.parse(tooLong));
        assertTrue(error.getMessage().contains("at most 253"), error.getMessage());
        InvalidInput longLabel = assertThrows(InvalidInput.class, () -> Hostname.parse("a".repeat(300) + ".com"));
        assertTrue(longLabel.getMessage().contains("label of 300 characters; at most 63"), longLabel.getMessage());
        InvalidInput manyLabels = assertThrows(InvalidInput.class, () -> Hostname.parse("abcdefghi.".repeat(30) + "com"));
        assertTrue(manyLabels.getMessage().contains("303 characters long in ASCII; at most 253"), manyLabels.getMessage());
        InvalidInput absurd = assertThrows(InvalidInput.class, () -> Hostname.parse("a.".repeat(400) + "com"));
        assertTrue(absurd.getMessage().contains("803 characters long; a hostname has at most 253"), absurd.getMessage());
    }

    @Test
    void theLongestValidNameIsAccepted() throws InvalidInput {
        String label = "a".repeat(61);
        String name = String.join(".", label, label, label, label) + ".com"; // 4*61 + 3 + 4 = 251
        assertEquals(name, Hostname.parse(name).ascii());
    }
}
