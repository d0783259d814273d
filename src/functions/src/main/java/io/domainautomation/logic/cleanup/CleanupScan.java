package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.DomainsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.port.TimeBudget;

/**
 * Scans apps in name order within a time budget, remembers in the ledger what it sees stale (a first sighting is a
 * mark, a confirmed one a planned removal), and, once every app is scanned, hands the removals the caps allow to
 * {@link StaleRemoval}, also within the budget. A scan or a removal phase that cannot finish in one invocation stops
 * between two apps or two removals and goes on in the next. On the way it notes what the systems around want to hear
 * of (domains marked, removed; Let's Encrypt certificates issued or stuck), for the caller to publish once the step is
 * saved.
 */
@ApplicationScoped
public class CleanupScan {

    static final int ATTEMPTS_PER_APP = 3;

    private final AppsService apps;
    private final DomainsService scalingo;
    private final DomainLook looks;
    private final StaleRemoval removal;
    private final CleanupConfig config;
    private final CleanupLedger ledger;
    private final Clock clock;
    private final Ticker ticker;
    private final AppHosts appHosts;

    public CleanupScan(AppsService apps, DomainsService scalingo, DomainLook looks, StaleRemoval removal,
            CleanupConfig config, CleanupLedger ledger, Clock clock, Ticker ticker, AppHosts appHosts) {
        this.apps = apps;
        this.scalingo = scalingo;
        this.looks = looks;
        this.removal = removal;
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        this.ticker = ticker;
        this.appHosts = appHosts;
    }

    /**
     * Works on the scan, starting no new app or removal once the budget or the invocation's deadline, whichever
     * comes first, would be passed by it; at least one per invocation, so every invocation makes progress. Each call
     * keeps to the invocation's deadline.
     */
    public Step run(ScanState from, Duration budget, Deadline invocation) {
        TimeBudget time = TimeBudget.of(ticker, budget, invocation);
        ScanState.Builder state = from.toBuilder().invocationStarted();
        List<DomainEvent> events = new ArrayList<>();
        if (config.dryRun() && !state.dryRun()) {
            state.dryRunFromNowOn().error("dry run switched on during the scan: nothing more is removed");
        }
        if (state.phase() == ScanState.Phase.SCANNING && !scanApps(state, events, time, invocation)) {
            return new Step(state.build(), events);
        }
        if (state.phase() == ScanState.Phase.REMOVING) {
            removal.removeConfirmed(state, events, time, invocation);
        }
        return new Step(state.build(), events);
    }

    /** What one invocation did: the state to save, and the events of what it saw and did, in order. */
    public record Step(ScanState state, List<DomainEvent> events) {
        public Step {
            events = List.copyOf(events);
        }
    }

    /** @return true when every app is scanned */
    private boolean scanApps(ScanState.Builder state, List<DomainEvent> events, TimeBudget time, Deadline invocation) {
        String resumeAfter = state.lastApp();
        Map<String, Map<String, StaleRecord>> remembered = ledger.allStaleRecords();
        Map<String, Map<String, CertificateProgress>> certificates = ledger.allCertificateProgress();
        List<App> inScope = apps.listApps(invocation).stream()
                .filter(a -> StaleRules.inScope(a.name(), config.appsAllowList().orElse(List.of()), config.appsPrefix().orElse(null)))
                .filter(a -> resumeAfter == null || a.name().compareTo(resumeAfter) > 0)
                .sorted(Comparator.comparing(App::name)).toList();
        for (App app : inScope) {
            if (!time.startNext()) {
                return false;
            }
            try {
                scanApp(app, remembered.getOrDefault(app.name(), Map.of()), certificates.getOrDefault(app.name(), Map.of()),
                        state, events, invocation);
                state.appScanned(app.name());
            } catch (ScalingoException | LedgerUnavailable e) {
                boolean retry = e instanceof ScalingoException s ? s.isTransient() : ((LedgerUnavailable) e).isTransient();
                if (retry && state.failedAtNextApp() < ATTEMPTS_PER_APP) {
                    state.error("app " + app.name() + ": " + e.getMessage() + " (will be scanned again)");
                    return false;
                }
                state.error("app " + app.name() + " skipped: " + e.getMessage()).appDone(app.name());
            }
            time.stepDone();
        }
        RemovalCaps.Split split = RemovalCaps.apply(state.planned(), state.plannedTotal(), config.maxRemovalsPerRun(),
                config.maxRemovalsPerApp());
        split.capped().forEach(p -> state.keep(p.app(), p.domain(), "cap"));
        if (split.reason() != null) {
            state.error("cap: " + split.reason());
        }
        state.removing(split.allowed());
        return true;
    }

    private void scanApp(App app, Map<String, StaleRecord> staleRecords, Map<String, CertificateProgress> certificates,
            ScanState.Builder state, List<DomainEvent> events, Deadline deadline) {
        List<Domain> domains = scalingo.listDomains(app.name(), deadline);
        Map<String, StaleRecord> remembered = new HashMap<>(staleRecords);
        Map<String, CertificateProgress> awaited = new HashMap<>(certificates);
        String appHost = DomainLook.hostOf(app.baseUrl());
        Map<String, DnsAnswer> appAnswers = new HashMap<>(1);
        Instant now = clock.instant();
        for (Domain domain : domains) {
            watchCertificate(app.name(), domain, Optional.ofNullable(awaited.remove(domain.name())), appHost, state,
                    events, now);
            DomainLook.Look look = looks.look(domain, appHost, appAnswers, now);
            DomainVerdict verdict = look.verdict();
            state.domainExamined(verdict.rules());
            Optional<StaleRecord> previous = Optional.ofNullable(remembered.remove(domain.name()));
            switch (verdict.effect()) {
                case STALE -> {
                    StaleConfirmation.Sighting sighting = StaleConfirmation.see(previous, app.name(), domain.name(),
                            domain.id(), verdict.rules(), look.evidence(), state.scanId(), now, config.confirmAfter());
                    ledger.remember(sighting.record());
                    switch (sighting.status()) {
                        case MARKED -> {
                            state.mark(new ScanState.Marked(app.name(), domain.name(), verdict.rules(),
                                    sighting.notBefore().toString()));
                            events.add(CleanupEvents.markedStale(app.name(), domain.name(), domain.id(), verdict.rules(),
                                    look.evidence(), sighting.record().firstStaleAt(), sighting.notBefore(), state.dryRun(),
                                    state.scanId()));
                        }
                        case WAITING -> state.waiting();
                        case CONFIRMED -> state.plan(new ScanState.Planned(app.name(), appHost, domain.id(), domain.name(),
                                verdict.rules()), config.maxRemovalsPerRun());
                    }
                }
                case HEALTHY -> {
                    if (previous.isPresent()) {
                        ledger.forget(app.name(), domain.name());
                        state.cleared();
                    }
                    if (verdict.keptBecause() != null) {
                        state.keep(app.name(), domain.name(), verdict.keptBecause());
                    }
                }
                case UNDECIDED -> state.keep(app.name(), domain.name(), verdict.keptBecause());
            }
        }
        // Records of domains the app no longer has: nothing left to confirm, no certificate to await.
        remembered.keySet().forEach(gone -> ledger.forget(app.name(), gone));
        awaited.keySet().forEach(gone -> ledger.forgetProgress(app.name(), gone));
    }

    /** The ledger's record of the domain's Let's Encrypt certificate brought up to date; issued or stuck announced. */
    private void watchCertificate(String app, Domain domain, Optional<CertificateProgress> previous, String appHost,
            ScanState.Builder state, List<DomainEvent> events, Instant now) {
        LetsencryptWatch.Observation seen = LetsencryptWatch.observe(previous, app, domain, now, config.gracePeriod(),
                config.validationStuckAfter());
        if (seen.changed()) {
            seen.next().ifPresentOrElse(ledger::rememberProgress, () -> ledger.forgetProgress(app, domain.name()));
        }
        switch (seen.announce()) {
            case ISSUED -> events.add(CleanupEvents.certificateIssued(app, domain, previous, state.scanId()));
            case STUCK -> events.add(CleanupEvents.validationStuck(app, domain, seen.next().orElseThrow(),
                    config.validationStuckAfter(), appHost.isEmpty() ? appHosts.of(app) : appHost,
                    state.scanId()));
            case NOTHING -> {
            }
        }
    }
}
