package io.domainautomation.logic.rotation;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;
import io.domainautomation.logic.port.CertificateStore.Material;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;
import io.domainautomation.logic.tls.CertificateAttachment;
import io.domainautomation.logic.tls.CertificateChecks;
import io.domainautomation.logic.tls.CertificateIdentity;
import io.domainautomation.logic.tls.CertificateProblem;
import io.domainautomation.logic.tls.HostnameMatch;

/**
 * Reads and checks each secret of one app and turns it into claims on the app's linked domains: the ones its
 * {@code scalingo:domains} tag names, or else every linked domain its certificate covers. Whatever stops a secret
 * (unreadable, failing a check, an unknown app) goes in the report; one bad secret never stops the others.
 */
@ApplicationScoped
public class ClaimGathering {

    /**
     * The claims on each of the app's domains (by domain name, in order), the app's domains as listed, and the
     * secrets Secrets Manager could not read this run (a transient failure: they may claim domains all the same).
     */
    public record Claims(Map<String, List<Candidate>> byDomain, List<Domain> linked, List<ManagedSecret> unreadable) {
    }

    private final CertificateStore secrets;
    private final CertificateAttachment attachment;
    private final DomainsService scalingo;
    private final Clock clock;

    public ClaimGathering(CertificateStore secrets, CertificateAttachment attachment, DomainsService scalingo, Clock clock) {
        this.secrets = secrets;
        this.attachment = attachment;
        this.scalingo = scalingo;
        this.clock = clock;
    }

    /**
     * The longest an app's first call (the listing of its domains) can take: an app is started only with that much
     * left, or its listing would be refused.
     */
    public Duration longestFirstCall() {
        return scalingo.longestRequest();
    }

    /**
     * @param reportFor which secrets' problems go in the report (a secret-change trigger reports its own secret only)
     */
    public Claims gather(List<ManagedSecret> appSecrets, Optional<String> onlyDomain, Optional<String> reportFor,
            RotationReport.Builder report, Deadline deadline) {
        Map<String, List<Domain>> domainsByApp = new HashMap<>();
        Map<String, List<Candidate>> claims = new TreeMap<>();
        List<ManagedSecret> unreadable = new ArrayList<>();
        for (ManagedSecret secret : appSecrets) {
            RotationReport.Builder problems = reportFor.map(secret.arn()::equals).orElse(true) ? report
                    : RotationReport.builder("", false);
            claim(secret, onlyDomain, domainsByApp, claims, unreadable, problems, deadline);
        }
        String app = appSecrets.get(0).app().get();
        return new Claims(claims, domainsByApp.getOrDefault(app, List.of()), unreadable);
    }

    private void claim(ManagedSecret secret, Optional<String> onlyDomain, Map<String, List<Domain>> domainsByApp,
            Map<String, List<Candidate>> claims, List<ManagedSecret> unreadable, RotationReport.Builder problems,
            Deadline deadline) {
        String app = secret.app().get();
        String declared = secret.domains().map(d -> String.join(" ", d)).orElse("*");
        List<X509Certificate> chain;
        Material material;
        try {
            material = secrets.read(secret.arn());
            chain = attachment.checkedChain(material);
        } catch (ServiceFailure e) {
            problems.add(Entry.of(secret.name(), app, declared, CertificateRotation.outcome(e), CertificateRotation.check(e),
                    "Secrets Manager: " + e.code()));
            if (e.isTransient() || e.kind() == ServiceFailure.Kind.DENIED) {
                unreadable.add(secret); // could not be read this run: it holds its place (ClaimHold)
            }
            return;
        } catch (CertificateStore.UnusableSecret e) {
            problems.add(Entry.of(secret.name(), app, declared, Outcome.REJECTED, "secret-format", e.getMessage()));
            return;
        } catch (CertificateProblem e) {
            problems.add(Entry.of(secret.name(), app, declared, Outcome.REJECTED, e.check(), e.getMessage()));
            return;
        }
        X509Certificate leaf = chain.get(0);
        CertificateIdentity identity = CertificateIdentity.of(leaf);
        List<Domain> linked;
        try {
            linked = domainsByApp.computeIfAbsent(app, a -> scalingo.listDomains(a, deadline));
        } catch (ScalingoException e) {
            if (e.isTransient()) {
                unreadable.add(secret); // its claims unknown this run: it holds the domains it may claim
            }
            Outcome outcome = e.isTransient() ? Outcome.FAILED : Outcome.REJECTED;
            String check = e.isConfiguration() ? "configuration" : e.isNotFound() ? "unknown-app" : "scalingo";
            problems.add(Entry.of(secret.name(), app, declared, outcome, check, e.getMessage()).about(identity, null));
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
                problems.add(Entry.of(secret.name(), app, target, Outcome.NOT_LINKED, null,
                        "the domain is not linked to the app; it is not created").about(identity, null));
                continue;
            }
            try {
                CertificateChecks.coversDomain(leaf, target);
            } catch (CertificateProblem e) {
                problems.add(Entry.of(secret.name(), app, target, Outcome.REJECTED, e.check(), e.getMessage())
                        .about(identity, Expiry.daysLeft(domain.get(), clock)));
                continue;
            }
            ConflictResolution.Claim claim = new ConflictResolution.Claim(secret.name(), secret.domains().isPresent(),
                    leaf.getNotAfter().toInstant(), material.versionCreated());
            claims.computeIfAbsent(domain.get().name(), k -> new ArrayList<>()).add(new Candidate(secret, app,
                    domain.get(), chain, material, identity, claim));
        }
    }
}
