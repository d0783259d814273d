package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/**
 * What making a domain canonical (or leaving an app without one) takes, given the app's domains. Pure; the
 * function carries it out. An app has at most one canonical domain; Scalingo clears the previous one itself.
 */
public record CanonicalPlan(Action action, Optional<Domain> target, Optional<Domain> previous) {

    public enum Action {
        /** Already as asked: no call. */
        NOTHING,
        /** PATCH the target's {@code canonical}. */
        PATCH,
        /** The domain is not linked and the request asked to link it: POST it as canonical. */
        LINK,
        /** The domain is not linked and the request did not ask to link it. */
        NOT_LINKED
    }

    public static CanonicalPlan set(List<Domain> domains, Hostname domain, boolean linkIfMissing) {
        Optional<Domain> previous = current(domains);
        Optional<Domain> target = Domain.named(domains, domain.ascii());
        if (target.isEmpty()) {
            return new CanonicalPlan(linkIfMissing ? Action.LINK : Action.NOT_LINKED, Optional.empty(), previous);
        }
        return new CanonicalPlan(target.get().isCanonical() ? Action.NOTHING : Action.PATCH, target, previous);
    }

    public static CanonicalPlan unset(List<Domain> domains) {
        Optional<Domain> previous = current(domains);
        return new CanonicalPlan(previous.isPresent() ? Action.PATCH : Action.NOTHING, previous, previous);
    }

    public static Optional<Domain> current(List<Domain> domains) {
        return domains.stream().filter(Domain::isCanonical).findFirst();
    }
}
