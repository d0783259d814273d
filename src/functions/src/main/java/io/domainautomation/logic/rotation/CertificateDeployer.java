package io.domainautomation.logic.rotation;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainChanges;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;
import io.domainautomation.logic.tls.CertificateAttachment;

/**
 * Puts a winning secret's certificate on its domain when the ledger and Scalingo say it is not there
 * ({@link UploadDecision}), records the deployment, and reports and announces it.
 */
@ApplicationScoped
public class CertificateDeployer {

    private final DomainsService scalingo;
    private final DeploymentLedger deployments;
    private final Clock clock;

    public CertificateDeployer(DomainsService scalingo, DeploymentLedger deployments, Clock clock) {
        this.scalingo = scalingo;
        this.deployments = deployments;
        this.clock = clock;
    }

    /** @return whether it was uploaded */
    public boolean deploy(Candidate winner, RotationScope trigger, RotationReport.Builder report, Deadline deadline) {
        Domain domain = winner.domain();
        Entry about = Entry.of(winner.secret().name(), winner.app(), domain.name(), null, null, null);
        UploadDecision decision;
        Optional<DeploymentLedger.Deployed> recorded;
        boolean unknown;
        try {
            Settled settled = settled(winner.app(), domain, trigger);
            recorded = settled.deployed();
            unknown = settled.unknown();
            decision = UploadDecision.decide(winner.sha256(), recorded, domain);
        } catch (LedgerUnavailable e) {
            report.add(entry(about, e.isTransient() ? Outcome.FAILED : Outcome.REJECTED,
                    e.isTransient() ? "ledger" : "configuration", e.getMessage(), winner, domain));
            return false;
        }
        if (!decision.upload()) {
            report.add(entry(about, Outcome.UNCHANGED, null, decision.reason(), winner, domain));
            if (!trigger.dryRun()) {
                announceIfNot(winner.app(), domain, recorded.orElseThrow(), trigger, report);
            }
            return false;
        }
        if (trigger.dryRun()) {
            report.add(entry(about, Outcome.WOULD_ROTATE, null, "dry run: " + decision.reason(), winner, domain));
            return false;
        }
        // A deployment of an earlier run not announced yet is announced before its record is replaced.
        recorded.ifPresent(previous -> announceIfNot(winner.app(), domain, previous, trigger, report));
        // The upload's intent first (its own record, beside the deployment before it), with the certificate's own
        // subject and expiry: a run that ends after the upload leaves it for the next run to settle by looking.
        X509Certificate leaf = winner.chain().get(0);
        DeploymentLedger.Deployed intent = new DeploymentLedger.Deployed(winner.app(), domain.name(), winner.sha256(),
                winner.secret().name(), winner.material().versionId(), clock.instant(), winner.identity().subject(),
                leaf.getNotAfter().toInstant(), null, false, winner.identity(), false,
                // not verifiable either when what the domain carries is already unknown (an earlier re-key's upload
                // of unknown outcome): this intent must not make the deployment before it look known again
                !unknown && !CertificateAttachment.carries(domain, leaf));
        try {
            deployments.recordIntent(intent);
        } catch (LedgerUnavailable e) {
            report.add(entry(about, e.isTransient() ? Outcome.FAILED : Outcome.REJECTED, e.isTransient() ? "ledger"
                    : "configuration", "not uploaded: its intent could not be recorded (" + e.getMessage() + ")", winner, domain));
            return false;
        }
        Domain updated;
        try {
            updated = scalingo.updateDomain(winner.app(), domain.id(),
                    DomainChanges.certificate(CertificateAttachment.encode(winner.chain()), winner.material().privateKeyPem()), deadline);
        } catch (ScalingoException e) {
            Optional<Domain> applied = e.isTransient() && intent.verifiable() ? lookedAt(winner, domain, deadline)
                    : Optional.empty();
            if (applied.isEmpty()) {
                String check = e.isTransient() ? null : e.isConfiguration() ? "configuration" : "scalingo-refused";
                report.add(entry(about, e.isTransient() ? Outcome.FAILED : Outcome.REJECTED, check, e.getMessage(), winner, domain));
                return false;
            }
            updated = applied.get(); // the upload was applied, its reply lost: recorded and announced as any other
        }
        DeploymentLedger.Deployed deployed = confirm(intent, updated);
        Entry rotated = entry(about, Outcome.ROTATED, null, decision.reason(), winner, updated);
        report.add(rotated).rotated(RotationEvents.rotated(rotated, winner.material().versionId(), deployed.deployedAt(),
                trigger.source()), deployed);
        return true;
    }

    /** Which secret deployed the domain's certificate ("" when none is on record); empty when the ledger cannot say. */
    public Optional<String> deployedBy(String app, String domain) {
        try {
            return Optional.of(deployments.deployed(app, domain).map(DeploymentLedger.Deployed::secret).orElse(""));
        } catch (LedgerUnavailable e) {
            return Optional.empty();
        }
    }

    /** The deployment known to be on the domain; {@code unknown}: an upload of unknown outcome may have replaced it. */
    private record Settled(Optional<DeploymentLedger.Deployed> deployed, boolean unknown) {
    }

    /**
     * The domain's deployment, an upload of an earlier run whose answer never came settled first: applied (Scalingo
     * shows it) it is the deployment now, recorded (not announced yet); not applied, the deployment before it stands;
     * not knowable (a re-key), none is known.
     */
    private Settled settled(String app, Domain domain, RotationScope trigger) {
        Optional<DeploymentLedger.Deployed> recorded = deployments.deployed(app, domain.name());
        Optional<DeploymentLedger.Deployed> intent = deployments.intent(app, domain.name())
                .filter(i -> recorded.map(r -> i.deployedAt().isAfter(r.deployedAt())).orElse(true));
        if (intent.isPresent() && UploadDecision.applied(intent.get(), domain)) {
            return new Settled(Optional.of(trigger.dryRun() ? confirmedAs(intent.get(), domain)
                    : confirm(intent.get(), domain)), false);
        }
        if (intent.isPresent() && !intent.get().verifiable()) {
            // A re-key's upload whose answer never came: the domain carries it or the deployment before it, and
            // Scalingo reports both alike. Nothing known is on record: the winner is uploaded.
            return new Settled(Optional.empty(), true);
        }
        return new Settled(recorded, false);
    }

    private static DeploymentLedger.Deployed confirmedAs(DeploymentLedger.Deployed intent, Domain reported) {
        return intent.confirmedAs(reported.tlscert(), reported.validity() == null ? null : reported.validity().toInstant(),
                reported.tlskey());
    }

    /** What Scalingo reports the domain carrying, recorded (best effort: an intent left is settled by the next run). */
    private DeploymentLedger.Deployed confirm(DeploymentLedger.Deployed intent, Domain reported) {
        DeploymentLedger.Deployed confirmed = confirmedAs(intent, reported);
        try {
            deployments.recordDeployed(confirmed);
        } catch (LedgerUnavailable e) {
            // the intent stays: the next run looks at the domain and settles it
        }
        return confirmed;
    }

    /** A deployment whose announcement was not published (its run ended first): announced now, under its own id. */
    private void announceIfNot(String app, Domain domain, DeploymentLedger.Deployed deployed, RotationScope trigger,
            RotationReport.Builder report) {
        if (deployed.announced() || deployed.certificate() == null) {
            return;
        }
        Entry rotated = new Entry(deployed.secret(), app, domain.name(), Outcome.ROTATED, null, "deployed on "
                + deployed.deployedAt() + " by a run that could not announce it", deployed.certificate(), null);
        report.rotated(RotationEvents.rotated(rotated, deployed.versionId(), deployed.deployedAt(), trigger.source()),
                deployed);
    }

    /**
     * A domain no secret claims this run whose last deployment was not announced (the run that made it ended first,
     * or could not publish, and its secret no longer claims the domain): announced now, under its own id, if it is
     * known to have been applied (confirmed, or an upload Scalingo shows applied).
     */
    public void announcePending(String app, Domain domain, RotationScope trigger, RotationReport.Builder report) {
        if (trigger.dryRun()) {
            return;
        }
        try {
            settled(app, domain, trigger).deployed().ifPresent(deployed -> announceIfNot(app, domain, deployed, trigger, report));
        } catch (LedgerUnavailable e) {
            // looked at again by the next run
        }
    }

    /**
     * An upload whose reply was lost may have been applied: looked at (the app's domains listed again). The domain
     * carries it when Scalingo now reports its subject and expiry and did not before (a re-key keeps both: that
     * cannot be told, and the next run uploads it again).
     */
    private Optional<Domain> lookedAt(Candidate winner, Domain before, Deadline deadline) {
        if (CertificateAttachment.carries(before, winner.chain().get(0))) {
            return Optional.empty();
        }
        try {
            return Domain.named(scalingo.listDomains(winner.app(), deadline), before.name())
                    .filter(now -> CertificateAttachment.carries(now, winner.chain().get(0)));
        } catch (ScalingoException e) {
            return Optional.empty();
        }
    }

    private Entry entry(Entry about, Outcome outcome, String check, String reason, Candidate winner, Domain domain) {
        return new Entry(about.secret(), about.app(), about.domain(), outcome, check, reason, winner.identity(),
                Expiry.daysLeft(domain, clock));
    }
}
