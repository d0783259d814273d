package io.domainautomation.logic.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.ownership.ProofChallenge.Evidence;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.TxtAnswer;

class ProofChallengeTest {

    static final String HOST = "shop.osc-fr1.scalingo.io";

    @Test
    void theRecordsNameAndValue() {
        assertEquals("_domain-verification.www.acme.example", ProofChallenge.name("www.acme.example"));
        assertEquals("_domain-verification.acme.example", ProofChallenge.name("*.acme.example"), "a wildcard: the name it covers");
        assertEquals("scalingo-domain-automation=abc123", ProofChallenge.value("abc123"));
    }

    @Test
    void theTxtRecordWithTheTokenProvesAmongOtherRecords() {
        TxtAnswer txt = new TxtAnswer(List.of("v=spf1 -all", " scalingo-domain-automation=abc123 "), false);
        assertEquals(Evidence.TXT, ProofChallenge.judge(txt, Optional.empty(), HOST, "abc123"));
    }

    @Test
    void anotherTokenProvesNothing() {
        TxtAnswer txt = new TxtAnswer(List.of("scalingo-domain-automation=another"), false);
        assertEquals(Evidence.NONE, ProofChallenge.judge(txt, Optional.of(noRecords()), HOST, "abc123"));
    }

    @Test
    void aCnameChainReachingTheAppsOwnHostProves() {
        DnsAnswer chain = new DnsAnswer(List.of("www.acme.example", "edge.acme.example", "SHOP.osc-fr1.scalingo.io."), Set.of(),
                false);
        assertEquals(Evidence.CNAME, ProofChallenge.judge(new TxtAnswer(List.of(), false), Optional.of(chain), HOST, "abc123"));
    }

    @Test
    void anotherAppsHostOrTheNameItselfProvesNothing() {
        DnsAnswer otherApp = new DnsAnswer(List.of("www.acme.example", "shop-staging.osc-fr1.scalingo.io"), Set.of(), false);
        assertEquals(Evidence.NONE, ProofChallenge.judge(new TxtAnswer(List.of(), false), Optional.of(otherApp), HOST, "t"));
        DnsAnswer itself = new DnsAnswer(List.of(HOST), Set.of(), false);
        assertEquals(Evidence.NONE, ProofChallenge.judge(new TxtAnswer(List.of(), false), Optional.of(itself), HOST, "t"),
                "only a CNAME target counts, not the queried name");
    }

    @Test
    void aFailedLookupThatProvedNothingIsUnknown() {
        assertEquals(Evidence.UNKNOWN, ProofChallenge.judge(TxtAnswer.unknown(), Optional.of(noRecords()), HOST, "t"));
        assertEquals(Evidence.UNKNOWN, ProofChallenge.judge(new TxtAnswer(List.of(), false),
                Optional.of(new DnsAnswer(List.of(), Set.of(), true)), HOST, "t"));
        DnsAnswer chain = new DnsAnswer(List.of("www.acme.example", HOST), Set.of(), false);
        assertEquals(Evidence.CNAME, ProofChallenge.judge(TxtAnswer.unknown(), Optional.of(chain), HOST, "t"),
                "the chain proves it whatever the TXT lookup met");
    }

    private static DnsAnswer noRecords() {
        return new DnsAnswer(List.of(), Set.of(), false);
    }
}
