package io.domainautomation.logic.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.dns.DnsAnswer;
import io.domainautomation.dns.DnsProbe;
import io.domainautomation.logic.Hostname;
import io.domainautomation.scalingo.App;
import io.domainautomation.scalingo.Deadline;
import io.domainautomation.scalingo.Domain;
import io.domainautomation.scalingo.ScalingoClient;
import io.domainautomation.scalingo.ScalingoException;

/**
 * Scans apps in name order within a time budget, plans the removal of stale domains, and, once the whole scan is
 * done, removes what the caps allow (re-checking each domain first). A scan that cannot finish in one invocation
 * stops between two apps and says where to resume.
 */
@ApplicationScoped
public class CleanupScan {

    /** What one invocation ended with: the state, and whether the scan is complete. */
    public record Step(ScanState state, boolean done, List<ScanState.Planned> removed) {
    }

    static final int ATTEMPTS_PER_APP = 3;

    private final ScalingoClient scalingo;
    private final DnsProbe dns;
    private final CleanupConfig config;
    private final Clock clock = Clock.systemUTC();

    CleanupScan(ScalingoClient scalingo, DnsProbe dns, CleanupConfig config) {
        this.scalingo = scalingo;
        this.dns = dns;
        this.config = config;
    }

    public ScanState start(boolean dryRun) {
        return ScanState.start(UUID.randomUUID().toString(), clock.instant().toString(), dryRun);
    }

    /** Scans until the budget or the invocation's deadline, whichever comes first, would be passed. */
    public Step run(ScanState from, Duration budget, Deadline invocation) {
        Deadline within = Deadline.after(budget).earliest(invocation);
        long deadline = within.nanoTime();
        long slowestApp = 0;
        ScanState.Builder state = from.toBuilder().invocationStarted();
        String resumeAfter = from.lastApp();
        List<App> apps = scalingo.listApps(within).stream()
                .filter(a -> StaleRules.inScope(a.name(), config.appsAllowList().orElse(List.of()), config.appsPrefix().orElse(null)))
                .filter(a -> resumeAfter == null || a.name().compareTo(resumeAfter) > 0)
                .sorted(Comparator.comparing(App::name)).toList();
        for (App app : apps) {
            long now = System.nanoTime();
            // Stop early enough that even the slowest app seen so far would end within the budget.
            if (now + 2 * slowestApp > deadline) {
                return new Step(state.build(), false, List.of());
            }
            try {
                scanApp(app, state, within);
                state.appScanned(app.name());
            } catch (ScalingoException e) {
                if (e.isTransient() && state.failedAtNextApp() < ATTEMPTS_PER_APP) {
                    state.error("app " + app.name() + ": " + e.getMessage() + " (will be scanned again)");
                    return new Step(state.build(), false, List.of());
                }
                state.error("app " + app.name() + " skipped: " + e.getMessage()).appDone(app.name());
            }
            slowestApp = Math.max(slowestApp, System.nanoTime() - now);
        }
        List<ScanState.Planned> removed = finish(state, invocation);
        return new Step(state.build(), true, removed);
    }

    private void scanApp(App app, ScanState.Builder state, Deadline deadline) {
        List<Domain> domains = scalingo.listDomains(app.name(), deadline);
        String appHost = hostOf(app.baseUrl());
        Map<String, DnsAnswer> appAnswers = new HashMap<>(1);
        Instant now = clock.instant();
        for (Domain domain : domains) {
            DomainVerdict decision = decide(domain, appHost, appAnswers, now);
            state.domainExamined(decision.rules());
            if (decision.removable()) {
                state.plan(new ScanState.Planned(app.name(), appHost, domain.id(), domain.name(), decision.rules()),
                        config.maxRemovalsPerRun());
            } else if (decision.keptBecause() != null) {
                state.keep(app.name(), domain.name(), decision.keptBecause());
            }
        }
    }

    /**
     * The verdict on one domain, at scan time and again just before removal. The app host's DNS is resolved once
     * per app, and only when a domain needs it (canonical and protected domains need no DNS).
     */
    private DomainVerdict decide(Domain domain, String appHost, Map<String, DnsAnswer> appAnswers, Instant now) {
        boolean canonical = domain.isCanonical();
        boolean isProtected = StaleRules.isProtected(domain.name(), config.protectedPatterns().orElse(List.of()));
        DnsVerdict dnsVerdict = canonical || isProtected ? DnsVerdict.UNKNOWN
                : DnsVerdict.decide(dns.resolve(domain.name()), appAnswers.computeIfAbsent(appHost, dns::resolve), appHost,
                        Hostname.PLATFORM_DOMAINS);
        return DomainVerdict.decide(canonical, isProtected, StaleRules.neverValidated(domain, now, config.gracePeriod()),
                dnsVerdict);
    }

    /** The whole scan is done: apply the caps, then remove (unless dry run) what is still stale on a second look. */
    private List<ScanState.Planned> finish(ScanState.Builder state, Deadline deadline) {
        RemovalCaps.Split split = RemovalCaps.apply(state.planned(), state.plannedTotal(), config.maxRemovalsPerRun(),
                config.maxRemovalsPerApp());
        split.capped().forEach(p -> state.keep(p.app(), p.domain(), "cap"));
        if (split.reason() != null) {
            state.error("cap: " + split.reason());
        }
        if (state.dryRun()) {
            split.allowed().forEach(p -> state.keep(p.app(), p.domain(), "dry-run"));
            return List.of();
        }
        Map<String, List<Domain>> current = new HashMap<>();
        Map<String, DnsAnswer> appAnswers = new HashMap<>();
        List<ScanState.Planned> removed = new java.util.ArrayList<>();
        for (ScanState.Planned planned : split.allowed()) {
            try {
                List<Domain> domains = current.computeIfAbsent(planned.app(), a -> scalingo.listDomains(a, deadline));
                Domain domain = domains.stream().filter(d -> d.id().equals(planned.domainId())).findFirst().orElse(null);
                if (domain == null) {
                    removed.add(planned); // gone since the scan: the goal is met
                    continue;
                }
                if (!decide(domain, planned.appHost(), appAnswers, clock.instant()).removable()) {
                    state.keep(planned.app(), planned.domain(), "changed-since-scan");
                    continue;
                }
                unlink(planned, deadline);
                removed.add(planned);
            } catch (ScalingoException e) {
                state.error("remove " + planned.domain() + " of " + planned.app() + ": " + e.getMessage());
            }
        }
        return removed;
    }

    private void unlink(ScanState.Planned planned, Deadline deadline) {
        try {
            scalingo.unlinkDomain(planned.app(), planned.domainId(), deadline);
        } catch (ScalingoException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            // Already gone: that is what was wanted.
        }
    }

    static String hostOf(String baseUrl) {
        if (baseUrl == null) {
            return "";
        }
        String host = baseUrl.replaceFirst("^[a-z]+://", "");
        int slash = host.indexOf('/');
        return slash < 0 ? host : host.substring(0, slash);
    }
}
