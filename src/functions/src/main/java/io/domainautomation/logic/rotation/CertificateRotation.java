package io.domainautomation.logic.rotation;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.events.Notice;
import io.domainautomation.logic.port.CertificateStore.ManagedSecret;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.port.TimeBudget;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;

/**
 * Keeps each domain's custom certificate equal to its secret's. A run, in order: which secrets
 * ({@link SecretGathering}); per app, their claims on its domains ({@link ClaimGathering}); per domain, one winner
 * ({@link ConflictSettling}); the winner deployed when it is not there ({@link CertificateDeployer}); certificates
 * near their expiry announced. One bad secret never stops the others.
 */
@ApplicationScoped
public class CertificateRotation {

    private final SecretGathering secrets;
    private final ClaimGathering claims;
    private final CertificateDeployer deployer;
    private final List<Integer> expiryWarnings;
    private final Clock clock;
    private final Ticker ticker;

    @Inject
    public CertificateRotation(SecretGathering secrets, ClaimGathering claims, CertificateDeployer deployer,
            RotationConfig config, Clock clock, Ticker ticker) {
        this(secrets, claims, deployer, config.expiryWarnings(), clock, ticker);
    }

    public CertificateRotation(SecretGathering secrets, ClaimGathering claims, CertificateDeployer deployer,
            List<Integer> expiryWarnings, Clock clock, Ticker ticker) {
        this.secrets = secrets;
        this.claims = claims;
        this.deployer = deployer;
        this.expiryWarnings = List.copyOf(expiryWarnings);
        this.clock = clock;
        this.ticker = ticker;
    }

    /**
     * Rotates what the trigger covers; the daily run stops between two apps before {@code budget} (or the
     * invocation's deadline) would be passed, and its report says after which app the next invocation goes on.
     */
    public RotationReport run(RotationScope trigger, Duration budget, Deadline deadline) {
        RotationReport.Builder report = RotationReport.builder(trigger.source(), trigger.dryRun());
        // The budget counts from the start: listing the secrets and the apps is part of the invocation's time. An app
        // is started only with the time left to list its domains (a request is never sent that could end past the
        // deadline): the rest is handed on, not reported failed.
        TimeBudget time = TimeBudget.of(ticker, budget, deadline.less(claims.longestFirstCall()));
        SecretGathering.Gathered gathered;
        try {
            gathered = secrets.gather(trigger, report, deadline);
        } catch (ServiceFailure e) {
            report.add(Entry.of(trigger.secretId().orElse("*"), trigger.app().orElse(null), null, outcome(e), check(e),
                    "Secrets Manager: " + e.code()));
            return report.build();
        } catch (ScalingoException e) {
            // The apps the secrets name could not be listed: nothing is deployed on a guess of which app is which.
            report.add(Entry.of(trigger.secretId().orElse("*"), trigger.app().orElse(null), null,
                    e.isTransient() ? Outcome.FAILED : Outcome.REJECTED, e.isConfiguration() ? "configuration" : "scalingo",
                    "Scalingo (listing the apps): " + e.getMessage()));
            return report.build();
        }
        if (trigger.scope() == RotationScope.Scope.ALL) {
            report.listedAll();
        }
        // The daily run goes through apps in name order, each with all its secrets (conflicts are per app), and
        // starts no new app once the budget would be passed: the rest goes to the next invocation.
        for (Map.Entry<String, List<ManagedSecret>> app : gathered.byApp().entrySet()) {
            if (trigger.after().map(after -> app.getKey().compareTo(after) <= 0).orElse(false)) {
                continue;
            }
            // after the app before this one, or after the trigger's own resume point if that is later (apps up to it are
            // done already)
            String before = gathered.byApp().lowerKey(app.getKey());
            String resumeAfter = trigger.after().filter(after -> before == null || after.compareTo(before) > 0).orElse(before);
            // the first app too, when the run can be resumed before it: an app the listing of its domains would be
            // refused for is handed on, not failed (one a new run would start with is reported "not in time")
            boolean noTimeForIt = !deadline.allows(claims.longestFirstCall(), ticker) && resumeAfter != null;
            if (!time.startNext() || noTimeForIt) {
                report.continueAfter(resumeAfter);
                break;
            }
            rotateApp(app.getValue(), trigger, gathered.onlySecret(), report, deadline);
            time.stepDone();
        }
        return withRejections(report.build(), trigger.source());
    }

    /** Every secret of one app: their claims on its domains, the conflicts settled, the winners deployed. */
    private void rotateApp(List<ManagedSecret> appSecrets, RotationScope trigger, Optional<String> onlySecret,
            RotationReport.Builder report, Deadline deadline) {
        ClaimGathering.Claims claimed = claims.gather(appSecrets, trigger.domain().map(Hostname::ascii), onlySecret,
                report, deadline);
        Set<String> replaced = new HashSet<>();
        for (Map.Entry<String, List<Candidate>> claims : claimed.byDomain().entrySet()) {
            List<Candidate> candidates = claims.getValue();
            Candidate any = candidates.get(0);
            Optional<ManagedSecret> held = claimed.unreadable().isEmpty() ? Optional.empty()
                    : ClaimHold.holder(claims.getKey(), claimed.unreadable(), deployer.deployedBy(any.app(), claims.getKey()),
                            Expiry.daysLeft(any.domain(), clock));
            if (held.isPresent()) {
                report.add(Entry.of(held.get().name(), any.app(), claims.getKey(), Outcome.UNCHANGED, null,
                        "kept on the certificate it carries: " + held.get().name() + ", which may claim it, could not be read"
                                + " this run; settled when it can be"));
                continue;
            }
            Candidate winner = ConflictSettling.settle(candidates, onlySecret, trigger.source(), report, clock);
            if ((onlySecret.isEmpty() || onlySecret.get().equals(winner.secret().arn()))
                    && deployer.deploy(winner, trigger, report, deadline)) {
                replaced.add(winner.domain().name());
            }
        }
        String app = appSecrets.get(0).app().get();
        for (Domain domain : claimed.linked()) {
            if (!trigger.domain().map(d -> d.ascii().equals(domain.name())).orElse(true)) {
                continue;
            }
            if (!replaced.contains(domain.name())) {
                expiring(app, domain, trigger.source()).ifPresent(report::notice);
            }
            if (!claimed.byDomain().containsKey(domain.name())) {
                // no secret claims it now: a deployment of an earlier run may still wait for its announcement
                deployer.announcePending(app, domain, trigger, report);
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
        long daysLeft = Expiry.daysLeft(domain, clock);
        OptionalInt threshold = ExpiryWarning.reached(daysLeft, expiryWarnings);
        return threshold.isEmpty() ? Optional.empty() : Optional.of(RotationEvents.expiring(app, domain.name(),
                domain.tlscert(), domain.validity().toInstant(), daysLeft, threshold.getAsInt(), trigger));
    }

    /**
     * Every certificate refused by a check is announced (once per check and certificate). Not a role that may not
     * read, which is this service's configuration (alarmed), nor a failure worth another try.
     */
    private static RotationReport withRejections(RotationReport report, String trigger) {
        RotationReport.Builder with = RotationReport.builder(report.trigger(), report.dryRun()).from(report);
        report.entries().stream()
                .filter(e -> e.outcome() == Outcome.REJECTED && e.app() != null && e.check() != null && !"configuration".equals(e.check()))
                .forEach(e -> with.notice(RotationEvents.rejected(e, trigger)));
        return with.build();
    }

    /** Worth another run later (failed), or a problem someone must fix (rejected). */
    static Outcome outcome(ServiceFailure e) {
        return e.isTransient() ? Outcome.FAILED : Outcome.REJECTED;
    }

    /** A role that may not read a secret is a configuration problem, as in link-on-signup: alarmed, not retried. */
    static String check(ServiceFailure e) {
        return e.kind() == ServiceFailure.Kind.DENIED ? "configuration" : "secrets-manager";
    }
}
