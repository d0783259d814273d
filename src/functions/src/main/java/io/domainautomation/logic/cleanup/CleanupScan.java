package io.domainautomation.logic.cleanup;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.aws.EventsConfig;
import io.domainautomation.dns.DnsAnswer;
import io.domainautomation.dns.DnsProbe;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.CleanupEvents;
import io.domainautomation.logic.events.DnsInstructions;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.scalingo.App;
import io.domainautomation.scalingo.Deadline;
import io.domainautomation.scalingo.Domain;
import io.domainautomation.scalingo.ScalingoClient;
import io.domainautomation.scalingo.ScalingoConfig;
import io.domainautomation.scalingo.ScalingoException;

/**
 * Scans apps in name order within a time budget, remembers in the ledger what it sees stale (a first sighting is a
 * mark, a confirmed one a planned removal), and, once every app is scanned, removes what the caps allow, each after a
 * last look, also within the budget. A scan or a removal phase that cannot finish in one invocation stops between two
 * apps or two removals and goes on in the next. On the way it notes what the systems around want to hear of (domains
 * marked, removed; Let's Encrypt certificates issued or stuck), for the caller to publish once the step is saved.
 */
@ApplicationScoped
public class CleanupScan {

    static final int ATTEMPTS_PER_APP = 3;
    static final String PLATFORM_REFUSED = "platform-refused";

    private final ScalingoClient scalingo;
    private final DnsProbe dns;
    private final CleanupConfig config;
    private final CleanupLedger ledger;
    private final Clock clock;
    private final String apiUrl;
    private final Optional<String> appDomain;

    CleanupScan(ScalingoClient scalingo, DnsProbe dns, CleanupConfig config, CleanupLedger ledger, Clock clock,
            ScalingoConfig scalingoConfig, EventsConfig events) {
        this.scalingo = scalingo;
        this.dns = dns;
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        this.apiUrl = scalingoConfig.apiUrl();
        this.appDomain = events.appDomain();
    }

    /**
     * Works on the scan, starting no new app or removal once the budget or the invocation's deadline, whichever
     * comes first, would be passed by it; at least one per invocation, so every invocation makes progress. Each call
     * keeps to the invocation's deadline.
     */
    public Step run(ScanState from, Duration budget, Deadline invocation) {
        long budgetEnd = Deadline.after(budget).earliest(invocation).nanoTime();
        ScanState.Builder state = from.toBuilder().invocationStarted();
        List<DomainEvent> events = new ArrayList<>();
        if (config.dryRun() && !state.dryRun()) {
            state.dryRunFromNowOn().error("dry run switched on during the scan: nothing more is removed");
        }
        if (state.phase() == ScanState.Phase.SCANNING && !scanApps(state, events, budgetEnd, invocation)) {
            return new Step(state.build(), events);
        }
        if (state.phase() == ScanState.Phase.REMOVING) {
            removeConfirmed(state, events, budgetEnd, invocation);
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
    private boolean scanApps(ScanState.Builder state, List<DomainEvent> events, long budgetEnd, Deadline invocation) {
        long slowestApp = 0;
        int scanned = 0;
        String resumeAfter = state.lastApp();
        Map<String, Map<String, StaleRecord>> remembered = ledger.allStaleRecords();
        Map<String, Map<String, CertificateProgress>> certificates = ledger.allCertificateProgress();
        List<App> apps = scalingo.listApps(invocation).stream()
                .filter(a -> StaleRules.inScope(a.name(), config.appsAllowList().orElse(List.of()), config.appsPrefix().orElse(null)))
                .filter(a -> resumeAfter == null || a.name().compareTo(resumeAfter) > 0)
                .sorted(Comparator.comparing(App::name)).toList();
        for (App app : apps) {
            long now = System.nanoTime();
            // Stop early enough that even the slowest app seen so far would end within the budget.
            if (scanned++ > 0 && now + 2 * slowestApp > budgetEnd) {
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
            slowestApp = Math.max(slowestApp, System.nanoTime() - now);
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
        String appHost = hostOf(app.baseUrl());
        Map<String, DnsAnswer> appAnswers = new HashMap<>(1);
        Instant now = clock.instant();
        for (Domain domain : domains) {
            watchCertificate(app.name(), domain, Optional.ofNullable(awaited.remove(domain.name())), appHost, state,
                    events, now);
            Look look = look(domain, appHost, appAnswers, now);
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
                    config.validationStuckAfter(), appHost.isEmpty() ? DnsInstructions.appHost(app, apiUrl, appDomain) : appHost,
                    state.scanId()));
            case NOTHING -> {
            }
        }
    }

    /** One look at a domain: the verdict, and the evidence it rests on (what the ledger and a tombstone keep). */
    record Look(DomainVerdict verdict, Map<String, Object> evidence) {
    }

    /**
     * The look at one domain, at scan time and again just before removal. The app host's DNS is resolved once per
     * app, and only when a domain needs it (canonical, protected and young domains need no DNS).
     */
    private Look look(Domain domain, String appHost, Map<String, DnsAnswer> appAnswers, Instant now) {
        boolean canonical = domain.isCanonical();
        boolean isProtected = StaleRules.isProtected(domain.name(), config.protectedPatterns().orElse(List.of()));
        boolean young = StaleRules.withinGracePeriod(domain, now, config.gracePeriod());
        Map<String, Object> evidence = new LinkedHashMap<>();
        DnsVerdict dnsVerdict = DnsVerdict.UNKNOWN;
        if (!canonical && !isProtected && !young) {
            DnsAnswer answer = dns.resolve(domain.name());
            DnsAnswer appAnswer = appHost.isEmpty() ? new DnsAnswer(List.of(), Set.of(), true)
                    : appAnswers.computeIfAbsent(appHost, dns::resolve);
            dnsVerdict = DnsVerdict.decide(answer, appAnswer, appHost, Hostname.PLATFORM_DOMAINS);
            evidence.put("dns", appHost.isEmpty() ? "unknown: the app has no base_url" : dnsVerdict.label());
            evidence.put("cnameChain", answer.cnameChain());
            evidence.put("addresses", answer.addresses().stream().map(InetAddress::getHostAddress).sorted().toList());
            evidence.put("letsencryptStatus", domain.letsencryptStatus());
            evidence.put("validity", domain.validity() == null ? null : domain.validity().toString());
            evidence.put("customCertificate", domain.hasCustomCertificate());
        }
        DomainVerdict verdict = DomainVerdict.decide(canonical, isProtected, young, StaleRules.neverValidated(domain),
                dnsVerdict, TrafficEvidence.of(domain, now));
        return new Look(verdict, evidence);
    }

    /** Removes (unless dry run) the confirmed domains still stale at a last look, each within the budget. */
    private void removeConfirmed(ScanState.Builder state, List<DomainEvent> events, long budgetEnd, Deadline deadline) {
        List<ScanState.Planned> planned = state.planned();
        if (state.dryRun()) {
            planned.subList(state.nextRemoval(), planned.size()).forEach(p -> state.keep(p.app(), p.domain(), "dry-run"));
            state.finished();
            return;
        }
        Map<String, List<Domain>> current = new HashMap<>();
        Map<String, DnsAnswer> appAnswers = new HashMap<>();
        long slowest = 0;
        int attempted = 0;
        while (state.nextRemoval() < planned.size()) {
            long started = System.nanoTime();
            if (attempted++ > 0 && started + 2 * slowest > budgetEnd) {
                return;
            }
            ScanState.Planned next = planned.get(state.nextRemoval());
            try {
                Optional<Tombstone> removed = removeOne(next, state, current, appAnswers, deadline);
                state.removalSettled(removed.isPresent());
                removed.ifPresent(t -> events.add(CleanupEvents.removed(t)));
            } catch (ScalingoException e) {
                if (e.isNotInTime()) {
                    return; // the next invocation takes it up again
                }
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            } catch (LedgerUnavailable e) {
                state.error("remove " + next.domain() + " of " + next.app() + ": " + e.getMessage()).removalSettled(false);
            }
            slowest = Math.max(slowest, System.nanoTime() - started);
        }
        state.finished();
    }

    /** @return the removed domain's tombstone; empty when it was kept */
    private Optional<Tombstone> removeOne(ScanState.Planned planned, ScanState.Builder state, Map<String, List<Domain>> current,
            Map<String, DnsAnswer> appAnswers, Deadline deadline) {
        List<Domain> domains = current.computeIfAbsent(planned.app(), a -> scalingo.listDomains(a, deadline));
        Optional<Domain> found = domains.stream().filter(d -> d.id().equals(planned.domainId())).findFirst();
        if (found.isEmpty()) {
            ledger.forget(planned.app(), planned.domain());
            // This scan's own unlink, from an invocation that failed before it could record it?
            Optional<Tombstone> ours = ledger.tombstone(planned.app(), planned.domain()).filter(t -> state.scanId().equals(t.scanId()));
            if (ours.isEmpty()) {
                state.keep(planned.app(), planned.domain(), "gone-before-removal");
            }
            return ours;
        }
        Domain domain = found.get();
        Look last = look(domain, planned.appHost(), appAnswers, clock.instant());
        if (!last.verdict().candidate() || !last.verdict().rules().equals(planned.rules())) {
            state.keep(planned.app(), planned.domain(), "changed-since-scan");
            return Optional.empty();
        }
        StaleRecord record = ledger.staleRecords(planned.app()).get(planned.domain());
        Tombstone tombstone = new Tombstone(planned.app(), planned.domain(), clock.instant(), state.scanId(), planned.rules(),
                last.evidence(), domain.isCanonical(), !Boolean.FALSE.equals(domain.letsencryptEnabled()),
                domain.hasCustomCertificate(), record == null ? null : record.firstStaleAt(),
                record == null ? 0 : record.sightings());
        ledger.bury(tombstone);
        try {
            scalingo.unlinkDomain(planned.app(), planned.domainId(), deadline);
        } catch (ScalingoException e) {
            if (!e.isNotFound()) {
                ledger.removeTombstone(planned.app(), planned.domain());
                throw e;
            }
            // Scalingo answers 404 both for a domain already gone and for one it refuses to unlink while it is still
            // CNAME-ed to the app: only a new list tells them apart.
            current.remove(planned.app());
            boolean stillLinked = scalingo.listDomains(planned.app(), deadline).stream()
                    .anyMatch(d -> d.id().equals(planned.domainId()));
            if (stillLinked) {
                ledger.removeTombstone(planned.app(), planned.domain());
                state.keep(planned.app(), planned.domain(), PLATFORM_REFUSED);
                return Optional.empty();
            }
        }
        ledger.forget(planned.app(), planned.domain());
        return Optional.of(tombstone);
    }

    static String hostOf(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return "";
        }
        String host = baseUrl.replaceFirst("^[a-z]+://", "");
        int slash = host.indexOf('/');
        return slash < 0 ? host : host.substring(0, slash);
    }
}
