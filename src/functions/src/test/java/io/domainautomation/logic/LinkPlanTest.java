package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.port.Domain;

class LinkPlanTest {

    private static Domain domain(String name, boolean canonical) {
        return new Domain("id-" + name, "app-id", name, null, null, null, false, null, null, canonical, true, false,
                "new", null, null, null, null);
    }

    private static Hostname host(String name) throws InvalidInput {
        return Hostname.parse(name);
    }

    @Test
    void aNewDomainIsLinked() throws InvalidInput {
        LinkPlan plan = LinkPlan.decide(List.of(domain("other.example", false)), host("new.example"), false);
        assertEquals(LinkPlan.Action.LINK, plan.action());
    }

    @Test
    void aLinkedDomainNeedsNothing() throws InvalidInput {
        LinkPlan plan = LinkPlan.decide(List.of(domain("www.example", false)), host("WWW.example."), false);
        assertEquals(LinkPlan.Action.NOTHING, plan.action());
        assertEquals("id-www.example", plan.existing().orElseThrow().id());
    }

    @Test
    void canonicalIsAppliedOnlyWhenNotCanonicalYet() throws InvalidInput {
        assertEquals(LinkPlan.Action.MAKE_CANONICAL,
                LinkPlan.decide(List.of(domain("www.example", false)), host("www.example"), true).action());
        assertEquals(LinkPlan.Action.NOTHING,
                LinkPlan.decide(List.of(domain("www.example", true)), host("www.example"), true).action());
    }

    @Test
    void theTwentyDomainLimitRefusesANewDomainButNotAnExistingOne() throws InvalidInput {
        List<Domain> twenty = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            twenty.add(domain("d" + i + ".example", false));
        }
        assertEquals(LinkPlan.Action.LINK, LinkPlan.decide(twenty, host("new.example"), false).action(), "19 leave room");
        twenty.add(domain("d19.example", false));
        LinkPlan refused = LinkPlan.decide(twenty, host("new.example"), false);
        assertEquals(LinkPlan.Action.REFUSE, refused.action());
        assertTrue(refused.reason().contains("limit is 20"), refused.reason());
        assertEquals(LinkPlan.Action.NOTHING, LinkPlan.decide(twenty, host("d7.example"), false).action());
    }
}
