package io.domainautomation.logic.rotation;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.aws.AwsFailure;
import io.domainautomation.aws.CertificateSecrets;
import io.domainautomation.aws.CertificateSecrets.ManagedSecret;
import io.domainautomation.aws.CertificateSecrets.Material;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.Notice;
import io.domainautomation.logic.events.RotationEvents;
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
 * Keeps each domain's custom certificate equal to its secret's: reads the secrets, checks them, settles domains
 * claimed by several (one winner, the others reported as conflicts), and uploads the winner's certificate only when
 * it is not what the ledger says was deployed, or the domain's was changed since. One bad secret never stops the
 * others.
 */
@ApplicationScoped
public class CertificateRotation {

    private final CertificateSecrets secrets;
    private final CertificateAttachment attachment;
    private final ScalingoClient scalingo;
    private final Optional<String> namePrefix;
    private final DeploymentLedger deployments;
    private final List<Integer> expiryWarnings;
    private final Clock clock = Clock.systemUTC();

    CertificateRotation(CertificateSecrets secrets, CertificateAttachment attachment, ScalingoClient scalingo,
            RotationConfig config, DeploymentLedger deployments) {
        this.secrets = secrets;
        this.attachment = attachment;
        this.scalingo = scalingo;
        this.deployments = deployments;
        this.namePrefix = config.secretNamePrefix().filter(p -> !p.isBlank());
        this.expiryWarnings = config.expiryWarnings();
    }

    /**
     * Rotates what the trigger covers; the daily run stops between two apps before {@code budget} (or the
     * invocation's deadline) would be passed, and its report says after which app the next invocation goes on.
     */
    public RotationReport run(RotationScope trigger, Duration budget, Deadline deadline) {
        RotationReport.Builder report = RotationReport.builder(trigger.source(), trigger.dryRun());
        List<ManagedSecret> managed;
        Optional<String> onlySecret = Optional.empty();
        try {
            managed = switch (trigger.scope()) {
                case ALL -> secrets.listManaged(namePrefix);
                case SECRET -> {
                    // The other secrets of its app too: one of them may claim the same domains (see ConflictResolution)
                    ManagedSecret named = secrets.describe(trigger.secretId().get(), namePrefix);
                    onlySecret = Optional.of(named.arn());
                    yield named.managed() ? sameApp(named) : List.of(named);
                }
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
        Map<String, List<ManagedSecret>> byApp = new TreeMap<>();
        for (ManagedSecret secret : managed) {
            if (!secret.managed()) {
                report.add(new Entry(secret.name(), null, null, Outcome.REJECTED, "not-managed",
                        "the secret has no " + CertificateSecrets.APP_TAG + " tag (or not the configured name prefix)", null, null));
                continue;
            }
            byApp.computeIfAbsent(secret.app().get(), a -> new ArrayList<>()).add(secret);
        }
        // The daily run goes through apps in name order, each with all its secrets (conflicts are per app), and
        // starts no new app once the budget would be passed: the rest goes to the next invocation.
        long budgetEnd = Deadline.after(budget).earliest(deadline).nanoTime();
        long slowest = 0;
        int done = 0;
        for (Map.Entry<String, List<ManagedSecret>> app : byApp.entrySet()) {
            if (trigger.after().map(after -> app.getKey().compareTo(after) <= 0).orElse(false)) {
                continue;
            }
            long started = System.nanoTime();
            if (done++ > 0 && started + 2 * slowest > budgetEnd) {
                report.continueAfter(lastApp(byApp, app.getKey()));
                break;
            }
            rotateApp(app.getValue(), trigger, onlySecret, report, deadline);
            slowest = Math.max(slowest, System.nanoTime() - started);
        }
        return withRejections(report.build(), trigger.source());
    }

    /**
     * Every certificate refused by a check is announced (once per check and certificate). Not a role that may not
     * read, which is this service's configuration (alarmed), nor a failure worth another try.
     */
    private static RotationReport withRejections(RotationReport report, String trigger) {
        RotationReport.Builder with = RotationReport.builder(report.trigger(), report.dryRun());
        report.entries().forEach(with::add);
        report.notices().forEach(with::notice);
        if (report.continueAfter() != null) {
            with.continueAfter(report.continueAfter());
        }
        report.entries().stream()
                .filter(e -> e.outcome() == Outcome.REJECTED && e.app() != null && e.check() != null && !"configuration".equals(e.check()))
                .forEach(e -> with.notice(RotationEvents.rejected(e, trigger)));
        return with.build();
    }

    private static String lastApp(Map<String, List<ManagedSecret>> byApp, String next) {
        return ((TreeMap<String, List<ManagedSecret>>) byApp).lowerKey(next);
    }

    /** Every secret of one app: their claims on its domains, the conflicts settled, the winners deployed. */
    private void rotateApp(List<ManagedSecret> appSecrets, RotationScope trigger, Optional<String> onlySecret,
            RotationReport.Builder report, Deadline deadline) {
        Map<String, List<Domain>> domainsByApp = new HashMap<>();
        Map<String, List<Candidate>> claims = new TreeMap<>();
        Set<String> replaced = new HashSet<>();
        for (ManagedSecret secret : appSecrets) {
            boolean reported = onlySecret.map(secret.arn()::equals).orElse(true);
            claim(secret, trigger.domain().map(Hostname::ascii), domainsByApp, claims, reported ? report : null, deadline);
        }
        for (List<Candidate> candidates : claims.values()) {
            ConflictResolution.Outcome settled = ConflictResolution.settle(candidates.stream().map(Candidate::claim).toList());
            Candidate winner = candidates.stream().filter(c -> c.claim() == settled.winner()).findFirst().orElseThrow();
            for (ConflictResolution.Claim loser : settled.losers()) {
                Candidate lost = candidates.stream().filter(c -> c.claim() == loser).findFirst().orElseThrow();
                if (onlySecret.isEmpty() || onlySecret.get().equals(lost.secret().arn()) || onlySecret.get().equals(winner.secret().arn())) {
                    Entry conflict = new Entry(lost.secret().name(), lost.app(), lost.domain().name(), Outcome.CONFLICT, "conflict",
                            winner.secret().name() + " also claims this domain and wins: " + settled.why(), lost.identity(),
                            daysToExpiry(lost.domain()));
                    report.add(conflict).notice(RotationEvents.conflict(conflict, winner.secret().name(), settled.why(),
                            trigger.source()));
                }
            }
            if ((onlySecret.isEmpty() || onlySecret.get().equals(winner.secret().arn())) && deploy(winner, trigger, report, deadline)) {
                replaced.add(winner.domain().name());
            }
        }
        String app = appSecrets.get(0).app().get();
        for (Domain domain : domainsByApp.getOrDefault(app, List.of())) {
            if (!replaced.contains(domain.name()) && trigger.domain().map(d -> d.ascii().equals(domain.name())).orElse(true)) {
                expiring(app, domain, trigger.source()).ifPresent(report::notice);
            }
        }
    }

    /**
     * The certificate a domain carries as listed at the start of the run, past an expiry warning; not one replaced by
     * this run (its successor is the one that counts, seen by the next run).
     */
    private Optional<Notice> expiring(String app, Domain domain, String trigger) {
        if (!domain.hasCustomCertificate() || domain.validity() == null) {
            return Optional.empty();
        }
        long daysLeft = daysToExpiry(domain);
        OptionalInt threshold = ExpiryWarning.reached(daysLeft, expiryWarnings);
        return threshold.isEmpty() ? Optional.empty() : Optional.of(RotationEvents.expiring(app, domain.name(),
                domain.tlscert(), domain.validity().toInstant(), daysLeft, threshold.getAsInt(), trigger));
    }

    private List<ManagedSecret> sameApp(ManagedSecret named) {
        List<ManagedSecret> all = new ArrayList<>(secrets.listManaged(namePrefix).stream()
                .filter(s -> s.app().equals(named.app())).toList());
        if (all.stream().noneMatch(s -> s.arn().equals(named.arn()))) {
            all.add(named);
        }
        return all;
    }

    /** One secret's checked certificate, claiming one linked domain of its app. */
    private record Candidate(ManagedSecret secret, String app, Domain domain, List<X509Certificate> chain, Material material,
            CertificateIdentity identity, String sha256, ConflictResolution.Claim claim) {
    }

    /** Reads and checks one secret, and adds its claim on each linked domain it serves; problems go in the report. */
    private void claim(ManagedSecret secret, Optional<String> onlyDomain, Map<String, List<Domain>> domainsByApp,
            Map<String, List<Candidate>> claims, RotationReport.Builder report, Deadline deadline) {
        RotationReport.Builder problems = report == null ? RotationReport.builder("", false) : report;
        String app = secret.app().get();
        String declared = secret.domains().map(d -> String.join(" ", d)).orElse("*");
        List<X509Certificate> chain;
        Material material;
        try {
            material = secrets.read(secret.arn());
            chain = attachment.checkedChain(material);
        } catch (AwsFailure e) {
            problems.add(new Entry(secret.name(), app, declared, outcome(e), check(e), "Secrets Manager: " + e.code(), null, null));
            return;
        } catch (CertificateSecrets.UnusableSecret e) {
            problems.add(new Entry(secret.name(), app, declared, Outcome.REJECTED, "secret-format", e.getMessage(), null, null));
            return;
        } catch (CertificateProblem e) {
            problems.add(new Entry(secret.name(), app, declared, Outcome.REJECTED, e.check(), e.getMessage(), null, null));
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
            problems.add(new Entry(secret.name(), app, declared, outcome, check, e.getMessage(), identity, null));
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
                problems.add(new Entry(secret.name(), app, target, Outcome.NOT_LINKED,
                        null, "the domain is not linked to the app; it is not created", identity, null));
                continue;
            }
            try {
                CertificateChecks.coversDomain(leaf, target);
            } catch (CertificateProblem e) {
                problems.add(new Entry(secret.name(), app, target, Outcome.REJECTED, e.check(), e.getMessage(), identity,
                        daysToExpiry(domain.get())));
                continue;
            }
            ConflictResolution.Claim claim = new ConflictResolution.Claim(secret.name(), secret.domains().isPresent(),
                    leaf.getNotAfter().toInstant(), material.versionCreated());
            claims.computeIfAbsent(app + " " + domain.get().name(), k -> new ArrayList<>()).add(new Candidate(secret, app,
                    domain.get(), chain, material, identity, identity.sha256(), claim));
        }
    }

    /**
     * The winning secret's certificate onto its domain, when the ledger and Scalingo say it is not there.
     *
     * @return whether it was uploaded
     */
    private boolean deploy(Candidate winner, RotationScope trigger, RotationReport.Builder report, Deadline deadline) {
        boolean dryRun = trigger.dryRun();
        Domain domain = winner.domain();
        UploadDecision decision;
        try {
            decision = UploadDecision.decide(winner.sha256(), deployments.deployed(winner.app(), domain.name()), domain);
        } catch (LedgerUnavailable e) {
            report.add(new Entry(winner.secret().name(), winner.app(), domain.name(), e.isTransient() ? Outcome.FAILED : Outcome.REJECTED,
                    e.isTransient() ? "ledger" : "configuration", e.getMessage(), winner.identity(), daysToExpiry(domain)));
            return false;
        }
        if (!decision.upload()) {
            report.add(new Entry(winner.secret().name(), winner.app(), domain.name(), Outcome.UNCHANGED, null, decision.reason(),
                    winner.identity(), daysToExpiry(domain)));
            return false;
        }
        if (dryRun) {
            report.add(new Entry(winner.secret().name(), winner.app(), domain.name(), Outcome.WOULD_ROTATE, null,
                    "dry run: " + decision.reason(), winner.identity(), daysToExpiry(domain)));
            return false;
        }
        Domain updated;
        try {
            updated = scalingo.updateDomain(winner.app(), domain.id(),
                    DomainChanges.certificate(CertificateAttachment.encode(winner.chain()), winner.material().privateKeyPem()), deadline);
        } catch (ScalingoException e) {
            String check = e.isTransient() ? null : e.isConfiguration() ? "configuration" : "scalingo-refused";
            report.add(new Entry(winner.secret().name(), winner.app(), domain.name(), e.isTransient() ? Outcome.FAILED : Outcome.REJECTED,
                    check, e.getMessage(), winner.identity(), daysToExpiry(domain)));
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
        Entry rotated = new Entry(winner.secret().name(), winner.app(), domain.name(), Outcome.ROTATED, null, reason,
                winner.identity(), daysToExpiry(updated));
        report.add(rotated).notice(RotationEvents.rotated(rotated, winner.material().versionId(), trigger.source()));
        return true;
    }

    /** Worth another run later (failed), or a problem someone must fix (rejected). */
    private static Outcome outcome(AwsFailure e) {
        return e.isTransient() ? Outcome.FAILED : Outcome.REJECTED;
    }

    /** A role that may not read a secret is a configuration problem, as in link-on-signup: alarmed, not retried. */
    private static String check(AwsFailure e) {
        return e.kind() == AwsFailure.Kind.DENIED ? "configuration" : "secrets-manager";
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
