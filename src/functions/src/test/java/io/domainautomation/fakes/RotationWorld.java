package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.rotation.CertificateDeployer;
import io.domainautomation.logic.rotation.CertificateRotation;
import io.domainautomation.logic.rotation.ClaimGathering;
import io.domainautomation.logic.rotation.DeploymentLedger;
import io.domainautomation.logic.rotation.RotationInvocation;
import io.domainautomation.logic.rotation.SecretGathering;
import io.domainautomation.logic.rotation.TestAccess;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificatePolicy;

/**
 * The rotation's core (gathering, claims, settling, deploying, announcing) wired on the in-memory ports, without
 * Quarkus: what the fast tests and the simulator drive.
 */
public final class RotationWorld {

    public final ManualClock clock;
    public final InMemoryScalingo scalingo;
    public final InMemoryCertificateStore secrets;
    public final InMemoryDeploymentLedger deployments = new InMemoryDeploymentLedger();
    public final RecordingEventSink events = new RecordingEventSink();
    public final CertificateAttachment attachment;
    public final CertificateRotation rotation;
    public final RotationInvocation invocation;

    public RotationWorld() {
        this(Instant.now());
    }

    /**
     * The ports the core is given, each made from its in-memory model: the models themselves, or (a fidelity run)
     * mirrors that make every call on the real adapter too.
     */
    public interface Ports {
        Ports MODELS = new Ports() {
        };

        /** Scalingo's apps and domains: an object implementing both {@code AppsService} and {@code DomainsService}. */
        default Object scalingo(InMemoryScalingo model, ManualClock clock) {
            return model;
        }

        default DeploymentLedger deployments(InMemoryDeploymentLedger model) {
            return model;
        }

        default io.domainautomation.logic.port.CertificateStore secrets(InMemoryCertificateStore model) {
            return model;
        }
    }

    public RotationWorld(Instant start) {
        this(start, Ports.MODELS);
    }

    public RotationWorld(Instant start, Ports ports) {
        clock = new ManualClock(start);
        scalingo = new InMemoryScalingo(clock, clock);
        secrets = new InMemoryCertificateStore(clock);
        Object platform = ports.scalingo(scalingo, clock);
        AppsService apps = (AppsService) platform;
        DomainsService domains = (DomainsService) platform;
        DeploymentLedger ledger = ports.deployments(deployments);
        io.domainautomation.logic.port.CertificateStore store = ports.secrets(secrets);
        attachment = new CertificateAttachment(store, new CertificatePolicy(Duration.ofDays(7), Optional.empty()), clock);
        rotation = new CertificateRotation(new SecretGathering(store, apps, Optional.empty(), clock),
                new ClaimGathering(store, attachment, domains, clock), new CertificateDeployer(domains, ledger, clock),
                List.of(30, 14, 7), clock, clock);
        invocation = new RotationInvocation(rotation, TestAccess.announcements(ledger), events);
    }

    public io.domainautomation.logic.port.Deadline invocationDeadline() {
        return clock.deadlineIn(Duration.ofMinutes(5));
    }
}
