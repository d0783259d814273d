package io.domainautomation.simulation;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.domainautomation.fakes.CleanupWorld;
import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.InMemoryCleanupLedger;
import io.domainautomation.fakes.PortsSeen;
import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CleanupEvents;
import io.domainautomation.logic.cleanup.CleanupInvocation;
import io.domainautomation.logic.cleanup.CleanupLedger;
import io.domainautomation.logic.cleanup.CleanupRequest;
import io.domainautomation.logic.cleanup.CleanupRuns;
import io.domainautomation.logic.cleanup.StaleRules;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * cleanup-stale's whole life driven by one seed, FoundationDB- and VOPR-style: a history of apps and domains linked,
 * unlinked and moved by hand, DNS and Let's Encrypt changing, settings changed by operators, the clock moving by
 * minutes to weeks, scheduled scans, continuations (late, duplicated, lost), Lambda's retries, dry runs and restores;
 * faults at every port call (Scalingo 5xx, 429, timeouts and replies lost after the change was applied; DynamoDB
 * errors, lost replies and conditional writes failing on the retry of a write that was applied; EventBridge partial
 * failures; resolver failures; the process killed between any two calls). The same seed gives the same history,
 * always: {@code ./mvnw -pl src/functions -am test -Dtest=CleanupSimulationTest -Dsimulation.seed=N}.
 *
 * <p>Invariants are checked after every step and at every removal (see {@link #checkRemoval}); once the faults stop,
 * the scan must finish within one period and every change must have been announced.
 */
public final class CleanupSimulation {

    /** What went wrong, with the seed and the step, for the report and a replay. */
    public static final class Violation extends AssertionError {
        Violation(long seed, int step, String what, List<String> trace) {
            super("seed " + seed + ", step " + step + ": " + what + "\nreplay: ./mvnw -pl src/functions -am test "
                    + "-Dtest=CleanupSimulationTest -Dsimulation.seed=" + seed + "\nlast steps:\n  "
                    + String.join("\n  ", trace.subList(Math.max(0, trace.size() - 25), trace.size())));
        }
    }

    /** The process ended between two calls (out of memory, Lambda's timeout, a crash): nothing after it runs. */
    static final class Killed extends Error {
        Killed(String where) {
            super("killed at " + where, null, false, false);
        }
    }

    /** Counts of one run, added up over many. */
    public static final class Tally {
        public long histories;
        public long steps;
        public long invocations;
        public long portCalls;
        public long removals;
        public long restores;
        public long checks;
        public final Map<Fault, Long> faults = new EnumMap<>(Fault.class);

        public void add(Tally other) {
            histories += other.histories;
            steps += other.steps;
            invocations += other.invocations;
            portCalls += other.portCalls;
            removals += other.removals;
            restores += other.restores;
            checks += other.checks;
            other.faults.forEach((k, v) -> faults.merge(k, v, Long::sum));
        }
    }

    public enum Fault {
        SCALINGO_5XX, SCALINGO_429, SCALINGO_TIMEOUT, SCALINGO_LOST_REPLY, LEDGER_ERROR, LEDGER_LOST_REPLY,
        LEDGER_CONDITION_ON_RETRY, EVENTS_PARTIAL_FAILURE, DNS_FAILURE, CONTINUATION_FAILURE, KILL, LAMBDA_RETRY,
        DUPLICATE_DELIVERY, LOST_CONTINUATION
    }

    private enum DnsKind { NONE, ELSEWHERE, CNAME_APP, CNAME_PLATFORM_DANGLING, CDN, FAILING }

    /** What the simulation knows of a linked domain, beyond what the platform holds. */
    private static final class Truth {
        final String app;
        final String name;
        DnsKind dns = DnsKind.NONE;
        /** Since when its truth has been stale-eligible (gone DNS, no traffic...), if it is. */
        List<Instant[]> staleIntervals = new ArrayList<>();

        Truth(String app, String name) {
            this.app = app;
            this.name = name;
        }
    }

    /** An invocation waiting to run; {@code invocationId} is its Lambda request id, which Lambda's retries keep. */
    private record Pending(Instant at, long order, CleanupRequest request, boolean dryRunAsked, int retriesLeft,
            String why, String invocationId) {
    }

    private static final Pattern CONTINUATION = Pattern.compile("\\{\"scanId\":\"([^\"]+)\",\"step\":(\\d+)}");
    private static final Duration PERIOD = Duration.ofDays(1);
    private static final int MAX_INVOCATIONS = 20_000;

    private final long seed;
    private final Random random;
    private final CleanupWorld world;
    private final Tally tally = new Tally();
    private final List<String> trace = new ArrayList<>();
    private final Map<String, Truth> truths = new TreeMap<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(Comparator.comparing(Pending::at)
            .thenComparingLong(Pending::order));
    private long order;
    private int step;
    private double faultRate;
    private boolean faultsOn = true;
    private Deadline currentDeadline;
    private boolean currentAskedDryRun;
    private boolean inRestore;
    private Instant nextScheduledStart;
    private int scheduledStarts;
    /** Domains cleanup unlinked and no restore has linked again: app + " " + name. */
    private final Set<String> removedPendingRestore = new HashSet<>();
    /** The apps of the unlinks of each scan, one entry per unlink. */
    private final Map<String, List<String>> unlinksByScan = new HashMap<>();
    /** Every cleanup unlink, app + " " + name, as many times as it happened. */
    private final Map<String, Integer> unlinks = new HashMap<>();
    /**
     * Domains unlinked by hand while cleanup-stale's tombstone for them was there (its removal under way): their
     * Domain Removed may be announced, they are gone all the same.
     */
    private final Set<String> unlinkedByHandDuringRemoval = new HashSet<>();
    /** Every restore that linked (or found linked) a domain again. */
    private final Map<String, Integer> restoresDone = new HashMap<>();
    /** Restores to ask again once the faults stop (their event was not published yet). */
    private final Deque<String> restoresToFinish = new ArrayDeque<>();
    /** Restores that found the domain linked already: they may announce it restored (not must: see the result). */
    private final Set<String> restoreMayAnnounce = new HashSet<>();
    /** Restores whose outcome the function reported it could not tell (see CleanupRuns.restore). */
    private final Set<String> restoreOutcomeUnknown = new HashSet<>();
    private boolean lastFailed;
    /** The function's Lambda timeout in this history: from 20 s to Lambda's 15 minutes. */
    private Duration lambdaTimeout = Duration.ofMinutes(15);

    private CleanupSimulation(long seed, PortsSeen seen, Consumer<CleanupWorld> beforeHistory) {
        this.seed = seed;
        this.random = new Random(seed);
        this.world = new CleanupWorld(seen);
        beforeHistory.accept(world);
    }

    /** Runs one history; throws {@link Violation} on the first broken invariant. */
    public static Tally run(long seed) {
        return run(seed, PortsSeen.AS_THEY_ARE, world -> {
        });
    }

    /**
     * Runs one history with the core seeing {@code seen} of the in-memory ports (a fidelity run: mirrors onto real
     * adapters), {@code beforeHistory} told of the world before anything happens in it (to watch its clock and its
     * changes by hand); the history, its faults and its checks are the same as {@link #run(long)}'s.
     */
    public static Tally run(long seed, PortsSeen seen, Consumer<CleanupWorld> beforeHistory) {
        CleanupSimulation simulation = new CleanupSimulation(seed, seen, beforeHistory);
        simulation.history();
        simulation.tally.histories = 1;
        return simulation.tally;
    }

    // ------------------------------------------------------------------ the history

    private void history() {
        faultRate = random.nextInt(4) == 0 ? 0 : 0.01 + random.nextDouble() * 0.12;
        world.settings.dryRun = random.nextInt(5) == 0;
        world.settings.maxRemovalsPerRun = 1 + random.nextInt(10);
        world.settings.maxRemovalsPerApp = 1 + random.nextInt(3);
        world.settings.timeBudget = Duration.ofSeconds(5 + random.nextInt(120));
        lambdaTimeout = random.nextBoolean() ? Duration.ofMinutes(15) : Duration.ofSeconds(60 + random.nextInt(240));
        installFaults();
        int apps = 1 + random.nextInt(5);
        for (int i = 0; i < apps; i++) {
            String app = "app-" + i;
            world.scalingo.addApp(app);
            world.dns.address(app + ".osc-fr1.scalingo.io", "10.0.0." + (i + 1));
            int domains = random.nextInt(4) == 0 ? random.nextInt(21) : random.nextInt(6);
            for (int d = 0; d < domains; d++) {
                linkByHand(app, "d" + d + "." + app + ".example", Duration.ofDays(random.nextInt(60)));
            }
        }
        nextScheduledStart = world.clock.instant();
        int steps = 60 + random.nextInt(140);
        for (step = 0; step < steps; step++) {
            act();
            checkAfterStep();
        }
        quiet();
    }

    private void act() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            advance();
        } else if (roll < 45) {
            changeDns(randomTruth());
        } else if (roll < 52) {
            changeCertificate(randomTruth());
        } else if (roll < 58) {
            handChange();
        } else if (roll < 62) {
            changeSettings();
        } else if (roll < 66) {
            invokeNow(new CleanupRequest.Start(true), true, "operator dry run");
        } else if (roll < 70) {
            restoreSomething();
        } else if (roll < 74) {
            invokeNow(new CleanupRequest.Start(false), false, "start by hand");
        } else {
            deliverDue();
        }
    }

    /** The clock moves by minutes to a week; whatever falls due on the way (schedules, continuations) runs. */
    private void advance() {
        Duration by = switch (random.nextInt(5)) {
            case 0 -> Duration.ofSeconds(5 + random.nextInt(300));
            case 1 -> Duration.ofMinutes(5 + random.nextInt(120));
            case 2 -> Duration.ofHours(1 + random.nextInt(12));
            case 3 -> Duration.ofDays(1 + random.nextInt(3));
            default -> Duration.ofDays(7);
        };
        Instant until = world.clock.instant().plus(by);
        log("advance " + by);
        while (true) {
            Instant next = nextDue();
            if (next == null || next.isAfter(until)) {
                break;
            }
            moveTo(next);
            deliverDue();
        }
        moveTo(until);
    }

    private Instant nextDue() {
        Instant queued = queue.isEmpty() ? null : queue.peek().at();
        return queued == null || nextScheduledStart.isBefore(queued) ? nextScheduledStart : queued;
    }

    private void moveTo(Instant at) {
        if (at.isAfter(world.clock.instant())) {
            world.clock.advance(Duration.between(world.clock.instant(), at));
        }
    }

    /** The schedule's daily start when due, and every queued invocation (continuation, retry) that is due. */
    private void deliverDue() {
        Instant now = world.clock.instant();
        if (!nextScheduledStart.isAfter(now)) {
            nextScheduledStart = nextScheduledStart.plus(PERIOD);
            scheduledStarts++;
            invokeNow(new CleanupRequest.Start(false), false, "schedule");
        }
        while (!queue.isEmpty() && !queue.peek().at().isAfter(world.clock.instant())) {
            Pending next = queue.poll();
            invoke(next.request(), next.dryRunAsked(), next.retriesLeft(), next.why(), next.invocationId());
        }
    }

    // ------------------------------------------------------------------ invocations

    private void invokeNow(CleanupRequest request, boolean dryRunAsked, String why) {
        invoke(request, dryRunAsked, 2, why, newInvocationId());
    }

    private String newInvocationId() {
        return "invocation-" + (order++);
    }

    /** One Lambda invocation; a failure is retried by Lambda (asynchronous invocations: twice, a minute or more apart). */
    private void invoke(CleanupRequest request, boolean dryRunAsked, int retriesLeft, String why, String invocationId) {
        tally.invocations++;
        if (tally.invocations > MAX_INVOCATIONS) {
            throw violation("more than " + MAX_INVOCATIONS + " invocations in one history: the scan makes no progress");
        }
        currentDeadline = world.clock.deadlineIn(lambdaTimeout.minusSeconds(1));
        currentAskedDryRun = dryRunAsked;
        inRestore = request instanceof CleanupRequest.Restore;
        if (request instanceof CleanupRequest.Restore restore && world.scalingo.domain(restore.app(), restore.domain()).isPresent()) {
            // linked to its app again already (by hand): a restore that finds it so may announce it restored, even if
            // the invocation then fails before it answers
            restoreMayAnnounce.add(restore.app() + " " + restore.domain());
        }
        log("invoke " + request + " (" + why + ")");
        Set<String> tombstonesBefore = new HashSet<>(world.ledger.tombstones().keySet());
        boolean failed = false;
        try {
            CleanupInvocation.Result result = world.invocation.handle(request, invocationId, currentDeadline);
            log("  -> " + summary(result));
            if (result instanceof CleanupInvocation.Restored restored) {
                String key = restored.restored().tombstone().app() + " " + restored.restored().tombstone().domain();
                if (restored.restored().alreadyLinked()) {
                    restoresDone.merge(key, 1, Integer::sum); // linked again meanwhile: the restore closes it
                    removedPendingRestore.remove(key);
                }
                if (!restored.restored().unpublished().isEmpty()) {
                    restoresToFinish.add(key);
                }
            }
        } catch (InvalidInput | CleanupRuns.NotRestorable refused) {
            log("  -> refused: " + refused.getMessage());
            if (refused instanceof CleanupRuns.NotRestorable && refused.getMessage().contains("cannot be told now")
                    && request instanceof CleanupRequest.Restore restore) {
                // the one case the restore cannot settle by looking, and says so: excused from "announced"
                restoreOutcomeUnknown.add(restore.app() + " " + restore.domain());
            }

        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            failed = true;
        } catch (LedgerUnavailable | ScalingoException | ServiceFailure e) {
            log("  -> failed: " + e.getMessage());
            failed = true;
        } finally {
            inRestore = false;
            currentDeadline = null;
        }
        Set<String> tombstonesAfter = world.ledger.tombstones().keySet();
        tombstonesBefore.stream().filter(k -> !tombstonesAfter.contains(k)).forEach(k -> log("  tombstone gone: " + k));
        tombstonesAfter.stream().filter(k -> !tombstonesBefore.contains(k)).forEach(k -> log("  tombstone new: " + k));
        if (failed && request instanceof CleanupRequest.Restore restore) {
            restoresToFinish.add(restore.app() + " " + restore.domain()); // the operator asks again at the end too
        }
        lastFailed = failed;
        if (failed && retriesLeft > 0 && !(request instanceof CleanupRequest.Restore)) {
            count(Fault.LAMBDA_RETRY);
            enqueue(Duration.ofSeconds(60 + random.nextInt(120)), request, dryRunAsked, retriesLeft - 1, "Lambda retry",
                    invocationId);
        }
        for (String payload : world.continuations.take()) {
            Matcher m = CONTINUATION.matcher(payload);
            if (!m.matches()) {
                throw violation("a continuation carries only scanId and step: " + payload);
            }
            CleanupRequest.Resume resume = new CleanupRequest.Resume(m.group(1), Integer.parseInt(m.group(2)));
            if (faultsOn && chance(faultRate / 4)) {
                count(Fault.LOST_CONTINUATION);
                log("  continuation lost");
                continue;
            }
            enqueue(Duration.ofMillis(50 + random.nextInt(5000)), resume, false, 2, "continuation", newInvocationId());
            if (faultsOn && chance(faultRate / 3)) {
                count(Fault.DUPLICATE_DELIVERY);
                enqueue(Duration.ofMillis(50 + random.nextInt(90_000)), resume, false, 2, "duplicate continuation",
                        newInvocationId());
            }
        }
    }

    private void enqueue(Duration in, CleanupRequest request, boolean dryRunAsked, int retriesLeft, String why,
            String invocationId) {
        queue.add(new Pending(world.clock.instant().plus(in), order++, request, dryRunAsked, retriesLeft, why, invocationId));
    }

    private void restoreSomething() {
        List<String> candidates = new ArrayList<>(world.ledger.tombstones().keySet());
        if (candidates.isEmpty()) {
            return;
        }
        String key = candidates.get(random.nextInt(candidates.size()));
        String[] parts = key.split(" ");
        // A restore is asked synchronously: an operator who gets an error asks again at once, a few times.
        for (int attempt = 0; attempt < 3; attempt++) {
            invokeNow(new CleanupRequest.Restore(parts[0], parts[1]), false, attempt == 0 ? "operator restore"
                    : "operator asks again");
            if (!lastFailed) {
                break;
            }
        }
    }

    // ------------------------------------------------------------------ the world changing

    private Truth randomTruth() {
        if (truths.isEmpty()) {
            return null;
        }
        List<Truth> all = new ArrayList<>(truths.values());
        return all.get(random.nextInt(all.size()));
    }

    private void linkByHand(String app, String name, Duration age) {
        if (world.scalingo.holder(name).isPresent() || world.scalingo.domainNames(app).size() >= 20) {
            return;
        }
        world.scalingo.seedDomain(app, name, OffsetDateTime.ofInstant(world.clock.instant().minus(age), ZoneOffset.UTC));
        // linked to its app again by hand: no longer a removed domain whose tombstone must stay (a restore closes it)
        removedPendingRestore.remove(app + " " + name);
        Truth truth = new Truth(app, name);
        truths.put(app + " " + name, truth);
        setDns(truth, DnsKind.values()[random.nextInt(DnsKind.values().length)]);
        log("link by hand " + name + " to " + app + " (" + age.toDays() + " days old), dns " + truth.dns);
    }

    private void handChange() {
        List<String> apps = world.scalingo.appNames();
        String app = apps.get(random.nextInt(apps.size()));
        Truth truth = randomTruth();
        switch (random.nextInt(4)) {
            case 0 -> linkByHand(app, "n" + random.nextInt(12) + "." + app + ".example", Duration.ZERO);
            case 1 -> {
                if (truth != null && world.scalingo.domain(truth.app, truth.name).isPresent()) {
                    log("unlink by hand " + truth.name + " of " + truth.app);
                    world.scalingo.unlinkByHand(truth.app, truth.name);
                    forget(truth);
                }
            }
            case 2 -> {
                // a name moves to another app (the customer changed plans), or comes back after a removal
                if (truth != null && world.scalingo.domain(truth.app, truth.name).isPresent()) {
                    log("move " + truth.name + " from " + truth.app + " to " + app);
                    world.scalingo.unlinkByHand(truth.app, truth.name);
                    forget(truth);
                    linkByHand(app, truth.name, Duration.ZERO);
                } else if (!removedPendingRestore.isEmpty()) {
                    String key = new ArrayList<>(removedPendingRestore).get(random.nextInt(removedPendingRestore.size()));
                    String name = key.split(" ")[1];
                    log("another app takes the removed name " + name);
                    linkByHand(app, name, Duration.ZERO);
                }
            }
            default -> {
                if (truth != null && world.scalingo.domain(truth.app, truth.name).isPresent()) {
                    boolean canonical = !world.scalingo.domain(truth.app, truth.name).get().isCanonical();
                    log((canonical ? "make canonical " : "make not canonical ") + truth.name);
                    world.scalingo.change(truth.app, truth.name, d -> new Domain(d.id(), d.appId(), d.name(), d.createdAt(),
                            d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(), d.validity(), canonical, d.letsencryptEnabled(),
                            d.letsencrypt(), d.letsencryptStatus(), null, null, null, null));
                    // one canonical domain per app: the one that was canonical is no longer, and may now be stale
                    truths.values().stream().filter(t -> t.app.equals(truth.app)).toList().forEach(this::updateStaleness);
                }
            }
        }
    }

    private void forget(Truth truth) {
        if (world.ledger.tombstones().containsKey(truth.app + " " + truth.name)) {
            unlinkedByHandDuringRemoval.add(truth.app + " " + truth.name);
        }
        truths.remove(truth.app + " " + truth.name);
        world.dns.remove(truth.name);
    }

    private void changeDns(Truth truth) {
        if (truth == null) {
            return;
        }
        DnsKind kind = DnsKind.values()[random.nextInt(DnsKind.values().length)];
        log("dns of " + truth.name + ": " + kind);
        setDns(truth, kind);
    }

    private void setDns(Truth truth, DnsKind kind) {
        world.dns.remove(truth.name).failing(truth.name, false);
        truth.dns = kind;
        switch (kind) {
            case NONE -> {
            }
            case ELSEWHERE -> world.dns.address(truth.name, "198.51.100." + (1 + random.nextInt(200)));
            case CNAME_APP -> world.dns.cname(truth.name, truth.app + ".osc-fr1.scalingo.io");
            case CNAME_PLATFORM_DANGLING -> world.dns.cname(truth.name, "ghost-" + random.nextInt(5) + ".osc-fr1.scalingo.io");
            case CDN -> {
                world.dns.cname(truth.name, "edge.cdn.example");
                world.dns.address("edge.cdn.example", "203.0.113.9");
            }
            case FAILING -> world.dns.failing(truth.name, true);
        }
        updateStaleness(truth);
    }

    private void changeCertificate(Truth truth) {
        if (truth == null || world.scalingo.domain(truth.app, truth.name).isEmpty()) {
            return;
        }
        String status = List.of("pending_dns", "created", "error", "dns_required").get(random.nextInt(4));
        boolean valid = status.equals("created");
        log("certificate of " + truth.name + ": " + status);
        OffsetDateTime validity = valid ? OffsetDateTime.ofInstant(world.clock.instant().plus(Duration.ofDays(90)), ZoneOffset.UTC)
                : null;
        world.scalingo.change(truth.app, truth.name, d -> new Domain(d.id(), d.appId(), d.name(), d.createdAt(), d.tlscert(),
                d.tlskey(), d.ssl(), d.sslStatus(), validity, d.canonical(), d.letsencryptEnabled(), valid, status, null, null,
                null, null));
        updateStaleness(truth);
    }

    private void changeSettings() {
        switch (random.nextInt(5)) {
            case 0 -> world.settings.dryRun = !world.settings.dryRun;
            case 1 -> world.settings.gracePeriod = Duration.ofDays(random.nextInt(21));
            case 2 -> world.settings.confirmAfter = Duration.ofDays(1 + random.nextInt(10));
            case 3 -> {
                world.settings.protectedPatterns.clear();
                if (random.nextBoolean()) {
                    world.settings.protectedPatterns.add("d" + random.nextInt(6) + ".*");
                }
            }
            default -> world.settings.maxRemovalsPerRun = 1 + random.nextInt(10);
        }
        log("settings: dryRun " + world.settings.dryRun + ", grace " + world.settings.gracePeriod + ", confirm "
                + world.settings.confirmAfter + ", protected " + world.settings.protectedPatterns);
        truths.values().forEach(this::updateStaleness);
    }

    /**
     * The intervals over which the domain's truth was one cleanup may remove: what a removal's confirmation must rest
     * on. A valid certificate (traffic evidence) holds it off until it expires, which the interval's start reflects.
     */
    private void updateStaleness(Truth truth) {
        Optional<Instant> from = staleFrom(truth);
        List<Instant[]> intervals = truth.staleIntervals;
        Instant now = world.clock.instant();
        if (!intervals.isEmpty() && intervals.get(intervals.size() - 1)[1] == null) {
            intervals.get(intervals.size() - 1)[1] = now; // the truth changed: the open interval ends
        }
        from.ifPresent(start -> intervals.add(new Instant[] { start, null }));
        intervals.removeIf(i -> i[1] != null && i[1].isBefore(i[0]));
    }

    /**
     * From when, given the truth as it is now, the domain is stale-eligible: its DNS gone, not canonical, once any
     * valid certificate expires. Age and protection are checked at the removal itself.
     */
    private Optional<Instant> staleFrom(Truth truth) {
        Optional<Domain> domain = world.scalingo.domain(truth.app, truth.name);
        if (domain.isEmpty() || !gone(truth.dns) || domain.get().isCanonical()) {
            return Optional.empty();
        }
        Instant now = world.clock.instant();
        Instant validUntil = domain.get().validity() == null ? now : domain.get().validity().toInstant();
        return Optional.of(validUntil.isAfter(now) ? validUntil : now);
    }

    /**
     * DNS that reaches neither the app nor the platform. A CDN in front answers with its own addresses: only a valid
     * certificate (traffic evidence, checked apart) tells that traffic still reaches the platform through it.
     */
    private static boolean gone(DnsKind dns) {
        return dns == DnsKind.NONE || dns == DnsKind.ELSEWHERE || dns == DnsKind.CDN;
    }

    // ------------------------------------------------------------------ faults

    private void installFaults() {
        Faults faults = new Faults() {
            @Override
            public void before(String call) {
                tally.portCalls++;
                if (currentDeadline != null && world.clock.nanoTime() > currentDeadline.nanoTime()) {
                    throw violation("a port call (" + call + ") started after the invocation's deadline");
                }
                world.clock.advance(Duration.ofMillis(2 + random.nextInt(call.startsWith("dns.") ? 400 : 40)));
                if (!faultsOn || faultRate == 0) {
                    return;
                }
                if (chance(faultRate / 6)) {
                    count(Fault.KILL);
                    throw new Killed("before " + call);
                }
                if (!chance(faultRate)) {
                    return;
                }
                if (call.startsWith("scalingo.")) {
                    switch (random.nextInt(3)) {
                        case 0 -> {
                            count(Fault.SCALINGO_5XX);
                            throw ScalingoException.reply(503, "service unavailable");
                        }
                        case 1 -> {
                            count(Fault.SCALINGO_429);
                            throw ScalingoException.reply(429, List.of("rate limited"), Map.of(), null, Duration.ofSeconds(30));
                        }
                        default -> {
                            count(Fault.SCALINGO_TIMEOUT);
                            world.clock.advance(Duration.ofSeconds(10));
                            throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                        }
                    }
                }
                if (call.startsWith("ledger.")) {
                    count(Fault.LEDGER_ERROR);
                    throw new LedgerUnavailable("ledger: " + call + ": ThrottlingException", true, null);
                }
                if (call.equals("events.publish")) {
                    return; // partial failures are the sink's own (below)
                }
                if (call.equals("continuation.handOff")) {
                    count(Fault.CONTINUATION_FAILURE);
                    throw new ServiceFailure("Lambda Invoke", "ServiceException", ServiceFailure.Kind.TRANSIENT, null);
                }
                if (call.equals("dns.resolve")) {
                    count(Fault.DNS_FAILURE);
                    throw new ScriptedDns.LookupFailed(); // this lookup times out (its queries' timeouts pass)
                }
            }

            @Override
            public void after(String call) {
                if (!faultsOn || faultRate == 0) {
                    return;
                }
                if (chance(faultRate / 6)) {
                    count(Fault.KILL);
                    throw new Killed("after " + call);
                }
                if (!chance(faultRate / 2)) {
                    return;
                }
                if (call.startsWith("scalingo.") && !call.startsWith("scalingo.list") && !call.startsWith("scalingo.get")) {
                    count(Fault.SCALINGO_LOST_REPLY);
                    if (call.equals("scalingo.unlinkDomain") && random.nextBoolean()) {
                        // the client's retry of the DELETE met the change: the domain is gone, a 404
                        throw ScalingoException.reply(404, List.of("not found"), Map.of(), "domain", null);
                    }
                    throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out (applied)"));
                }
                if (call.startsWith("ledger.")) {
                    if (random.nextBoolean() && List.of("ledger.saveScan", "ledger.claimScan", "ledger.leaseScan",
                            "ledger.leaseAbandonedScan", "ledger.createScan").contains(call)) {
                        count(Fault.LEDGER_CONDITION_ON_RETRY);
                        throw new InMemoryCleanupLedger.ConditionFailedOnRetry();
                    }
                    count(Fault.LEDGER_LOST_REPLY);
                    throw new LedgerUnavailable("ledger: " + call + ": timed out (applied)", true, null);
                }
            }
        };
        world.scalingo.faults(faults);
        world.ledger.faults(faults);
        world.events.faults(faults);
        world.continuations.faults(faults);
        // a lookup that times out waits for its A and its AAAA query, each to the resolver's timeout
        world.dns.onTimeout(() -> world.clock.advance(ScriptedDns.TIMEOUT.multipliedBy(2)));
        world.dns.faults(new Faults() {
            @Override
            public void before(String call) {
                faults.before(call);
            }
        });
        world.events.rejecting(event -> {
            if (faultsOn && chance(faultRate)) {
                count(Fault.EVENTS_PARTIAL_FAILURE);
                return true;
            }
            return false;
        });
        world.scalingo.observe((operation, app, domain) -> {
            if (currentDeadline == null) {
                return; // a change by hand
            }
            String key = app.name() + " " + domain.name();
            log("  " + operation + " " + key);
            if (operation.equals("unlinkDomain")) {
                checkRemoval(app.name(), domain);
                tally.removals++;
                unlinks.merge(key, 1, Integer::sum);
                removedPendingRestore.add(key);
                truths.remove(key);
            } else if (operation.equals("linkDomain")) {
                if (!inRestore) {
                    throw violation("cleanup linked " + key + " outside a restore");
                }
                tally.restores++;
                removedPendingRestore.remove(key);
                restoresDone.merge(key, 1, Integer::sum);
                Truth truth = new Truth(app.name(), domain.name());
                truths.put(key, truth);
                setDns(truth, DnsKind.NONE);
            }
        });
    }

    // ------------------------------------------------------------------ invariants

    /** At the moment a domain is unlinked by cleanup-stale, everything that must keep it is checked. */
    private void checkRemoval(String app, Domain domain) {
        tally.checks++;
        String key = app + " " + domain.name();
        Instant now = world.clock.instant();
        if (world.settings.dryRun) {
            throw violation("removed " + key + " while CLEANUP_DRY_RUN is on");
        }
        if (currentAskedDryRun) {
            throw violation("removed " + key + " in an invocation that asked for a dry run");
        }
        if (inRestore) {
            throw violation("removed " + key + " during a restore");
        }
        if (domain.createdAt() == null || domain.createdAt().toInstant().plus(world.settings.gracePeriod).isAfter(now)) {
            throw violation("removed " + key + ", younger than the grace period");
        }
        if (domain.isCanonical()) {
            throw violation("removed the canonical domain " + key);
        }
        if (StaleRules.isProtected(domain.name(), world.settings.protectedPatterns)) {
            throw violation("removed the protected domain " + key);
        }
        if (domain.validity() != null && domain.validity().toInstant().isAfter(now)) {
            throw violation("removed " + key + ", whose valid certificate shows traffic");
        }
        Truth truth = truths.get(key);
        if (truth == null) {
            throw violation("removed " + key + ", which the simulation does not know");
        }
        if (!gone(truth.dns)) {
            throw violation("removed " + key + " whose DNS is " + truth.dns);
        }
        Instant confirmedBy = now.minus(world.settings.confirmAfter);
        boolean staleLongEnough = truth.staleIntervals.stream().anyMatch(i -> !i[0].isAfter(confirmedBy));
        if (!staleLongEnough) {
            throw violation("removed " + key + ", not stale since at least " + world.settings.confirmAfter + " ago");
        }
        var tombstone = world.ledger.tombstones().get(key);
        if (tombstone == null) {
            throw violation("removed " + key + " without its tombstone");
        }
        // The caps in force at each unlink hold, even when an operator lowered them after the scan planned: as at
        // planning, a plan above the run cap removes nothing, a plan above an app's cap nothing of that app.
        world.ledger.scanState(tombstone.scanId()).ifPresent(scan -> {
            if (scan.plannedTotal() > world.settings.maxRemovalsPerRun) {
                throw violation("removed " + key + " by a scan that planned " + scan.plannedTotal()
                        + " removals, above the run cap of " + world.settings.maxRemovalsPerRun);
            }
            long plannedOfApp = scan.planned().stream().filter(p -> p.app().equals(app)).count();
            if (plannedOfApp > world.settings.maxRemovalsPerApp) {
                throw violation("removed " + key + " by a scan that planned " + plannedOfApp + " removals of " + app
                        + ", above the cap of " + world.settings.maxRemovalsPerApp + " per app");
            }
        });
        List<String> ofScan = unlinksByScan.computeIfAbsent(tombstone.scanId(), s -> new ArrayList<>());
        ofScan.add(app);
        if (ofScan.size() > world.settings.maxRemovalsPerRun) {
            throw violation("removed " + key + ": removal " + ofScan.size() + " of scan " + tombstone.scanId()
                    + ", above the run cap of " + world.settings.maxRemovalsPerRun);
        }
        long ofApp = ofScan.stream().filter(app::equals).count();
        if (ofApp > world.settings.maxRemovalsPerApp) {
            throw violation("removed " + key + ": removal " + ofApp + " of " + app + " by scan " + tombstone.scanId()
                    + ", above the cap of " + world.settings.maxRemovalsPerApp + " per app");
        }
        // Announced before acted on: its mark, with the date its sightings started, was published before the removal.
        boolean marked = world.events.published().stream().anyMatch(e -> e.detailType().equals(CleanupEvents.DOMAIN_MARKED_STALE)
                && key.equals(e.detail().get("app") + " " + e.detail().get("domain"))
                && String.valueOf(tombstone.firstStaleAt()).equals(e.detail().get("firstStaleAt")));
        if (!marked) {
            throw violation("removed " + key + " before Domain Marked Stale (first stale at " + tombstone.firstStaleAt()
                    + ") was published");
        }
    }

    private void checkAfterStep() {
        tally.steps++;
        tally.checks++;
        for (String key : removedPendingRestore) {
            if (!world.ledger.tombstones().containsKey(key)) {
                throw violation("the tombstone of removed " + key + " is gone, and it was not restored (tombstones: "
                        + world.ledger.tombstones().keySet() + ")");
            }
        }
        Map<String, String> contentById = new HashMap<>();
        for (DomainEvent event : world.events.published()) {
            String content = event.detailType() + " " + event.detail().get("app") + " " + event.detail().get("domain");
            String before = contentById.putIfAbsent(event.eventId(), content);
            if (before != null && !before.equals(content)) {
                throw violation("event id " + event.eventId() + " used for two changes: " + before + " / " + content);
            }
        }
        for (DomainEvent event : world.events.published()) {
            String key = event.detail().get("app") + " " + event.detail().get("domain");
            if (event.detailType().equals(CleanupEvents.DOMAIN_REMOVED) && !unlinks.containsKey(key)
                    && !unlinkedByHandDuringRemoval.contains(key)) {
                throw violation("Domain Removed published for " + key + ", which cleanup never unlinked");
            }
            if (event.detailType().equals(CleanupEvents.DOMAIN_RESTORED) && !restoresDone.containsKey(key)
                    && !restoreMayAnnounce.contains(key)) {
                throw violation("Domain Restored published for " + key + ", which no restore linked");
            }
        }
    }

    /**
     * The faults stop: the next scheduled start takes up whatever was abandoned (one that comes within a lost hand-off's
     * window finds it held, and the one after takes it), continuations carry it on, and it finishes: within two
     * periods and an hour of the faults stopping, its claim released (so done, its outbox empty).
     */
    private void quiet() {
        faultsOn = false;
        log("faults stop");
        Instant quietSince = world.clock.instant();
        Instant limit = quietSince.plus(PERIOD).plus(PERIOD).plusSeconds(3600);
        if (nextScheduledStart.isAfter(quietSince.plus(PERIOD))) {
            nextScheduledStart = quietSince.plus(PERIOD);
        }
        int startsBefore = scheduledStarts;
        while (true) {
            Instant next = nextDue();
            if (next.isAfter(limit)) {
                break;
            }
            moveTo(next);
            deliverDue();
            if (scheduledStarts > startsBefore && queue.isEmpty()
                    && world.ledger.runningScanId(world.clock.instant()).isEmpty()) {
                break;
            }
        }
        Optional<String> running = world.ledger.runningScanId(world.clock.instant());
        if (running.isPresent()) {
            throw violation("after the faults stopped, scan " + running.get() + " was not done within "
                    + Duration.between(quietSince, world.clock.instant()));
        }
        for (String key : new ArrayList<>(new java.util.LinkedHashSet<>(restoresToFinish))) {
            String[] parts = key.split(" ");
            if (world.ledger.tombstones().containsKey(key)) {
                invokeNow(new CleanupRequest.Restore(parts[0], parts[1]), false, "operator finishes a restore");
            }
        }
        restoresToFinish.clear();
        step++;
        checkAfterStep();
        Map<String, Long> removedEvents = new HashMap<>();
        Map<String, Long> restoredEvents = new HashMap<>();
        for (DomainEvent event : world.events.published()) {
            String key = event.detail().get("app") + " " + event.detail().get("domain");
            if (event.detailType().equals(CleanupEvents.DOMAIN_REMOVED)) {
                removedEvents.merge(key, 1L, Long::sum);
            }
            if (event.detailType().equals(CleanupEvents.DOMAIN_RESTORED)) {
                restoredEvents.merge(key, 1L, Long::sum);
            }
        }
        for (String key : unlinks.keySet()) {
            if (!removedEvents.containsKey(key)) {
                throw violation("cleanup unlinked " + key + " and Domain Removed was never published");
            }
        }
        for (String key : restoresDone.keySet()) {
            if (!restoredEvents.containsKey(key) && !restoreOutcomeUnknown.contains(key)) {
                throw violation("a restore linked " + key + " again and Domain Restored was never published");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private void count(Fault fault) {
        tally.faults.merge(fault, 1L, Long::sum);
    }

    private void log(String line) {
        trace.add(world.clock.instant() + " " + line);
        if (trace.size() > 20_000) {
            trace.subList(0, 10_000).clear();
        }
    }

    /** The violation, with the whole history written to {@code target/simulation/seed-N.log} for reading. */
    private Violation violation(String what) {
        try {
            java.nio.file.Path file = java.nio.file.Path.of("target/simulation/seed-" + seed + ".log");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, trace);
        } catch (java.io.IOException e) {
            // the message still carries the last steps
        }
        return new Violation(seed, step, what, trace);
    }

    private static String summary(CleanupInvocation.Result result) {
        if (result instanceof CleanupInvocation.Scanned scanned) {
            return "scan " + scanned.state().scanId().substring(0, 8) + " step " + scanned.state().step() + " "
                    + scanned.state().phase() + (scanned.state().dryRun() ? " dry-run" : "") + ", published "
                    + scanned.published().size() + ", unpublished " + scanned.unpublished().size() + ", marked " + scanned.state().markedTotal()
                    + scanned.paused().map(p -> ", paused: " + p).orElse("")
                    + (scanned.continuation().isPresent() && scanned.handedTo().isEmpty() ? ", not handed on" : "");
        }
        if (result instanceof CleanupInvocation.Busy busy) {
            return "busy with " + busy.runningScan().substring(0, Math.min(8, busy.runningScan().length()));
        }
        CleanupRuns.Restored restored = ((CleanupInvocation.Restored) result).restored();
        return "restored " + restored.tombstone().domain() + (restored.alreadyLinked() ? " (already linked)" : "")
                + (restored.unpublished().isEmpty() ? "" : ", event unpublished");
    }


}
