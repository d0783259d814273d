package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;

/** Reads and changes an app's canonical domain: one list, then at most one PATCH (or one POST when asked to link). */
@ApplicationScoped
public class CanonicalDomains {

    /** The outcome of a change: what was canonical before, what is now, and whether a call changed anything. */
    public record Change(Optional<Domain> previous, Optional<Domain> current, boolean changed) {
    }

    /** The domain is not linked to the app, and linking was not asked. */
    public static final class NotLinked extends Exception {
        public NotLinked(String message) {
            super(message, null, false, false);
        }
    }

    /** The name is linked to another app (Scalingo's 422 "has already been taken", and the app does not have it). */
    public static final class TakenByAnotherApp extends Exception {
        public TakenByAnotherApp(String message) {
            super(message, null, false, false);
        }
    }

    private final DomainsService scalingo;

    public CanonicalDomains(DomainsService scalingo) {
        this.scalingo = scalingo;
    }

    public Optional<Domain> get(String app, Deadline deadline) {
        return CanonicalPlan.current(scalingo.listDomains(app, deadline));
    }

    public Change set(String app, Hostname domain, boolean linkIfMissing, Deadline deadline)
            throws NotLinked, TakenByAnotherApp {
        List<Domain> domains = scalingo.listDomains(app, deadline);
        CanonicalPlan plan = CanonicalPlan.set(domains, domain, linkIfMissing);
        return switch (plan.action()) {
            case NOTHING -> new Change(plan.previous(), plan.target(), false);
            case PATCH -> new Change(plan.previous(), Optional.of(
                    scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(true), deadline)), true);
            case LINK -> new Change(plan.previous(), Optional.of(link(app, domain, deadline)), true);
            case NOT_LINKED -> throw new NotLinked("domain " + domain.ascii() + " is not linked to app " + app
                    + "; send \"link\": true to link it");
        };
    }

    /**
     * Links the domain as canonical. A 422 on the name after a lost reply may mean the first POST did link it: the
     * app's domains say which; if the app does not have it, another app does.
     */
    private Domain link(String app, Hostname domain, Deadline deadline) throws TakenByAnotherApp {
        Optional<DomainLinking.Linked> linked = DomainLinking.link(scalingo, app, DomainChanges.link(domain.ascii(), true, null),
                deadline);
        if (linked.isEmpty()) {
            throw new TakenByAnotherApp("domain " + domain.ascii() + " is linked to another app (has already been taken)");
        }
        Domain mine = linked.get().domain();
        if (mine.isCanonical()) {
            return mine;
        }
        return scalingo.updateDomain(app, mine.id(), DomainChanges.canonical(true), deadline);
    }

    public Change unset(String app, Deadline deadline) {
        CanonicalPlan plan = CanonicalPlan.unset(scalingo.listDomains(app, deadline));
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(Optional.empty(), Optional.empty(), false);
        }
        scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(false), deadline);
        return new Change(plan.previous(), Optional.empty(), true);
    }
}
