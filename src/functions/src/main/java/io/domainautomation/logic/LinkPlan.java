package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/**
 * What linking a domain to an app takes, given the app's current domains: nothing, only making it canonical,
 * or a link. Pure; the function carries it out.
 */
public record LinkPlan(Action action, Optional<Domain> existing, String reason) {

    public enum Action { NOTHING, MAKE_CANONICAL, LINK, REFUSE }

    /** Scalingo's hard limit of custom domains per app. */
    public static final int DOMAIN_LIMIT = 20;

    public static LinkPlan decide(List<Domain> current, Hostname domain, boolean canonical) {
        Optional<Domain> existing = Domain.named(current, domain.ascii());
        if (existing.isPresent()) {
            if (canonical && !existing.get().isCanonical()) {
                return new LinkPlan(Action.MAKE_CANONICAL, existing, "linked already, not canonical yet");
            }
            return new LinkPlan(Action.NOTHING, existing, "linked already");
        }
        if (current.size() >= DOMAIN_LIMIT) {
            return new LinkPlan(Action.REFUSE, Optional.empty(),
                    "the app has " + current.size() + " custom domains, Scalingo's limit is " + DOMAIN_LIMIT);
        }
        return new LinkPlan(Action.LINK, Optional.empty(), "not linked yet");
    }
}
