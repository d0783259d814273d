package io.domainautomation.logic.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.status.DnsDiagnosis.Finding;

/** Each rule of the DNS diagnosis, from what DNS answers (cert-manager style: one row per case). */
class DnsDiagnosisTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";
    private static final DnsAnswer PLATFORM = answer(List.of(), "185.0.0.10", "185.0.0.11");

    private static DnsAnswer answer(List<String> chain, String... addresses) {
        return new DnsAnswer(chain, Arrays.stream(addresses).map(DnsDiagnosisTest::ip).collect(Collectors.toSet()), false);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static final CaaAnswer NO_CAA = CaaAnswer.none();

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, what it resolves to, CAA, Let's Encrypt, codes expected
                Arguments.of("www.acme.example", answer(List.of(HOST + "."), "185.0.0.10"), NO_CAA, true, List.of()),
                Arguments.of("www.acme.example", answer(List.of("WWW.ACME.EXAMPLE", HOST), "185.0.0.11"), NO_CAA, true, List.of()),
                Arguments.of("acme.example", answer(List.of(), "185.0.0.10", "185.0.0.11"), NO_CAA, true, List.of()),
                Arguments.of("www.acme.example", answer(List.of()), NO_CAA, true, List.of("record-missing")),
                Arguments.of("www.acme.example", answer(List.of("old-app.herokudns.com"), "52.1.2.3"), NO_CAA, true,
                        List.of("cname-elsewhere")),
                Arguments.of("acme.example", answer(List.of(), "52.1.2.3"), NO_CAA, true, List.of("apex-not-pointed")),
                Arguments.of("www.acme.example", answer(List.of(), "52.1.2.3"), NO_CAA, true, List.of("address-elsewhere")),
                Arguments.of("www.acme.example", answer(List.of(), "185.0.0.10", "2001:db8::7"), NO_CAA, true,
                        List.of("aaaa-elsewhere")),
                // through the app's host, its addresses are the platform's whatever subset each query returned
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.12", "2001:db8::7"), NO_CAA, true, List.of()),
                // an apex flattened (ALIAS): one of the platform's addresses is enough
                Arguments.of("acme.example", answer(List.of(), "185.0.0.11"), NO_CAA, true, List.of()),
                // a CNAME to a name without records
                Arguments.of("www.acme.example", new DnsAnswer(List.of(), Set.of(), false, List.of("old-app.herokudns.com")),
                        NO_CAA, true, List.of("cname-elsewhere")),
                Arguments.of("www.acme.example", answer(List.of(), "104.21.3.4", "2606:4700::6812:1"), NO_CAA, true,
                        List.of("cdn-proxied")),
                Arguments.of("www.acme.example", answer(List.of("acme.cdn.cloudflare.net"), "104.21.3.4"), NO_CAA, true,
                        List.of("cdn-proxied")),
                Arguments.of("www.acme.example", answer(List.of("d111.cloudfront.net"), "13.32.1.1"), NO_CAA, true,
                        List.of("cdn-proxied")),
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("digicert.com"), List.of(), false), true, List.of("caa-forbids-letsencrypt")),
                // issue ";": no authority may issue
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of(""), List.of(), false), true, List.of("caa-forbids-letsencrypt")),
                // CAA records without an issue property (iodef only): no restriction
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of(), List.of(), false), true, List.of()),
                // issuewild ";" forbids wildcards even where issue allows Let's Encrypt
                Arguments.of("*.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("letsencrypt.org"), List.of(""), false), true,
                        List.of("caa-forbids-letsencrypt")),
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("digicert.com", "letsencrypt.org"), List.of(), false), true, List.of()),
                // a wildcard: issuewild, where the name has any, decides
                Arguments.of("*.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("letsencrypt.org"), List.of("digicert.com"), false),
                        true, List.of("caa-forbids-letsencrypt")),
                Arguments.of("*.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("letsencrypt.org"), List.of(), false), true, List.of()),
                // a custom certificate: CAA does not matter here
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("digicert.com"), List.of(), false), false, List.of()),
                Arguments.of("www.acme.example", answer(List.of(HOST), "185.0.0.10"), new CaaAnswer(Optional.empty(), List.of(), List.of(), true),
                        true, List.of("resolver-failed")),
                Arguments.of("www.acme.example", new DnsAnswer(List.of(), Set.of(), true), NO_CAA, true, List.of("resolver-failed")),
                // several at once, the most blocking first
                Arguments.of("acme.example", answer(List.of(), "52.1.2.3", "2001:db8::7"),
                        new CaaAnswer(Optional.of("acme.example"), List.of("sectigo.com"), List.of(), false), true,
                        List.of("apex-not-pointed", "aaaa-elsewhere", "caa-forbids-letsencrypt")));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("cases")
    void eachRule(String domain, DnsAnswer answer, CaaAnswer caa, boolean letsencrypt, List<String> codes) {
        List<Finding> findings = DnsDiagnosis.diagnose(domain, answer, HOST, PLATFORM, caa, letsencrypt);
        assertEquals(codes, findings.stream().map(Finding::code).toList(), findings.toString());
        findings.forEach(f -> assertFalse(f.message().isBlank()));
    }

    @Test
    void eachSentenceSaysWhatToChange() {
        assertEquals("www.acme.example has no CNAME, A or AAAA record: set a CNAME record to " + HOST,
                DnsDiagnosis.diagnose("www.acme.example", answer(List.of()), HOST, PLATFORM, NO_CAA, true).get(0).message());
        assertTrue(DnsDiagnosis.diagnose("acme.example", answer(List.of()), HOST, PLATFORM, NO_CAA, true).get(0).message()
                .endsWith("set an ALIAS or ANAME record to " + HOST + " (an apex cannot have a CNAME)"));
        assertEquals("the CAA records at acme.example allow digicert.com to issue wildcard certificates, not Let's Encrypt:"
                + " add a CAA record acme.example issuewild \"letsencrypt.org\"",
                DnsDiagnosis.diagnose("*.acme.example", answer(List.of(HOST), "185.0.0.10"), HOST, PLATFORM,
                        new CaaAnswer(Optional.of("acme.example"), List.of("digicert.com"), List.of(), false), true).get(0).message());
        assertTrue(DnsDiagnosis.diagnose("www.acme.example", answer(List.of(), "185.0.0.10", "2001:db8:0:0:1:0:0:7"), HOST,
                PLATFORM, NO_CAA, true).get(0).message().contains("(2001:db8::1:0:0:7)"), "IPv6 as RFC 5952 writes it");
    }

    @Test
    void withoutThePlatformsAddressesNothingIsComparedAndTheAnswerSaysSo() {
        List<Finding> findings = DnsDiagnosis.diagnose("www.acme.example", answer(List.of(), "52.1.2.3"), HOST,
                new DnsAnswer(List.of(), Set.of(), true), NO_CAA, true);
        assertEquals(List.of("resolver-failed"), findings.stream().map(Finding::code).toList());
        assertTrue(findings.get(0).message().contains(HOST), findings.toString());
    }

    @Test
    void cidrBlocksMatchTheirOwnFamilyOnly() {
        assertTrue(DnsDiagnosis.within(ip("104.16.0.1"), "104.16.0.0/13"));
        assertTrue(DnsDiagnosis.within(ip("104.23.255.255"), "104.16.0.0/13"));
        assertFalse(DnsDiagnosis.within(ip("104.24.0.0"), "104.16.0.0/13"));
        assertTrue(DnsDiagnosis.within(ip("2a06:98c7::1"), "2a06:98c0::/29"));
        assertFalse(DnsDiagnosis.within(ip("2a06:98c8::1"), "2a06:98c0::/29"));
        assertFalse(DnsDiagnosis.within(ip("104.16.0.1"), "2606:4700::/32"), "an IPv4 address is in no IPv6 block");
    }

    @Test
    void ipv6IsWrittenAsRfc5952Says() {
        assertEquals("::1", DnsDiagnosis.shown(Set.of(ip("0:0:0:0:0:0:0:1"))));
        assertEquals("2001:db8::1", DnsDiagnosis.shown(Set.of(ip("2001:0db8:0000:0000:0000:0000:0000:0001"))));
        assertEquals("2001:db8:0:1:1:1:1:1", DnsDiagnosis.shown(Set.of(ip("2001:db8:0:1:1:1:1:1"))), "one zero group stays");
        assertEquals("2001:0:0:1::1", DnsDiagnosis.shown(Set.of(ip("2001:0:0:1:0:0:0:1"))), "the longest run");
        assertEquals("2001:db8::1:0:0:1", DnsDiagnosis.shown(Set.of(ip("2001:db8:0:0:1:0:0:1"))), "the first of equal runs");
        assertEquals("1::", DnsDiagnosis.shown(Set.of(ip("1:0:0:0:0:0:0:0"))));
    }
}
