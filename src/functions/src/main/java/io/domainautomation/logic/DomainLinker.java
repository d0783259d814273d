package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.tls.CertificateAttachment;

/**
 * Links a domain to an app with the fewest Scalingo calls (one list, then one POST for a new domain, plus one
 * PATCH only if canonical was asked and the POST did not set it), idempotent under repeated delivery. A domain found
 * linked (before the POST, or after it when the name was taken a moment ago or the POST had no usable reply) gets
 * in one PATCH what the message asks and it lacks: canonical; the message's certificate only when it carries no
 * custom certificate at all (one it carries, whoever put it there, is left as it is: messages never take a
 * certificate from each other or from the rotation).
 */
@ApplicationScoped
public class DomainLinker {

    public enum Outcome { LINKED, ALREADY_LINKED }

    public record Result(Outcome outcome, Domain domain, String detail) {
    }

    /** Same app and domain in one process go one after the other, so duplicates in a batch never race. */
    private final Object[] stripes = new Object[64];
    private final DomainsService scalingo;

    public DomainLinker(DomainsService scalingo) {
        this.scalingo = scalingo;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** The longest one of its requests to Scalingo can take (see {@link DomainsService#longestRequest()}). */
    public java.time.Duration longestRequest() {
        return scalingo.longestRequest();
    }

    /**
     * @throws ScalingoException when Scalingo refuses (permanent) or stays unavailable (transient)
     * @param beforeLink run right before a new link is asked of Scalingo (link-on-signup records its attempt there)
     * @throws InvalidInput when the app is at its domain limit
     */
    public Result link(String app, Hostname domain, boolean canonical, boolean letsencrypt,
            Optional<CertificateAttachment.Checked> certificate, Runnable beforeLink, Deadline deadline) throws InvalidInput {
        synchronized (stripes[Math.floorMod((app + "|" + domain.ascii()).hashCode(), stripes.length)]) {
            List<Domain> current = scalingo.listDomains(app, deadline);
            LinkPlan plan = LinkPlan.decide(current, domain, canonical);
            switch (plan.action()) {
                case NOTHING:
                case MAKE_CANONICAL:
                    return completeExisting(app, plan, canonical, certificate, deadline);
                case REFUSE:
                    throw new InvalidInput("domain", plan.reason());
                default:
                    beforeLink.run();
                    return linkNew(app, domain, canonical, letsencrypt, certificate, deadline);
            }
        }
    }

    /** A linked domain gets, in one PATCH, what the message asks and it lacks: canonical, a certificate. */
    private Result completeExisting(String app, LinkPlan plan, boolean canonical,
            Optional<CertificateAttachment.Checked> certificate, Deadline deadline) {
        Domain existing = plan.existing().get();
        boolean makeCanonical = canonical && !existing.isCanonical();
        boolean attach = certificate.isPresent() && !existing.hasCustomCertificate();
        if (!makeCanonical && !attach) {
            return new Result(Outcome.ALREADY_LINKED, existing, plan.reason() + leftAsItIs(existing, certificate));
        }
        DomainChanges changes = new DomainChanges(null, attach ? certificate.get().chainPem() : null,
                attach ? certificate.get().privateKeyPem() : null, makeCanonical ? Boolean.TRUE : null, null);
        Domain updated = scalingo.updateDomain(app, existing.id(), changes, deadline);
        return new Result(Outcome.ALREADY_LINKED, updated, "linked already; " + (makeCanonical ? "made canonical" : "")
                + (makeCanonical && attach ? " and " : "") + (attach ? "certificate attached" : ""));
    }

    /** The app's domain of that name, as Scalingo lists it now (one call). */
    public Optional<Domain> find(String app, Hostname domain, Deadline deadline) {
        return Domain.named(scalingo.listDomains(app, deadline), domain.ascii());
    }

    /** When a message's certificate is not given because the domain carries another one. */
    private static String leftAsItIs(Domain domain, Optional<CertificateAttachment.Checked> certificate) {
        if (certificate.isEmpty() || !domain.hasCustomCertificate() || CertificateAttachment.carries(domain, certificate.get().leaf())) {
            return "";
        }
        return "; it carries another certificate (" + domain.tlscert() + (domain.validity() == null ? ""
                : ", until " + domain.validity().toInstant()) + "), left as it is";
    }

    private Result linkNew(String app, Hostname domain, boolean canonical, boolean letsencrypt,
            Optional<CertificateAttachment.Checked> certificate, Deadline deadline) {
        DomainChanges link = DomainChanges.link(domain.ascii(), canonical ? Boolean.TRUE : null,
                letsencrypt ? null : Boolean.FALSE);
        if (certificate.isPresent()) {
            link = link.withCertificate(certificate.get().chainPem(), certificate.get().privateKeyPem());
        }
        DomainLinking.Linked result = DomainLinking.linkOwn(scalingo, app, link, deadline);
        // The domain as Scalingo has it: this POST's reply, or the one listed when another container linked the name a
        // moment ago (a 422), or when the POST had no usable reply (it may be this POST's, or another's). Another's may
        // lack what this message asks: given in one PATCH, as to a domain linked already.
        Domain linked = result.domain();
        boolean makeCanonical = canonical && !linked.isCanonical();
        boolean attach = certificate.isPresent() && !result.answered() && !linked.hasCustomCertificate();
        if (makeCanonical || attach) {
            DomainChanges missing = new DomainChanges(null, attach ? certificate.get().chainPem() : null,
                    attach ? certificate.get().privateKeyPem() : null, makeCanonical ? Boolean.TRUE : null, null);
            linked = scalingo.updateDomain(app, linked.id(), missing, deadline);
        }
        if (!result.linkedNow()) {
            // Another container may have linked the same message a moment ago: that is success, not an error.
            return new Result(Outcome.ALREADY_LINKED, linked, "linked concurrently by another delivery"
                    + (attach ? "; certificate attached" : leftAsItIs(linked, certificate)));
        }
        return new Result(Outcome.LINKED, linked, "linked");
    }
}
