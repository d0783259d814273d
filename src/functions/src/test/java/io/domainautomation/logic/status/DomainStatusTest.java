package io.domainautomation.logic.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.CleanupWorld;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.Offboarding;
import io.domainautomation.logic.UnlinkRequest;
import io.domainautomation.logic.cleanup.CleanupRequest;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;

/** One domain's status on the in-memory platform, ledger and a scripted DNS, without Quarkus. */
class DomainStatusTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";

    private CleanupWorld world;
    private DomainStatus status;

    @BeforeEach
    void setUp() throws Exception {
        world = new CleanupWorld();
        world.scalingo.addApp("shop");
        world.dns.address(HOST, "185.0.0.10");
        status = new DomainStatus(new AppDirectory(world.scalingo, world.clock), world.scalingo, world.dns,
                new AppHosts("https://api.osc-fr1.scalingo.com", Optional.empty()), world.ledger, world.settings.confirmAfter,
                world.clock, world.clock, Duration.ofSeconds(8));
    }

    private Map<String, Object> of(String domain) throws Exception {
        return status.of("shop", Hostname.parse("domain", domain), world.invocationDeadline());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Map<String, Object> status, String name) {
        return (Map<String, Object>) status.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<String> codes(Map<String, Object> status) {
        return ((List<Map<String, Object>>) part(status, "dns").get("diagnosis")).stream().map(f -> (String) f.get("code")).toList();
    }

    private OffsetDateTime daysAgo(int days) {
        return OffsetDateTime.ofInstant(world.clock.instant().minus(Duration.ofDays(days)), ZoneOffset.UTC);
    }

    @Test
    void aDomainPointedAtItsAppWithLetsEncryptIsLinkedAndHasNothingToFix() throws Exception {
        world.scalingo.seedDomain("shop", "www.acme.example", daysAgo(1));
        world.scalingo.setLetsencryptStatus("shop", "www.acme.example", "pending_dns");
        world.dns.cname("www.acme.example", HOST);

        Map<String, Object> answer = of("WWW.Acme.Example.");

        assertEquals("www.acme.example", answer.get("domain"));
        assertEquals(true, answer.get("linked"));
        assertEquals(false, answer.get("canonical"));
        assertEquals("letsencrypt", part(answer, "certificate").get("source"));
        assertEquals(Map.of("enabled", true, "status", "pending_dns"), part(answer, "certificate").get("letsencrypt"));
        assertEquals(List.of(), codes(answer));
        assertEquals(Map.of("checked", true, "marked", false), part(answer, "cleanup"));
        assertTrue(part(answer, "dns").get("required").toString().contains(HOST), "the records to set");
        assertEquals(Map.of("mode", "none"), answer.get("ownershipProof"));
    }

    @Test
    void whatKeepsACertificateFromComingIsToldWithTheRecordsFound() throws Exception {
        world.scalingo.seedDomain("shop", "www.acme.example", daysAgo(1));
        world.dns.address("www.acme.example", "52.1.2.3", "2001:db8::7");
        world.dns.caa("acme.example", List.of("digicert.com"), List.of());

        Map<String, Object> answer = of("www.acme.example");

        assertEquals(List.of("address-elsewhere", "aaaa-elsewhere", "caa-forbids-letsencrypt"), codes(answer));
        @SuppressWarnings("unchecked")
        Map<String, Object> found = (Map<String, Object>) part(answer, "dns").get("found");
        assertEquals(List.of("2001:db8::7", "52.1.2.3"), found.get("addresses"));
        assertEquals(List.of("185.0.0.10"), found.get("platformAddresses"));
        assertEquals(Map.of("at", "acme.example", "issue", List.of("digicert.com"), "issuewild", List.of()), found.get("caa"));
    }

    @Test
    void aDomainCleanupMarkedSaysSinceWhenAndNotBeforeWhenItMayGo() throws Exception {
        world.scalingo.seedDomain("shop", "old.acme.example", daysAgo(60)); // no DNS records: stale
        world.invocation.handle(new CleanupRequest.Start(false), world.invocationDeadline());

        Map<String, Object> answer = of("old.acme.example");

        Map<String, Object> cleanup = part(answer, "cleanup");
        assertEquals(true, cleanup.get("marked"));
        assertEquals(world.clock.instant().toString(), cleanup.get("staleSince"));
        assertEquals(world.clock.instant().plus(Duration.ofDays(7)).toString(), cleanup.get("notRemovedBefore"));
        assertEquals(List.of("record-missing"), codes(answer));
    }

    @Test
    void anOffboardedDomainIsNotLinkedAndSaysHowToRestoreIt() throws Exception {
        Domain linked = world.scalingo.seedDomain("shop", "leaving.acme.example", daysAgo(60));
        new Offboarding(world.scalingo, new AppDirectory(world.scalingo, world.clock), world.ledger, world.events, world.clock,
                world.clock, Duration.ofSeconds(8)).unlink("m1", Optional.of(world.clock.instant()),
                        new UnlinkRequest("shop", Hostname.parse("domain", linked.name()), Optional.empty()), world.invocationDeadline());

        Map<String, Object> answer = of("leaving.acme.example");

        assertEquals(false, answer.get("linked"));
        assertEquals("none", part(answer, "certificate").get("source"));
        @SuppressWarnings("unchecked")
        Map<String, Object> removed = (Map<String, Object>) part(answer, "cleanup").get("removed");
        assertEquals("offboarding", removed.get("reason"));
        assertEquals(Map.of("restore", Map.of("app", "shop", "domain", "leaving.acme.example")), removed.get("restore"));
    }

    @Test
    void anUnknownAppIsScalingosNotFound() throws Exception {
        ScalingoException unknown = assertThrows(ScalingoException.class,
                () -> status.of("ghost", Hostname.parse("domain", "www.acme.example"), world.invocationDeadline()));
        assertTrue(unknown.isNotFound());
    }

    @Test
    void withTooLittleTimeForDnsTheAnswerSaysItWasNotChecked() throws Exception {
        world.scalingo.seedDomain("shop", "www.acme.example", daysAgo(1));
        // enough for the listing (8 s), not for three DNS worst cases (3 x 12 s)
        Map<String, Object> answer = status.of("shop", Hostname.parse("domain", "www.acme.example"),
                world.clock.deadlineIn(Duration.ofSeconds(20)));
        assertEquals(false, part(answer, "dns").get("checked"));
        assertEquals(0, world.dns.lookups(), "no lookup started");
    }
}
