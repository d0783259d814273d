package io.domainautomation.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.cleanup.CleanupConfig;
import io.domainautomation.logic.cleanup.CleanupInvocation;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.CleanupRuns;
import io.domainautomation.logic.cleanup.CleanupScan;
import io.domainautomation.logic.cleanup.DomainLook;
import io.domainautomation.logic.cleanup.StaleRemoval;
import io.domainautomation.logic.port.DomainsService;

/**
 * cleanup-stale's core (scan, removal, runs) wired on the in-memory ports, without Quarkus: what the fast tests and
 * the simulator drive. {@link Settings} stands in for {@code CLEANUP_*}; it may be changed between invocations.
 */
public final class CleanupWorld {

    /** The cleanup's settings, mutable between invocations as an operator would change them. */
    public static final class Settings implements CleanupConfig {
        public boolean dryRun = false;
        public Duration gracePeriod = Duration.ofDays(14);
        public Duration confirmAfter = Duration.ofDays(7);
        public Duration validationStuckAfter = Duration.ofHours(24);
        public Duration scanExpiry = Duration.ofHours(24);
        public List<String> protectedPatterns = new ArrayList<>();
        public int maxRemovalsPerRun = 10;
        public int maxRemovalsPerApp = 2;
        public Duration timeBudget = Duration.ofMinutes(12);

        @Override
        public boolean dryRun() {
            return dryRun;
        }

        @Override
        public Duration gracePeriod() {
            return gracePeriod;
        }

        @Override
        public Duration confirmAfter() {
            return confirmAfter;
        }

        @Override
        public Duration validationStuckAfter() {
            return validationStuckAfter;
        }

        @Override
        public Duration scanExpiry() {
            return scanExpiry;
        }

        @Override
        public Duration scanPeriod() {
            return Duration.ofHours(24);
        }

        @Override
        public Optional<List<String>> protectedPatterns() {
            return protectedPatterns.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(protectedPatterns));
        }

        @Override
        public Optional<List<String>> appsAllowList() {
            return Optional.empty();
        }

        @Override
        public Optional<String> appsPrefix() {
            return Optional.empty();
        }

        @Override
        public int maxRemovalsPerRun() {
            return maxRemovalsPerRun;
        }

        @Override
        public int maxRemovalsPerApp() {
            return maxRemovalsPerApp;
        }

        @Override
        public Duration timeBudget() {
            return timeBudget;
        }

        @Override
        public Optional<String> continuationFunction() {
            return Optional.empty();
        }
    }

    public final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T03:00:00Z"));
    public final InMemoryScalingo scalingo = new InMemoryScalingo(clock, clock);
    public final ScriptedDns dns = new ScriptedDns();
    public final InMemoryCleanupLedger ledger = new InMemoryCleanupLedger();
    public final RecordingEventSink events = new RecordingEventSink();
    public final RecordingContinuations continuations = new RecordingContinuations();
    public final Settings settings = new Settings();
    public final CleanupRuns runs;
    public final CleanupInvocation invocation;

    public CleanupWorld() {
        this(PortsSeen.AS_THEY_ARE);
    }

    /** @param seen what the core is given for each port: the port itself, or (fidelity runs) a mirror onto a real one */
    public CleanupWorld(PortsSeen seen) {
        CleanupLedger ledgerSeen = seen.ledger(ledger);
        DomainsService domains = seen.domains(scalingo);
        DomainLook looks = new DomainLook(seen.dns(dns), settings, clock);
        StaleRemoval removal = new StaleRemoval(domains, ledgerSeen, looks, settings, clock);
        CleanupScan scan = new CleanupScan(seen.apps(scalingo), domains, looks, removal, settings, ledgerSeen, clock, clock,
                new AppHosts("https://api.osc-fr1.scalingo.com", Optional.empty()));
        runs = new CleanupRuns(scan, ledgerSeen, settings, domains, events, clock, clock);
        invocation = new CleanupInvocation(runs, continuations, settings, clock, clock);
    }

    /** An invocation's deadline: Lambda's 15 minutes from now. */
    public io.domainautomation.logic.port.Deadline invocationDeadline() {
        return clock.deadlineIn(Duration.ofMinutes(15));
    }
}
