package io.domainautomation.logic.rotation;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.aws.AwsFailure;
import io.domainautomation.aws.CertificateSecrets;
import io.domainautomation.aws.CertificateSecrets.ManagedSecret;
import io.domainautomation.aws.CertificateSecrets.Material;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificateChecks;
import io.domainautomation.logic.tls.CertificateIdentity;
import io.domainautomation.logic.tls.CertificateProblem;
import io.domainautomation.logic.tls.HostnameMatch;
import io.domainautomation.scalingo.Deadline;
import io.domainautomation.scalingo.Domain;
import io.domainautomation.scalingo.DomainChanges;
import io.domainautomation.scalingo.ScalingoClient;
import io.domainautomation.scalingo.ScalingoException;

/**
 * Keeps each domain's custom certificate equal to its secret's: reads the secret, checks it, and uploads it only
 * where the domain does not carry it already. One bad secret never stops the others.
 */
@ApplicationScoped
public class CertificateRotation {

    private final CertificateSecrets secrets;
    private final CertificateAttachment attachment;
    private final ScalingoClient scalingo;
    private final Optional<String> namePrefix;
    private final Clock clock = Clock.systemUTC();

    CertificateRotation(CertificateSecrets secrets, CertificateAttachment attachment, ScalingoClient scalingo,
            RotationConfig config) {
        this.secrets = secrets;
        this.attachment = attachment;
        this.scalingo = scalingo;
        this.namePrefix = config.secretNamePrefix().filter(p -> !p.isBlank());
    }

    public RotationReport run(RotationScope trigger, Deadline deadline) {
        RotationReport.Builder report = RotationReport.builder(trigger.source(), trigger.dryRun());
        List<ManagedSecret> managed;
        try {
            managed = switch (trigger.scope()) {
                case ALL -> secrets.listManaged(namePrefix);
                case SECRET -> List.of(secrets.describe(trigger.secretId().get(), namePrefix));
                case DOMAIN -> secrets.listManaged(namePrefix).stream()
                        .filter(s -> s.app().get().equals(trigger.app().get()))
                        .filter(s -> s.domains().map(d -> d.contains(trigger.domain().get().ascii())).orElse(true))
                        .collect(Collectors.toList());
            };
        } catch (AwsFailure e) {
            report.add(new Entry(trigger.secretId().orElse("*"), trigger.app().orElse(null), null, outcome(e),
                    check(e), "Secrets Manager: " + e.code(), null, null));
            return report.build();
        }
        Map<String, List<Domain>> domainsByApp = new HashMap<>();
        for (ManagedSecret secret : managed) {
            if (!secret.managed()) {
                report.add(new Entry(secret.name(), null, null, Outcome.REJECTED, "not-managed",
                        "the secret has no " + CertificateSecrets.APP_TAG + " tag (or not the configured name prefix)", null, null));
                continue;
            }
            rotate(secret, trigger.domain().map(h -> h.ascii()), trigger.dryRun(), domainsByApp, report, deadline);
        }
        return report.build();
    }

    /** Worth another run later (failed), or a problem someone must fix (rejected). */
    private static Outcome outcome(AwsFailure e) {
        return e.isTransient() ? Outcome.FAILED : Outcome.REJECTED;
    }

    /** A role that may not read a secret is a configuration problem, as in link-on-signup: alarmed, not retried. */
    private static String check(AwsFailure e) {
        return e.kind() == AwsFailure.Kind.DENIED ? "configuration" : "secrets-manager";
    }

    private void rotate(ManagedSecret secret, Optional<String> onlyDomain, boolean dryRun,
            Map<String, List<Domain>> domainsByApp, RotationReport.Builder report, Deadline deadline) {
        String app = secret.app().get();
        String declared = secret.domains().map(d -> String.join(" ", d)).orElse("*");
        List<X509Certificate> chain;
        Material material;
        try {
            material = secrets.read(secret.arn());
            chain = attachment.checkedChain(material);
        } catch (AwsFailure e) {
            report.add(new Entry(secret.name(), app, declared, outcome(e), check(e), "Secrets Manager: " + e.code(), null, null));
            return;
        } catch (CertificateSecrets.UnusableSecret e) {
            report.add(new Entry(secret.name(), app, declared, Outcome.REJECTED, "secret-format", e.getMessage(), null, null));
            return;
        } catch (CertificateProblem e) {
            report.add(new Entry(secret.name(), app, declared, Outcome.REJECTED, e.check(), e.getMessage(), null, null));
            return;
        }
        X509Certificate leaf = chain.get(0);
        CertificateIdentity identity = CertificateIdentity.of(leaf);
        List<Domain> linked;
        try {
            linked = domainsByApp.computeIfAbsent(app, a -> scalingo.listDomains(a, deadline));
        } catch (ScalingoException e) {
            Outcome outcome = e.isTransient() ? Outcome.FAILED : Outcome.REJECTED;
            String check = e.isConfiguration() ? "configuration" : e.isNotFound() ? "unknown-app" : "scalingo";
            report.add(new Entry(secret.name(), app, declared, outcome, check, e.getMessage(), identity, null));
            return;
        }
        List<String> targets = secret.domains().orElseGet(() -> linked.stream().map(Domain::name)
                .filter(name -> HostnameMatch.certificateCovers(leaf, name)).toList());
        for (String target : targets) {
            if (onlyDomain.isPresent() && !onlyDomain.get().equals(target)) {
                continue;
            }
            Optional<Domain> domain = Domain.named(linked, target);
            if (domain.isEmpty()) {
                report.add(new Entry(secret.name(), app, target, Outcome.NOT_LINKED,
                        null, "the domain is not linked to the app; it is not created", identity, null));
                continue;
            }
            try {
                CertificateChecks.coversDomain(leaf, target);
            } catch (CertificateProblem e) {
                report.add(new Entry(secret.name(), app, target, Outcome.REJECTED, e.check(), e.getMessage(), identity,
                        daysToExpiry(domain.get())));
                continue;
            }
            if (CertificateAttachment.carries(domain.get(), leaf)) {
                report.add(new Entry(secret.name(), app, target, Outcome.UNCHANGED, null, "the domain carries this certificate",
                        identity, daysToExpiry(domain.get())));
                continue;
            }
            if (dryRun) {
                report.add(new Entry(secret.name(), app, target, Outcome.WOULD_ROTATE, null,
                        "dry run: the domain carries " + describe(domain.get()), identity, daysToExpiry(domain.get())));
                continue;
            }
            upload(secret, app, domain.get(), chain, material, identity, report, deadline);
        }
    }

    private void upload(ManagedSecret secret, String app, Domain domain, List<X509Certificate> chain, Material material,
            CertificateIdentity identity, RotationReport.Builder report, Deadline deadline) {
        try {
            Domain updated = scalingo.updateDomain(app, domain.id(),
                    DomainChanges.certificate(CertificateAttachment.encode(chain), material.privateKeyPem()), deadline);
            report.add(new Entry(secret.name(), app, domain.name(), Outcome.ROTATED, null,
                    "replaced " + describe(domain), identity, daysToExpiry(updated)));
        } catch (ScalingoException e) {
            String check = e.isTransient() ? null : e.isConfiguration() ? "configuration" : "scalingo-refused";
            report.add(new Entry(secret.name(), app, domain.name(), e.isTransient() ? Outcome.FAILED : Outcome.REJECTED,
                    check, e.getMessage(), identity, daysToExpiry(domain)));
        }
    }

    private Long daysToExpiry(Domain domain) {
        if (domain.validity() == null) {
            return null;
        }
        return Duration.between(clock.instant(), domain.validity().toInstant()).toDays();
    }

    private static String describe(Domain domain) {
        return domain.hasCustomCertificate() ? "certificate " + domain.tlscert() + " valid until " + domain.validity()
                : "no custom certificate";
    }

}
