package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.rotation.CertificateDeployer;
import io.domainautomation.logic.rotation.CertificateRotation;
import io.domainautomation.logic.rotation.ClaimGathering;
import io.domainautomation.logic.rotation.SecretGathering;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificatePolicy;

/** The rotation's core (gathering, claims, settling, deploying) wired on the in-memory ports, without Quarkus. */
public final class RotationWorld {

    public final ManualClock clock = new ManualClock(Instant.now());
    public final InMemoryScalingo scalingo = new InMemoryScalingo(clock, clock);
    public final InMemoryCertificateStore secrets = new InMemoryCertificateStore(clock);
    public final InMemoryDeploymentLedger deployments = new InMemoryDeploymentLedger();
    public final CertificateAttachment attachment = new CertificateAttachment(secrets,
            new CertificatePolicy(Duration.ofDays(7), Optional.empty()), clock);
    public final CertificateRotation rotation = new CertificateRotation(new SecretGathering(secrets, Optional.empty()),
            new ClaimGathering(secrets, attachment, scalingo, clock), new CertificateDeployer(scalingo, deployments, clock),
            List.of(30, 14, 7), clock, clock);

    public io.domainautomation.logic.port.Deadline invocationDeadline() {
        return clock.deadlineIn(Duration.ofMinutes(5));
    }
}
