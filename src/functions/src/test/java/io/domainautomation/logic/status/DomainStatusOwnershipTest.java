package io.domainautomation.logic.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.domainautomation.fakes.CleanupWorld;
import io.domainautomation.fakes.InMemoryOwnershipProofs;
import io.domainautomation.logic.AppDirectory;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.ownership.OwnershipConfig;
import io.domainautomation.logic.ownership.ProofRecord;

/** domain-status with OWNERSHIP_PROOF=txt: the proof's state, and what a name waiting for it lacks. */
class DomainStatusOwnershipTest {

    private static final String HOST = "shop.osc-fr1.scalingo.io";

    private CleanupWorld world;
    private InMemoryOwnershipProofs proofs;
    private DomainStatus status;
    private String shopId;

    @BeforeEach
    void setUp() {
        world = new CleanupWorld();
        shopId = world.scalingo.addApp("shop").id();
        world.dns.address(HOST, "185.0.0.10");
        proofs = new InMemoryOwnershipProofs();
        status = new DomainStatus(new AppDirectory(world.scalingo, world.clock), world.scalingo, world.dns,
                new AppHosts("https://api.osc-fr1.scalingo.com", Optional.empty()), world.ledger, world.settings.confirmAfter,
                world.clock, world.clock, Duration.ofSeconds(8), OwnershipConfig.Mode.TXT, proofs);
    }

    private Map<String, Object> of(String domain) throws Exception {
        return status.of("shop", Hostname.parse("domain", domain), world.invocationDeadline());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Map<String, Object> status, String name) {
        return (Map<String, Object>) status.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> diagnosis(Map<String, Object> status) {
        return (List<Map<String, Object>>) part(status, "dns").get("diagnosis");
    }

    @Test
    void aNameWaitingForItsProofSaysWhatToSetAndWhenItRunsOut() throws Exception {
        Instant since = world.clock.instant().minus(Duration.ofHours(2));
        proofs.write(ProofRecord.opened(shopId, "www.acme.example", "0123abcd", since, since.plus(Duration.ofDays(7)), since));

        Map<String, Object> answer = of("www.acme.example");

        Map<String, Object> proof = part(answer, "ownershipProof");
        assertEquals("txt", proof.get("mode"));
        assertEquals("pending", proof.get("state"));
        assertEquals(since.plus(Duration.ofDays(7)).toString(), proof.get("expiresAt"));
        assertEquals(Map.of("type", "TXT", "name", "_domain-verification.www.acme.example",
                "value", "scalingo-domain-automation=0123abcd"), proof.get("verification"));
        Map<String, Object> first = diagnosis(answer).get(0);
        assertEquals("ownership-proof-pending", first.get("code"));
        assertTrue(((String) first.get("message")).contains("_domain-verification.www.acme.example"), first.toString());
        assertTrue(((String) first.get("message")).contains("CNAME to " + HOST), "a subdomain may prove by CNAME: " + first);
        assertTrue(diagnosis(answer).stream().anyMatch(f -> f.get("code").equals("record-missing")), "the DNS findings follow");
    }

    @Test
    void aWindowRunOutSaysToSendTheMessageAgain() throws Exception {
        Instant since = world.clock.instant().minus(Duration.ofDays(8));
        proofs.write(ProofRecord.opened(shopId, "acme.example", "0123abcd", since, since.plus(Duration.ofDays(7)), since));

        Map<String, Object> answer = of("acme.example");

        assertEquals("expired", part(answer, "ownershipProof").get("state"));
        String message = (String) diagnosis(answer).get(0).get("message");
        assertTrue(message.contains("send the onboarding message again"), message);
        assertTrue(!message.contains("CNAME"), "an apex proves by TXT only: " + message);
    }

    @Test
    void aProvenNameSaysHowAndHasNothingPending() throws Exception {
        Instant since = world.clock.instant().minus(Duration.ofHours(2));
        ProofRecord opened = ProofRecord.opened(shopId, "www.acme.example", "0123abcd", since, since.plus(Duration.ofDays(7)), since);
        proofs.write(opened);
        proofs.write(opened.proven(since.plus(Duration.ofMinutes(5)), ProofRecord.BY_CNAME));
        world.dns.cname("www.acme.example", HOST);

        Map<String, Object> answer = of("www.acme.example");

        Map<String, Object> proof = part(answer, "ownershipProof");
        assertEquals("proven", proof.get("state"));
        assertEquals("cname", proof.get("provenBy"));
        assertEquals(since.plus(Duration.ofMinutes(5)).toString(), proof.get("provenAt"));
        assertTrue(diagnosis(answer).stream().noneMatch(f -> f.get("code").equals("ownership-proof-pending")));
    }

    @Test
    void aNameNobodyAskedForIsNotRequested() throws Exception {
        assertEquals(Map.of("mode", "txt", "state", "not-requested"), part(of("www.acme.example"), "ownershipProof"));
    }
}
