package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.InMemoryCanonicalLedger;
import io.domainautomation.fakes.InMemoryScalingo;
import io.domainautomation.fakes.RecordingEventSink;
import io.domainautomation.fakes.ManualClock;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/** DomainLinker and CanonicalDomains on the in-memory platform: idempotence, the 20-domain limit, names taken. */
class LinkingCoreTest {

    private ManualClock clock;
    private InMemoryScalingo scalingo;
    private DomainLinker linker;
    private CanonicalDomains canonical;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        scalingo = new InMemoryScalingo(clock, clock);
        scalingo.addApp("shop");
        scalingo.addApp("other");
        linker = new DomainLinker(scalingo);
        canonical = new CanonicalDomains(scalingo, new AppDirectory(scalingo, clock), new InMemoryCanonicalLedger(),
                new RecordingEventSink(), clock, clock, Duration.ofSeconds(8));
    }

    private Deadline deadline() {
        return clock.deadlineIn(Duration.ofSeconds(25));
    }

    private static Hostname host(String name) throws InvalidInput {
        return Hostname.parse("domain", name);
    }

    @Test
    void linkingTwiceLinksOnceAndSaysSo() throws InvalidInput {
        DomainLinker.Result first = linker.link("shop", host("www.acme.example"), false, true, Optional.empty(), () -> { }, deadline());
        DomainLinker.Result second = linker.link("shop", host("www.acme.example"), false, true, Optional.empty(), () -> { }, deadline());
        assertEquals(DomainLinker.Outcome.LINKED, first.outcome());
        assertEquals(DomainLinker.Outcome.ALREADY_LINKED, second.outcome());
        assertEquals(1, scalingo.calls("linkDomain"));
    }

    @Test
    void aCanonicalLinkLeavesOneCanonicalDomain() throws Exception {
        linker.link("shop", host("a.acme.example"), true, true, Optional.empty(), () -> { }, deadline());
        linker.link("shop", host("b.acme.example"), true, true, Optional.empty(), () -> { }, deadline());
        assertEquals("b.acme.example", canonical.get("shop", deadline()).current().orElseThrow().name());
        assertEquals(1, scalingo.domainNames("shop").stream()
                .filter(n -> scalingo.domain("shop", n).orElseThrow().isCanonical()).count());
    }

    @Test
    void theAppsDomainLimitIsTheCallersMistake() throws InvalidInput {
        for (int i = 0; i < InMemoryScalingo.DOMAIN_LIMIT; i++) {
            scalingo.seedDomain("shop", "d" + i + ".acme.example", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        }
        InvalidInput refused = assertThrows(InvalidInput.class,
                () -> linker.link("shop", host("one-more.acme.example"), false, true, Optional.empty(), () -> { }, deadline()));
        assertEquals("domain", refused.field());
        assertEquals(0, scalingo.calls("linkDomain"), "refused before any POST");
    }

    @Test
    void aNameAnotherAppHoldsIsRefusedNotClaimedAsLinked() throws InvalidInput {
        linker.link("other", host("www.acme.example"), false, true, Optional.empty(), () -> { }, deadline());
        ScalingoException taken = assertThrows(ScalingoException.class,
                () -> linker.link("shop", host("www.acme.example"), false, true, Optional.empty(), () -> { }, deadline()));
        assertEquals(422, taken.status());
        assertEquals(Optional.of("other"), scalingo.holder("www.acme.example"));
        assertThrows(CanonicalDomains.TakenByAnotherApp.class, () -> canonical.set("shop", host("www.acme.example"), true, "tester", "r1", deadline()));
    }

    @Test
    void unsettingTheCanonicalDomainChangesItOnceThenNothing() throws Exception {
        canonical.set("shop", host("www.acme.example"), true, "tester", "r1", deadline());
        assertTrue(canonical.unset("shop", "tester", "r-" + System.nanoTime(), deadline()).changed());
        assertEquals(false, canonical.unset("shop", "tester", "r-" + System.nanoTime(), deadline()).changed());
        assertEquals(Optional.empty(), canonical.get("shop", deadline()).current());
    }

    /**
     * Another container links the same name, without a certificate, just before this message's POST (which Scalingo
     * then refuses: the name is taken) or while this POST gets no usable reply: the message's certificate and canonical
     * flag are still given to the domain, in one PATCH (found by LinkingSimulation, seed 2670).
     */
    @Test
    void aNameLinkedByAnotherContainerAMomentAgoStillGetsThisMessagesCertificateAndCanonicalFlag() throws InvalidInput {
        var keys = io.domainautomation.testsupport.TestCertificates.ec("secp256r1");
        var issued = io.domainautomation.testsupport.TestCertificates.selfSigned(keys, "CN=www.acme.example",
                java.util.List.of("www.acme.example", "api.acme.example"), clock.instant().minus(Duration.ofDays(1)),
                Duration.ofDays(90));
        var certificate = new io.domainautomation.logic.tls.CertificateAttachment.Checked(issued.certificatePem(),
                issued.privateKeyPem(), issued.certificate());
        for (boolean replyLost : new boolean[] { false, true }) {
            String name = replyLost ? "api.acme.example" : "www.acme.example";
            scalingo.faults(new io.domainautomation.fakes.Faults() {
                private boolean first = true;

                @Override
                public void before(String call) {
                    if (call.equals("scalingo.linkDomain") && first) {
                        first = false;
                        scalingo.seedDomain("shop", name, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                        if (replyLost) {
                            throw ScalingoException.reply(503, "service unavailable");
                        }
                    }
                }
            });
            DomainLinker.Result result = linker.link("shop", host(name), true, true, Optional.of(certificate), () -> { },
                    deadline());
            assertEquals(replyLost ? DomainLinker.Outcome.LINKED : DomainLinker.Outcome.ALREADY_LINKED, result.outcome(), name);
            var domain = scalingo.domain("shop", name).orElseThrow();
            assertTrue(io.domainautomation.logic.tls.CertificateAttachment.carries(domain, issued.certificate()),
                    name + " carries " + domain.tlscert());
            assertEquals(Optional.of(issued.certificatePem().strip()),
                    scalingo.uploadedCertificate("shop", name).map(String::strip), name);
            assertTrue(domain.isCanonical(), name + " made canonical as asked");
        }
        assertEquals(2, scalingo.calls("updateDomain"), "one PATCH each");
    }

    /**
     * Two messages for one name with different certificates: the first links with its own; the second, and every
     * redelivery of either, leaves the certificate the domain carries as it is (no PATCH), saying so: messages never take
     * a certificate from each other (review of 2026-12-07).
     */
    @Test
    void aDomainThatCarriesACertificateKeepsItWhateverLaterMessagesBring() throws InvalidInput {
        var first = checked("www.acme.example", 90);
        var second = checked("www.acme.example", 60);
        DomainLinker.Result linked = linker.link("shop", host("www.acme.example"), false, true, Optional.of(first), () -> { },
                deadline());
        assertEquals(DomainLinker.Outcome.LINKED, linked.outcome());
        for (var message : java.util.List.of(second, first, second)) {
            DomainLinker.Result again = linker.link("shop", host("www.acme.example"), false, true, Optional.of(message), () -> { },
                    deadline());
            assertEquals(DomainLinker.Outcome.ALREADY_LINKED, again.outcome());
            assertTrue(io.domainautomation.logic.tls.CertificateAttachment.carries(scalingo.domain("shop", "www.acme.example")
                    .orElseThrow(), first.leaf()), "the first message's certificate stays");
            assertEquals(message == second, again.detail().endsWith("left as it is"), again.detail());
        }
        assertEquals(0, scalingo.calls("updateDomain"), "no PATCH: nothing taken back and forth");
    }

    private io.domainautomation.logic.tls.CertificateAttachment.Checked checked(String name, int days) {
        var issued = io.domainautomation.testsupport.TestCertificates.selfSigned(
                io.domainautomation.testsupport.TestCertificates.ec("secp256r1"), "CN=" + name, java.util.List.of(name),
                clock.instant().minus(Duration.ofDays(1)), Duration.ofDays(days));
        return new io.domainautomation.logic.tls.CertificateAttachment.Checked(issued.certificatePem(), issued.privateKeyPem(),
                issued.certificate());
    }
}
