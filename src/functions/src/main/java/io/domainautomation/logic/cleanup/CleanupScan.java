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
    /** The reserve, or a third of the time left when that is less (a short invocation, a local run). */
    private long finishReserve(Deadline deadline) {
        long left = Math.max(0, deadline.nanoTime() - ticker.nanoTime());
        return Math.min(FINISH_RESERVE.toNanos(), left / 3);
    }

    /** A step's events are saved with its state, in one ledger item (400 KB at most): a step ends past this many. */
    static final int MAX_EVENTS_PER_STEP = 100;
    /**
     * Left after the scan's work for what must follow it: the step's save, its events and the hand-off (each AWS call
     * ends within 8 s, AWS_API_CALL_TIMEOUT); what is only worth doing follows when time is left (CleanupRuns).
     */
    static final Duration FINISH_RESERVE = Duration.ofSeconds(30);

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
     * Works on the scan, starting no new app or removal once the budget or the invocation's deadline (less what
     * finishing the step takes), whichever comes first, would be passed by it; at least one per invocation, so every
     * invocation makes progress. No Scalingo call or DNS lookup is started that could end past that deadline.
     */
    public Step run(ScanState from, Duration budget, Deadline deadline, boolean dryRunAsked) {
        // The scan's own calls end FINISH_RESERVE before the invocation's deadline: saving the step, publishing its
        // events and handing the rest on happen in that time, before Lambda ends the invocation.
        Deadline invocation = deadline.isNone() ? deadline : new Deadline(deadline.nanoTime() - finishReserve(deadline));
        // A step (an app, a removal) starts only with the time left for its first Scalingo request, which is never sent
        // if it could end past the deadline: the rest is handed on rather than failed.
        TimeBudget time = TimeBudget.of(ticker, budget, invocation.less(scalingo.longestRequest()));
        ScanState.Builder state = from.toBuilder().invocationStarted();
        List<DomainEvent> events = new ArrayList<>();
        List<ProgressChange> progress = new ArrayList<>();
        if (config.dryRun() && !state.dryRun()) {
            state.dryRunFromNowOn().error("dry run switched on during the scan: nothing more is removed");
        }
        if (dryRunAsked && !state.dryRun()) {
            // A caller that asked for a dry run gets one, whatever scan its invocation finds and takes over.
            state.dryRunFromNowOn().error("an invocation asked for a dry run: nothing more is removed by this scan");
        }
        if (state.phase() == ScanState.Phase.SCANNING) {
            if (!scanApps(state, events, progress, time, invocation)) {
                return new Step(state.build(), events, state.paused(), false, progress);
            }
            if (!state.planned().isEmpty() && !state.dryRun()) {
                // The plan is saved before the first removal: a removal done by an invocation whose save then fails
                // is found again by the next one (gone, with this scan's tombstone), settled and announced.
                return new Step(state.build(), events, state.paused(), true, progress);
            }
        }
        if (state.phase() == ScanState.Phase.REMOVING) {
            removal.removeConfirmed(state, events, time, invocation);
        }
        return new Step(state.build(), events, state.paused(), false, progress);
    }

    /**
     * What one invocation did: the state to save, the events of what it saw and did, in order, why the scan should
     * wait for its next scheduled start rather than be handed on at once, if it should, and whether the step ended only
     * to be saved (the removal plan) and the same invocation may go on with the next once it is.
     */
    public record Step(ScanState state, List<DomainEvent> events, Optional<String> paused, boolean goOnAfterSave,
            List<ProgressChange> progress) {
        public Step {
            events = List.copyOf(events);
            progress = List.copyOf(progress);
        }
    }

    /**
     * A change of the Let's Encrypt watch's record of a domain ({@code next} empty: forgotten), written only once the
     * step that saw it is saved with its events: a step whose save fails is done again, sees the same change and
     * announces it again (under the same id), where a record written before would have said "announced" for an
     * event that was never kept. A change not written (see CleanupRuns.recordProgress) is seen, and announced under
     * the same id, by the next scan.
     */
    public record ProgressChange(String app, String domain, Optional<CertificateProgress> next, boolean rewriteOnly) {
    }

    /** @return true when every app is scanned */
    private boolean scanApps(ScanState.Builder state, List<DomainEvent> events, List<ProgressChange> progress, TimeBudget time,
            Deadline invocation) {
        String resumeAfter = state.lastApp();
        // read by the time a call may start and still end before the scan's own calls must (however many pages)
        CleanupLedger.Memory memory = ledger.scanMemory(invocation.less(CleanupRuns.ONE_CALL));
        Map<String, Map<String, StaleRecord>> remembered = memory.stale();
        Map<String, Map<String, CertificateProgress>> certificates = memory.certificates();
        List<App> listed;
        try {
            listed = apps.listApps(invocation);
        } catch (ScalingoException e) {
            if (e.isNotInTime()) {
                return false; // too little of this invocation's time to list the apps: the next one does
            }
            throw e;
        }
        List<App> inScope = listed.stream()
                .filter(a -> StaleRules.inScope(a.name(), config.appsAllowList().orElse(List.of()), config.appsPrefix().orElse(null)))
                .filter(a -> resumeAfter == null || a.name().compareTo(resumeAfter) > 0)
                .sorted(Comparator.comparing(App::name)).toList();
        for (App app : inScope) {
            if (!time.startNext() || events.size() >= MAX_EVENTS_PER_STEP) {
                return false; // the rest in the next invocation; a step's events are saved with it, within an item's size
            }
            try {
                scanApp(app, remembered.getOrDefault(app.name(), Map.of()), certificates.getOrDefault(app.name(), Map.of()),
                        state, events, progress, invocation);
                state.appScanned(app.name());
            } catch (DomainLook.OutOfTime e) {
                // the rest of this app in the next invocation; an invocation that cannot look at even one domain of it
                // counts as a failed attempt, so an app no invocation has time for is skipped, not tried for ever
                if (e.beforeAnyDomain() && state.failedAtNextApp() >= ATTEMPTS_PER_APP) {
                    state.error("app " + app.name() + " skipped: " + e.getMessage()).appDone(app.name());
                    time.stepDone();
                    continue;
                }
                return false;
            } catch (ScalingoException | LedgerUnavailable e) {
                if (e instanceof ScalingoException s && s.isNotInTime()) {
                    return false; // the rate budget had no slot in time: not a failure either
                }
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
            ScanState.Builder state, List<DomainEvent> events, List<ProgressChange> progress, Deadline deadline) {
        List<Domain> domains = scalingo.listDomains(app.name(), deadline);
        Map<String, StaleRecord> remembered = new HashMap<>(staleRecords);
        Map<String, CertificateProgress> awaited = new HashMap<>(certificates);
        String appHost = DomainLook.hostOf(app.baseUrl());
        Map<String, DnsAnswer> appAnswers = new HashMap<>(1);
        Instant now = clock.instant();
        // In name order, so an app too large for one invocation goes on, in the next, after the last domain looked at.
        List<Domain> ordered = domains.stream().sorted(Comparator.comparing(Domain::name)).toList();
        String resumeAfter = state.lastDomain();
        int looked = 0;
        for (Domain domain : ordered) {
            if (resumeAfter != null && domain.name().compareTo(resumeAfter) <= 0) {
                remembered.remove(domain.name()); // looked at by an earlier invocation of this scan
                awaited.remove(domain.name());
                continue;
            }
            if (looked++ > 0 && !looks.timeFor(appHost, appAnswers, deadline)) {
                throw DomainLook.OutOfTime.partWay("no time left in this invocation for " + domain.name());
            }
            Optional<CertificateProgress> before = Optional.ofNullable(awaited.get(domain.name()));
            LetsencryptWatch.Observation seen = LetsencryptWatch.observe(before, app.name(), domain, now, config.gracePeriod(),
                    config.validationStuckAfter());
            if (looked > 1 && seen.announce() == LetsencryptWatch.Announce.STUCK
                    && !looks.timeForDiagnosis(appHost.isEmpty() ? appHosts.of(app.name()) : appHost, appAnswers, deadline)) {
                // said once per status: a stuck certificate is announced with its diagnosis by the next invocation,
                // rather than now with none
                throw DomainLook.OutOfTime.partWay("no time left in this invocation to diagnose " + domain.name());
            }
            awaited.remove(domain.name());
            watchCertificate(app.name(), domain, before, seen, appHost, appAnswers, state, events, progress, deadline);
            DomainLook.Look look = looks.look(domain, appHost, appAnswers, now, deadline);
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
            state.domainDone(domain.name());
        }
        // Records of domains the app no longer has: nothing left to confirm, no certificate to await.
        remembered.keySet().forEach(gone -> ledger.forget(app.name(), gone));
        awaited.keySet().forEach(gone -> ledger.forgetProgress(app.name(), gone));
    }

    /**
     * The ledger's record of the domain's Let's Encrypt certificate brought up to date; issued or stuck announced, a
     * stuck one with its DNS diagnosis ({@link DomainLook#diagnosis}, its lookups ending by {@code deadline}).
     */
    private void watchCertificate(String app, Domain domain, Optional<CertificateProgress> previous,
            LetsencryptWatch.Observation seen, String appHost, Map<String, DnsAnswer> appAnswers, ScanState.Builder state,
            List<DomainEvent> events, List<ProgressChange> progress, Deadline deadline) {
        if (seen.changed()) {
            progress.add(new ProgressChange(app, domain.name(), seen.next(), seen.rewriteOnly()));
        }
        switch (seen.announce()) {
            case ISSUED -> events.add(CleanupEvents.certificateIssued(app, domain, previous, state.scanId()));
            case STUCK -> {
                String host = appHost.isEmpty() ? appHosts.of(app) : appHost;
                events.add(CleanupEvents.validationStuck(app, domain, seen.next().orElseThrow(), config.validationStuckAfter(),
                        host, looks.diagnosis(domain, host, appAnswers, deadline), state.scanId()));
            }
            case NOTHING -> {
            }
        }
    }
}
