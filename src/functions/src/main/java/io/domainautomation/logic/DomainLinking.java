package io.domainautomation.logic;

import java.util.Optional;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;

/**
 * Linking a name, with a lost reply and Scalingo's 422 "has already been taken" settled by looking, in one place for
 * every caller
 * (link-on-signup, set-canonical, cleanup-stale's restore): the app's own domain of that name (an earlier attempt
 * whose reply was lost, or another delivery, linked it), or nothing when another app holds the name.
 */
public final class DomainLinking {

    /** The app's domain of that name, and whether this call linked it. */
    /**
     * The app's domain after a link: {@code linkedNow} when this POST may have made it; {@code answered} when the domain
     * is the POST's own reply (it then carries what the POST asked), not one listed afterwards.
     */
    public record Linked(Domain domain, boolean linkedNow, boolean answered) {
    }

    private DomainLinking() {
    }

    /**
     * @return the app's domain; empty when another app holds the name
     * @throws ScalingoException any other failure, the 422 of a name refused for another reason included
     */
    public static Optional<Linked> link(DomainsService scalingo, String app, DomainChanges link, Deadline deadline) {
        try {
            return Optional.of(linkOwn(scalingo, app, link, deadline));
        } catch (ScalingoException e) {
            if (isNameTaken(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * @return the app's domain
     * @throws ScalingoException Scalingo's own 422 when another app holds the name, or any other failure
     */
    public static Linked linkOwn(DomainsService scalingo, String app, DomainChanges link, Deadline deadline) {
        try {
            return new Linked(scalingo.linkDomain(app, link, deadline), true, true);
        } catch (ScalingoException e) {
            if (e.isTransient() && !e.isNotInTime()) {
                // No usable reply: the link may have been applied. Looked at, not assumed.
                Optional<Domain> applied;
                try {
                    applied = Domain.named(scalingo.listDomains(app, deadline), link.name());
                } catch (ScalingoException unknown) {
                    e.addSuppressed(unknown);
                    throw e;
                }
                return new Linked(applied.orElseThrow(() -> e), true, false);
            }
            if (!isNameTaken(e)) {
                throw e;
            }
            return new Linked(Domain.named(scalingo.listDomains(app, deadline), link.name()).orElseThrow(() -> e), false, false);
        }
    }

    /** Scalingo's answer when the name is linked already, to this app or another. */
    public static boolean isNameTaken(ScalingoException e) {
        return e.status() == 422 && e.fieldErrors().containsKey("name");
    }
}
