package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.rotation.CertificateDeployer;
import io.domainautomation.logic.rotation.CertificateRotation;
import io.domainautomation.logic.rotation.ClaimGathering;
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

    public RotationWorld(Instant start) {
        clock = new ManualClock(start);
        scalingo = new InMemoryScalingo(clock, clock);
        secrets = new InMemoryCertificateStore(clock);
        attachment = new CertificateAttachment(secrets, new CertificatePolicy(Duration.ofDays(7), Optional.empty()), clock);
        rotation = new CertificateRotation(new SecretGathering(secrets, scalingo, Optional.empty()),
                new ClaimGathering(secrets, attachment, scalingo, clock), new CertificateDeployer(scalingo, deployments, clock),
                List.of(30, 14, 7), clock, clock);
        invocation = new RotationInvocation(rotation, TestAccess.announcements(deployments), events);
    }

    public io.domainautomation.logic.port.Deadline invocationDeadline() {
        return clock.deadlineIn(Duration.ofMinutes(5));
    }
}
