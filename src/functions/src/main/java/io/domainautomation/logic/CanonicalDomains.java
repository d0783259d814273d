package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.scalingo.Domain;
import io.domainautomation.scalingo.DomainChanges;
import io.domainautomation.scalingo.ScalingoClient;

/** Reads and changes an app's canonical domain: one list, then at most one PATCH (or one POST when asked to link). */
@ApplicationScoped
public class CanonicalDomains {

    /** The outcome of a change: what was canonical before, what is now, and whether a call changed anything. */
    public record Change(Optional<Domain> previous, Optional<Domain> current, boolean changed) {
    }

    public static final class NotLinked extends Exception {
        public NotLinked(String message) {
            super(message, null, false, false);
        }
    }

    private final ScalingoClient scalingo;

    CanonicalDomains(ScalingoClient scalingo) {
        this.scalingo = scalingo;
    }

    public Optional<Domain> get(String app) {
        return CanonicalPlan.current(scalingo.listDomains(app));
    }

    public Change set(String app, Hostname domain, boolean linkIfMissing) throws NotLinked {
        List<Domain> domains = scalingo.listDomains(app);
        CanonicalPlan plan = CanonicalPlan.set(domains, domain, linkIfMissing);
        return switch (plan.action()) {
            case NOTHING -> new Change(plan.previous(), plan.target(), false);
            case PATCH -> new Change(plan.previous(),
                    Optional.of(scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(true))), true);
            case LINK -> new Change(plan.previous(),
                    Optional.of(scalingo.linkDomain(app, DomainChanges.link(domain.ascii(), true, null))), true);
            case NOT_LINKED -> throw new NotLinked("domain " + domain.ascii() + " is not linked to app " + app
                    + "; send \"link\": true to link it");
        };
    }

    public Change unset(String app) {
        CanonicalPlan plan = CanonicalPlan.unset(scalingo.listDomains(app));
        if (plan.action() == CanonicalPlan.Action.NOTHING) {
            return new Change(Optional.empty(), Optional.empty(), false);
        }
        scalingo.updateDomain(app, plan.target().get().id(), DomainChanges.canonical(false));
        return new Change(plan.previous(), Optional.empty(), true);
    }
}
