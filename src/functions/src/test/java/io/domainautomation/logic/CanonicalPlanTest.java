package io.domainautomation.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.port.Domain;

class CanonicalPlanTest {

    private static Domain domain(String name, boolean canonical) {
        return new Domain("id-" + name, "app", name, null, null, null, false, null, null, canonical, true, false,
                "created", null, null, null, null);
    }

    @Test
    void settingTheCurrentCanonicalDoesNothing() throws InvalidInput {
        CanonicalPlan plan = CanonicalPlan.set(List.of(domain("a.example", true), domain("b.example", false)),
                Hostname.parse("A.example."), false);
        assertEquals(CanonicalPlan.Action.NOTHING, plan.action());
        assertEquals("a.example", plan.previous().orElseThrow().name());
    }

    @Test
    void settingAnotherPatchesItAndRemembersThePrevious() throws InvalidInput {
        CanonicalPlan plan = CanonicalPlan.set(List.of(domain("a.example", true), domain("b.example", false)),
                Hostname.parse("b.example"), false);
        assertEquals(CanonicalPlan.Action.PATCH, plan.action());
        assertEquals("b.example", plan.target().orElseThrow().name());
        assertEquals("a.example", plan.previous().orElseThrow().name());
    }

    @Test
    void anUnlinkedDomainIsLinkedOnlyWhenAsked() throws InvalidInput {
        assertEquals(CanonicalPlan.Action.NOT_LINKED,
                CanonicalPlan.set(List.of(domain("a.example", false)), Hostname.parse("c.example"), false).action());
        assertEquals(CanonicalPlan.Action.LINK,
                CanonicalPlan.set(List.of(domain("a.example", false)), Hostname.parse("c.example"), true).action());
    }

    @Test
    void unsetPatchesOnlyWhenSomethingIsCanonical() {
        assertEquals(CanonicalPlan.Action.NOTHING, CanonicalPlan.unset(List.of(domain("a.example", false))).action());
        CanonicalPlan plan = CanonicalPlan.unset(List.of(domain("a.example", false), domain("b.example", true)));
        assertEquals(CanonicalPlan.Action.PATCH, plan.action());
        assertEquals(Optional.of("b.example"), plan.target().map(Domain::name));
    }
}
