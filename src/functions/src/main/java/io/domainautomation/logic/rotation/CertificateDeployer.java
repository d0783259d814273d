package io.domainautomation.logic.rotation;

import java.time.Clock;

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
        try {
            decision = UploadDecision.decide(winner.sha256(), deployments.deployed(winner.app(), domain.name()), domain);
        } catch (LedgerUnavailable e) {
            report.add(entry(about, e.isTransient() ? Outcome.FAILED : Outcome.REJECTED,
                    e.isTransient() ? "ledger" : "configuration", e.getMessage(), winner, domain));
            return false;
        }
        if (!decision.upload()) {
            report.add(entry(about, Outcome.UNCHANGED, null, decision.reason(), winner, domain));
            return false;
        }
        if (trigger.dryRun()) {
            report.add(entry(about, Outcome.WOULD_ROTATE, null, "dry run: " + decision.reason(), winner, domain));
            return false;
        }
        Domain updated;
        try {
            updated = scalingo.updateDomain(winner.app(), domain.id(),
                    DomainChanges.certificate(CertificateAttachment.encode(winner.chain()), winner.material().privateKeyPem()), deadline);
        } catch (ScalingoException e) {
            String check = e.isTransient() ? null : e.isConfiguration() ? "configuration" : "scalingo-refused";
            report.add(entry(about, e.isTransient() ? Outcome.FAILED : Outcome.REJECTED, check, e.getMessage(), winner, domain));
            return false;
        }
        String reason = decision.reason();
        try {
            deployments.recordDeployed(new DeploymentLedger.Deployed(winner.app(), domain.name(), winner.sha256(),
                    winner.secret().name(), winner.material().versionId(), clock.instant(), updated.tlscert(),
                    updated.validity() == null ? null : updated.validity().toInstant(), updated.tlskey()));
        } catch (LedgerUnavailable e) {
            reason += "; not recorded in the ledger (" + e.getMessage() + "): the next run uploads it again";
        }
        Entry rotated = entry(about, Outcome.ROTATED, null, reason, winner, updated);
        report.add(rotated).notice(RotationEvents.rotated(rotated, winner.material().versionId(), trigger.source()));
        return true;
    }

    private Entry entry(Entry about, Outcome outcome, String check, String reason, Candidate winner, Domain domain) {
        return new Entry(about.secret(), about.app(), about.domain(), outcome, check, reason, winner.identity(),
                Expiry.daysLeft(domain, clock));
    }
}
