package io.domainautomation.simulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.scalingo.BudgetSimulationAccess;
import io.domainautomation.scalingo.RequestPacer;
import io.domainautomation.scalingo.SharedBudget;

/**
 * The account's shared rate budget (issue #32) through seeded histories with faults, in the style of
 * FoundationDB's simulation and TigerBeetle's VOPR: one Scalingo account shared by several containers, each a real
 * {@link SharedBudget} (the code the functions run) on its own virtual clock, all on ONE budget store, driven by an
 * event loop on a virtual clock, every choice drawn from the history's seed.
 * <p>
 * <b>The world.</b> 1 to 3 link-on-signup containers (SIGNUP, 1 to 5 callers at once each, a signup's two requests
 * within its invocation's deadline, put back on the queue when not in time), 0 or 1 set-canonical (INTERACTIVE, a
 * person's PUT of 2 or 3 requests within 28 s, some with a much shorter deadline), 0 or 1 rotation (ROTATION, a run
 * with a deadline of 15 min or none) and 0 or 1 cleanup-stale (CLEANUP, a scan of up to 400 requests); steady signups
 * and bursts of them; the people on the account (and domain-status) sending unpaced requests within their share
 * ({@code 60 - cap}: 10 a minute), and now and then a burst beyond it. Scalingo is its documented limit: a request
 * that would be the 61st accepted in a sliding minute is answered 429 (with a Retry-After most of the time), which the
 * container's client feeds to {@link SharedBudget#rateLimited} before trying again after the pause (as
 * {@code ScalingoClient.call}). Each container's callers go through {@code SharedBudget.acquire}'s loop, mirrored
 * here on {@link SharedBudget#attempt} (acquire blocks; the simulation schedules): the slot's start waited for, looked
 * at again when told, refused when its turn comes after the caller's latest start, and the static share
 * ({@link RequestPacer}, {@value #FALLBACK_SHARE} a minute, as {@code AdapterWiring}) when the store fails.
 * <p>
 * <b>Faults</b>, at every boundary: each store call (through {@link FaultyBudgetStore} on one
 * {@link InMemoryBudgetStore}) may fail before taking effect, take effect and lose its reply, be slow (the container's
 * clock moves by up to {@code store.longest()}, 1 s as deployed; a timeout costs all of it), or be cut by the
 * container dying before or after it took effect; stretches where the store is down (every call fails, fast or after
 * its timeout); containers killed between steps and restarted (a fresh {@code SharedBudget}: its local slots are lost
 * and stay counted in the store, its callers' work back on the queue); clocks skewed between containers (each
 * incarnation within {@code [0, skew]} of the others, {@code skew <= guard}); the network's jitter between a request's
 * start and its arrival at Scalingo (at most {@code guard - skew}); 429s; deadlines short and long.
 * <p>
 * <b>Time.</b> Store-touching steps (a caller's look, a 429's shrink) run one at a time: a step whose store calls took
 * time holds the store's later steps (any container's) until it ends, as a thread held up is (its calls are
 * linearised in the order of the clocks that decided them: a decision is never written before one decided earlier).
 * What this leaves out: two containers' calls interleaved within one step (a fresh read refused by another's write in
 * between: the refusal path is walked instead through a window known from an earlier step), and two callers of one
 * container inside {@code attempt} at once.
 * <p>
 * <b>Invariants</b>, checked after every step (and at every store write and every request), each named in its
 * violation. Let {@code S = period + guard} (61 s), {@code skew} the most two containers' clocks differ, and
 * {@code L = S - skew} (at least the period: skew stays within the guard).
 * <ol>
 * <li><b>cap</b>: the requests started on budget grants (not fallback) within any window of {@code L} of true time
 * number at most the cap in force at the start of the last-written of their grants: {@code cap()} (50), or the
 * shrunk cap when that grant starts before the end of a 429's shrink written before it. Why exactly this: the
 * last-written grant was decided on the store's window as it was (its write conditional on that version), in which
 * every other grant with requests in the window still counted at its start (a grant counts until a span after its
 * end; a request in the window puts its grant's end at most {@code L + skew = S} before that start, pruning
 * included, since every earlier writer decided at an earlier true time); and it was granted only within the cap in
 * force at its start. Grants decided before a shrink are not bound by it: only grants decided after it are, and the
 * windows they are last in. Hence every minute at Scalingo holds at most {@code cap} granted requests (with the
 * arrival jitter within {@code guard - skew});</li>
 * <li><b>no 429 while healthy</b>: the automation never gets a 429 from a minute at Scalingo holding no fallback
 * request and no more than the people's share of theirs (grants' arrivals in any minute at most the cap: checked at
 * each arrival); <b>fallback share</b>: each container incarnation's fallback requests stay within its static share
 * ({@value #FALLBACK_SHARE} per {@code period + guard} of its clock). With the store failing, the sum is not bounded
 * by the budget: a minute can hold the cap's grants already made plus {@value #FALLBACK_SHARE} for every container
 * incarnation that fell back in it (a container killed and started again falls back afresh), so with the people at
 * their share it can reach 60 and beyond (the tally's {@code maxAutomationMinute} and the 429s met with fallback in
 * the minute say how far it went);</li>
 * <li><b>in slot, in time, refusal</b>: every request on a grant starts within a slot of a grant its incarnation wrote
 * and saw written ({@code [from + spacing * i, + validity)}, each slot used once); no request (grant or fallback)
 * starts after its caller's latest start; a caller refused as not in time had no slot before its latest start: either
 * too little time for the store's calls ({@code 3 x longest}, checked at the step's end: a necessary condition), or the
 * policy itself, asked on the store's window as it is at that moment (not the container's possibly stale one), grants
 * none by then, and (independent of the policy) the store's window was not empty (a grant still counting, a start
 * booked ahead, or a shrink); a fallback refused had its static share's last {@value #FALLBACK_SHARE} starts within a
 * {@code period + guard} of its latest start. Exact against the policy; independent only in that weaker form;</li>
 * <li><b>liveness</b>: a container falls back only within {@code STORE_DOWN_FOR} (10 s, its clock) of a store failure
 * it met (so none stays in fallback longer than that after the store recovered); once the faults stop (the last
 * four minutes: no store faults, kills, bursts, new work; in-flight work cut to two requests), every caller waiting in
 * the budget is granted or refused within 150 s, none is left waiting at the end, and the history ends (a bound on
 * its events);</li>
 * <li><b>lost replies and versions</b>: a grant whose write's reply was lost (or whose container died after it) is
 * never used, yet counts: the grants applied to the store, used or not, keep invariant 1's bound too; the store's
 * version moves forward by one per applied write; a write drops only grants that ended a span before its writer's
 * clock; only a 429's step changes the shrink, never shortening it, and a grant's write carries it unchanged;</li>
 * <li><b>priority</b>, in an exact form: (a) a booked grant keeps its slots: a grant placed before it (the policy allows
 * it when every minute it reaches has room) never pushes that grant's minute over the cap (invariant 1's check);
 * (b) while a caller waits because the budget told it to look again at {@code r} (not refused), no grant of a lower
 * priority is written before {@code r} (true time): a lower priority books only what would have fitted the waiting
 * caller too, within a horizon shorter than its by more than the skew. Since an INTERACTIVE caller books as far ahead
 * as its deadline on its first look, (a) and (b) together mean: cleanup grants decided after an interactive caller
 * started waiting never delay it, in these histories (steps do not interleave within one; where they do, a cleanup
 * write between an interactive caller's read and write wins the race, and (a) is what remains).</li>
 * </ol>
 * Replay: {@code ./mvnw -pl src/functions -am test -Dtest=BudgetSimulationTest -Dsimulation.seed=N} (its whole history
 * in {@code target/simulation/budget-seed-N.log} when it fails).
 */
public final class BudgetSimulation {

    static final int LIMIT = 60;
    static final long PERIOD = 60_000;
    static final long GUARD = 1_000;
    static final long SPAN = PERIOD + GUARD;
    static final long VALIDITY = 2_000;
    /** As deployed (AdapterWiring): 60 less domain-status's 4, less a tenth for the people: a cap of 50. */
    static final BudgetPolicy.Settings SETTINGS = BudgetPolicy.Settings.forAccount(LIMIT, 4, 0.10,
            Duration.ofMillis(PERIOD), Duration.ofMillis(GUARD), Duration.ofMillis(VALIDITY));
    static final int CAP = SETTINGS.cap();
    /** The people's share and domain-status's: what the budget leaves outside itself. */
    static final int OUTSIDE_SHARE = LIMIT - CAP;
    /** AdapterWiring.FALLBACK_SHARE. */
    static final int FALLBACK_SHARE = 2;
    /** SCALINGO_BUDGET_BATCH's default. */
    static final int BATCH = 6;
    /** DynamoDbBudgetStore.CALL_TIMEOUT: one store call at its longest. */
    static final long LONGEST = 1_000;
    static final long STORE_DOWN_FOR = BudgetSimulationAccess.STORE_DOWN_FOR;
    static final int STORE_CALLS = BudgetSimulationAccess.STORE_CALLS_PER_WRITE;
    static final String ACCOUNT = "acct";
    static final long T0 = 1_780_000_000_000L;
    /** The last stretch of every history: no faults, no new work. */
    static final long CALM = 240_000;
    /** How long a caller may wait in the budget once the faults stopped. */
    static final long CALM_WAIT_BOUND = 150_000;
    static final long MAX_EVENTS = 400_000;
    /** Whether the known defect of 6(b) (a paced caller's stale look-again) fails the history too. */
    static final boolean STRICT_PRIORITY = Boolean.getBoolean("simulation.budget-strict-priority");

    /** The faults injected (and the conditions drawn), counted over the histories. */
    public enum Fault {
        STORE_FAILED, STORE_LOST_REPLY, STORE_SLOW, STORE_TIMEOUT, STORE_DOWN, KILL, KILL_IN_STORE_CALL, CLOCK_SKEW,
        TOO_MANY_REQUESTS, OUTSIDE_BURST, SHORT_DEADLINE
    }

    /** An invariant broken: the seed, the invariant, and the history's last steps. */
    public static final class Violation extends AssertionError {
        Violation(long seed, String invariant, String what, List<String> trace, String logFile) {
            super("seed " + seed + ": invariant " + invariant + ": " + what + "\nreplay: ./mvnw -pl src/functions -am test"
                    + " -Dtest=BudgetSimulationTest -Dsimulation.seed=" + seed
                    + (logFile == null ? "" : "\nwhole history: " + logFile)
                    + (trace.isEmpty() ? "" : "\nlast steps:\n  " + String.join("\n  ",
                            trace.subList(Math.max(0, trace.size() - 40), trace.size()))));
        }
    }

    /** Counts of one history, added up over many. */
    public static final class Tally {
        public long histories;
        public long events;
        public long looks;
        public long storeCalls;
        public long grants;
        public long grantedSlots;
        public long grantRequests;
        public long fallbackRequests;
        public long outsideRequests;
        public long unusedSlots;
        public long lostGrants;
        public long shrinks;
        public long tooManyAutomation;
        public long tooManyWithFallback;
        public long tooManyOutside;
        public long refusals;
        public long checks;
        public long concurrentWaits;
        /** 6(b) violations of the known defect, excused (a paced caller's stale look-again). */
        public long pacedInversions;
        /** The most automation requests (grants and fallback) Scalingo accepted in one minute, and of fallback. */
        public long maxAutomationMinute;
        public long maxFallbackMinute;
        public long maxGrantMinute;
        public final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
        public final Map<String, Long> outcomes = new TreeMap<>();

        void add(Tally o) {
            histories += o.histories;
            events += o.events;
            looks += o.looks;
            storeCalls += o.storeCalls;
            grants += o.grants;
            grantedSlots += o.grantedSlots;
            grantRequests += o.grantRequests;
            fallbackRequests += o.fallbackRequests;
            outsideRequests += o.outsideRequests;
            unusedSlots += o.unusedSlots;
            lostGrants += o.lostGrants;
            shrinks += o.shrinks;
            tooManyAutomation += o.tooManyAutomation;
            tooManyWithFallback += o.tooManyWithFallback;
            tooManyOutside += o.tooManyOutside;
            refusals += o.refusals;
            checks += o.checks;
            concurrentWaits += o.concurrentWaits;
            pacedInversions += o.pacedInversions;
            maxAutomationMinute = Math.max(maxAutomationMinute, o.maxAutomationMinute);
            maxFallbackMinute = Math.max(maxFallbackMinute, o.maxFallbackMinute);
            maxGrantMinute = Math.max(maxGrantMinute, o.maxGrantMinute);
            o.faults.forEach((k, v) -> faults.merge(k, v, Long::sum));
            o.outcomes.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the world

    private static final int LOOK = 0;
    private static final int SEND = 1;
    private static final int ARRIVE = 2;
    private static final int RESPOND = 3;
    private static final int RATE_LIMITED = 4;
    private static final int WORK = 5;
    private static final int KILL = 6;
    private static final int RESTART = 7;
    private static final int OUTSIDE = 8;
    private static final int BURST = 9;
    private static final int CALM_START = 10;
    private static final int CALM_CHECK = 11;

    private static final int FROM_GRANT = 0;
    private static final int FROM_FALLBACK = 1;
    private static final int FROM_OUTSIDE = 2;

    private static final class Event {
        final long at;
        final long seq;
        final int kind;
        final Object target;
        final long value;
        final Work work;

        Event(long at, long seq, int kind, Object target, long value, Work work) {
            this.at = at;
            this.seq = seq;
            this.kind = kind;
            this.target = target;
            this.value = value;
            this.work = work;
        }
    }

    /** One function's container: its priority, its callers at once, its queue; an incarnation while it runs. */
    private final class Container {
        final String name;
        final Priority priority;
        final int threads;
        final ArrayDeque<Work> queue = new ArrayDeque<>();
        Incarnation running;
        int incarnations;

        Container(String name, Priority priority, int threads) {
            this.name = name;
            this.priority = priority;
            this.threads = threads;
        }
    }

    /** A container's life from a start to its death: its SharedBudget, its static share, its clock. */
    private final class Incarnation implements SharedBudget.Clocks {
        final Container container;
        final String name;
        final long skew;
        final SharedBudget budget;
        final RequestPacer fallback;
        final FaultyBudgetStore store;
        final List<Caller> callers = new ArrayList<>();
        /** Grants it wrote and saw written (its slots come from those only). */
        final List<GrantRecord> grants = new ArrayList<>();
        /** Grants it wrote without knowing (the reply lost): never to be used. */
        final List<GrantRecord> unknown = new ArrayList<>();
        /** Its static share's booked starts, on its ticker (nanoseconds). */
        final ArrayDeque<Long> fallbackStarts = new ArrayDeque<>();
        long lastFallbackStart = Long.MIN_VALUE;
        long lastFailureClock = Long.MIN_VALUE;
        int waiting;
        boolean dead;

        Incarnation(Container container) {
            this.container = container;
            this.name = container.name + "#" + (++container.incarnations);
            this.skew = skewMax == 0 ? 0 : between(0, skewMax);
            // a refusal carrying the item (DynamoDB) or read after it (a store without ALL_OLD), by the container's place
            // in the history and its incarnation: with two containers or more, both of the adapter's paths in every
            // history, at once, and each container on the other after a restart (no draw of the seed's)
            this.store = new FaultyBudgetStore(backing, conditions, Duration.ofMillis(LONGEST), this,
                    (containers.indexOf(container) + container.incarnations) % 2 == 1);
            // as AdapterWiring makes it; the budget starts it on this incarnation's ticker
            this.fallback = RequestPacer.of(FALLBACK_SHARE, Duration.ofMillis(PERIOD), Duration.ofMillis(GUARD));
            this.budget = new SharedBudget(this.store, ACCOUNT, container.priority, SETTINGS, BATCH, fallback, this, () -> { });
        }

        @Override
        public long millis() {
            return now + elapsed + skew;
        }

        @Override
        public long nanos() {
            return millis() * 1_000_000L;
        }

        @Override
        public void sleepMillis(long millis) {
            throw new UnsupportedOperationException("the simulation never blocks: it schedules");
        }

        /** A time on this incarnation's clock, as true time. */
        long trueTime(long clock) {
            return clock - skew;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Work for a container: a signup, a person's PUT, a rotation run, a scan. */
    private static final class Work {
        final Priority kind;
        int requests;
        int deliveries;
        final long deadlineSpan; // from its start; < 0: none
        final String label;

        Work(Priority kind, int requests, long deadlineSpan, String label) {
            this.kind = kind;
            this.requests = requests;
            this.deadlineSpan = deadlineSpan;
            this.label = label;
        }
    }

    /** One invocation at work in a container: its requests one after another, each through the budget. */
    private final class Caller {
        final Incarnation inc;
        final Work work;
        final String name;
        final long deadlineTrue; // Long.MAX_VALUE: none
        final long latestTrue; // the latest start of a request
        int tries;
        boolean inAcquire;
        boolean ended;
        long waitingSince;
        /** Told by the budget to look again at this true time (not refused); MIN_VALUE when not waiting so. */
        long waitUntilTrue = Long.MIN_VALUE;

        Caller(Incarnation inc, Work work) {
            this.inc = inc;
            this.work = work;
            this.name = inc.name + "/" + work.label;
            this.deadlineTrue = work.deadlineSpan < 0 ? Long.MAX_VALUE : now + work.deadlineSpan;
            long reserve = work.kind == Priority.INTERACTIVE ? 6_000 : 5_000; // one request at its longest
            this.latestTrue = work.deadlineSpan < 0 ? Long.MAX_VALUE : deadlineTrue - reserve;
        }

        boolean noDeadline() {
            return deadlineTrue == Long.MAX_VALUE;
        }

        /** The latest start on the incarnation's clock. */
        long latestClock() {
            return noDeadline() ? Long.MAX_VALUE : latestTrue + inc.skew;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A grant applied to the store, as the simulation saw it written. */
    private static final class GrantRecord {
        final long seq;
        final Incarnation writer;
        final BudgetWindow.Grant grant;
        final long spacing;
        final int capAt;
        final long fromTrue;
        final long untilTrue;
        final boolean[] used;
        final boolean unknown;

        GrantRecord(long seq, Incarnation writer, BudgetWindow.Grant grant, int capAt, boolean unknown) {
            this.seq = seq;
            this.writer = writer;
            this.grant = grant;
            this.spacing = grant.count() > 1 ? (grant.untilMillis() - grant.fromMillis() - VALIDITY) / (grant.count() - 1) : 0;
            this.capAt = capAt;
            this.fromTrue = writer.trueTime(grant.fromMillis());
            this.untilTrue = writer.trueTime(grant.untilMillis());
            this.used = new boolean[grant.count()];
            this.unknown = unknown;
        }

        long slotFrom(int i) {
            return grant.fromMillis() + spacing * i;
        }
    }

    /** A request on its way to Scalingo. */
    private record Request(Caller caller, int from, boolean overShare) {
    }

    private final long seed;
    private final Random random;
    private final boolean tracing;
    private final List<String> trace = new ArrayList<>();
    private final Tally tally = new Tally();
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.seq, b.seq));
    private long seq;
    private long now = T0;
    /** Time the current step's store calls took (the stepping container's clock is ahead of {@code now} by it). */
    private long elapsed;
    private long storeBusyUntil;
    private Incarnation stepping;
    private boolean stepFailed;
    private boolean inShrinkStep;

    private final InMemoryBudgetStore backing = new InMemoryBudgetStore();
    private final Conditions conditions = new Conditions();
    private final List<Container> containers = new ArrayList<>();

    // the history's draw
    private long skewMax;
    private long jitterMax;
    private long windowL;
    private long activeEnd;
    private long calmEnd;
    private boolean calm;
    private double pFail;
    private double pLost;
    private double pSlow;
    private double pTimeout;
    private double pKillInCall;
    private final List<long[]> downs = new ArrayList<>();
    private double outsidePerMinute;

    // what the checks keep
    private BudgetWindow mirror = BudgetWindow.empty(ACCOUNT);
    private long writes;
    private long shrinkUntil;
    private int shrunkCap;
    private final ArrayDeque<GrantRecord> recentGrants = new ArrayDeque<>();
    /** Requests started on grants: {true time, grant seq, cap at that grant}. */
    private final ArrayDeque<long[]> grantStarts = new ArrayDeque<>();
    /** Scalingo's sliding minute: accepted arrivals {time, from}. */
    private final ArrayDeque<long[]> accepted = new ArrayDeque<>();
    private final int[] acceptedFrom = new int[3];

    private BudgetSimulation(long seed, boolean tracing) {
        this.seed = seed;
        this.random = new Random(seed);
        this.tracing = tracing;
    }

    /** One history; a violation carries its whole trace (the history run again with tracing on). */
    public static Tally run(long seed) {
        try {
            return new BudgetSimulation(seed, false).history();
        } catch (Violation quiet) {
            return new BudgetSimulation(seed, true).history(); // throws again, with the trace
        }
    }

    /** One history's trace (replaying it, for a test that a seed is one history). */
    static List<String> traceOf(long seed) {
        BudgetSimulation simulation = new BudgetSimulation(seed, true);
        simulation.history();
        return simulation.trace;
    }

    public static Tally run(long firstSeed, long histories) {
        Tally total = new Tally();
        for (long s = firstSeed; s < firstSeed + histories; s++) {
            total.add(run(s));
        }
        return total;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the history

    private Tally history() {
        draw();
        while (!events.isEmpty()) {
            Event event = events.poll();
            if (event.at > calmEnd) {
                break;
            }
            now = event.at;
            if (++tally.events > MAX_EVENTS) {
                throw violation("4-liveness", "the history did not end: more than " + MAX_EVENTS + " events");
            }
            handle(event);
        }
        now = calmEnd;
        calmCheck(true);
        for (GrantRecord record : recentGrants) {
            countUnused(record);
        }
        tally.histories = 1;
        return tally;
    }

    private void draw() {
        skewMax = random.nextInt(10) < 3 ? 0 : between(1, GUARD);
        if (skewMax > 0) {
            fault(Fault.CLOCK_SKEW);
        }
        jitterMax = between(0, GUARD - skewMax);
        windowL = SPAN - skewMax;
        activeEnd = T0 + between(90_000, 360_000);
        calmEnd = activeEnd + CALM;
        int level = random.nextInt(4);
        double scale = level == 0 ? 0 : level == 1 ? 0.3 : 1;
        pFail = 0.04 * scale;
        pLost = 0.04 * scale;
        pSlow = 0.15 * scale;
        pTimeout = 0.5;
        pKillInCall = 0.01 * scale;
        if (level > 0) {
            int stretches = random.nextInt(level == 3 ? 4 : 2);
            for (int i = 0; i < stretches; i++) {
                long length = between(1_000, 45_000);
                long from = between(T0, Math.max(T0, activeEnd - length));
                downs.add(new long[] {from, from + length});
            }
            int kills = random.nextInt(level == 3 ? 2 : 4);
            for (int i = 0; i < kills; i++) {
                schedule(between(T0, activeEnd), KILL, null, random.nextInt(8));
            }
        }
        trace("draw: skew up to " + skewMax + " ms, jitter up to " + jitterMax + " ms, window L " + windowL + " ms, active until +"
                + (activeEnd - T0) + " ms, fault level " + level + ", store down " + describeDowns());
        // the containers
        int signups = (int) between(1, 3);
        for (int i = 0; i < signups; i++) {
            containers.add(new Container("signup" + i, Priority.SIGNUP, (int) between(1, 5)));
        }
        if (random.nextBoolean()) {
            containers.add(new Container("canonical", Priority.INTERACTIVE, (int) between(1, 2)));
        }
        if (random.nextBoolean()) {
            containers.add(new Container("rotation", Priority.ROTATION, 1));
        }
        if (random.nextBoolean()) {
            containers.add(new Container("cleanup", Priority.CLEANUP, 1));
        }
        for (Container container : containers) {
            start(container);
            trace("container " + container.name + " (" + container.priority + ", " + container.threads + " at once)");
        }
        // the work
        int signupRate = new int[] {0, 5, 20, 60}[random.nextInt(4)];
        long t = T0;
        while (signupRate > 0 && (t += exponential(PERIOD / signupRate)) < activeEnd) {
            signupAt(t);
        }
        int bursts = random.nextInt(3);
        for (int b = 0; b < bursts; b++) {
            long at = between(T0, activeEnd);
            int size = (int) between(10, 60);
            long over = between(0, 5_000);
            for (int i = 0; i < size; i++) {
                signupAt(at + between(0, over));
            }
        }
        for (Container container : containers) {
            switch (container.priority) {
                case INTERACTIVE -> {
                    int perMinute = (int) between(1, 8);
                    long at = T0;
                    while ((at += exponential(PERIOD / perMinute)) < activeEnd) {
                        boolean shortDeadline = random.nextInt(7) == 0;
                        long deadline = shortDeadline ? between(2_000, 12_000) : 28_000;
                        schedule(at, WORK, container, 0, new Work(Priority.INTERACTIVE, (int) between(2, 3), deadline,
                                "put@" + (at - T0)));
                    }
                }
                case ROTATION -> {
                    long at = between(T0, T0 + (activeEnd - T0) / 2);
                    schedule(at, WORK, container, 0, new Work(Priority.ROTATION, (int) between(5, 40),
                            random.nextInt(10) < 3 ? -1 : 900_000, "run@" + (at - T0)));
                }
                case CLEANUP -> {
                    long at = between(T0, T0 + 30_000);
                    schedule(at, WORK, container, 0, new Work(Priority.CLEANUP, (int) between(30, 400), 720_000,
                            "scan@" + (at - T0)));
                }
                default -> {
                }
            }
        }
        // the people on the account (and domain-status): within their share, now and then beyond it
        outsidePerMinute = new double[] {0, 3, 10, 20}[random.nextInt(4)];
        if (outsidePerMinute > 0) {
            schedule(T0 + exponential((long) (PERIOD / outsidePerMinute)), OUTSIDE, null, 0);
        }
        if (random.nextInt(3) == 0) {
            int incidents = (int) between(1, 2);
            for (int i = 0; i < incidents; i++) {
                schedule(between(T0, activeEnd), BURST, null, between(10, 40));
            }
        }
        schedule(activeEnd, CALM_START, null, 0);
    }

    private void signupAt(long at) {
        List<Container> linking = containers.stream().filter(c -> c.priority == Priority.SIGNUP).toList();
        Container to = linking.get(random.nextInt(linking.size()));
        schedule(at, WORK, to, 0, new Work(Priority.SIGNUP, 2, between(15_000, 60_000), "signup@" + (at - T0)));
    }

    private void handle(Event event) {
        switch (event.kind) {
            case LOOK -> look((Caller) event.target);
            case SEND -> send((Caller) event.target, (int) event.value);
            case ARRIVE -> arrive((Request) event.target);
            case RESPOND -> respond((Request) event.target, event.value);
            case RATE_LIMITED -> rateLimited((Caller) event.target, event.value);
            case WORK -> work(event);
            case KILL -> {
                if (calm) {
                    return;
                }
                if (now < storeBusyUntil) {
                    schedule(storeBusyUntil, KILL, null, event.value);
                    return;
                }
                Container container = containers.get((int) (event.value % containers.size()));
                if (container.running != null) {
                    fault(Fault.KILL);
                    kill(container, "killed between steps");
                }
            }
            case RESTART -> {
                Container container = (Container) event.target;
                if (container.running == null) {
                    start(container);
                    trace(container.running + " started (skew " + container.running.skew + " ms)");
                    dispatch(container);
                }
            }
            case OUTSIDE -> {
                purgeScalingo();
                if (acceptedFrom[FROM_OUTSIDE] < OUTSIDE_SHARE) {
                    arrive(new Request(null, FROM_OUTSIDE, false));
                }
                schedule(now + exponential((long) (PERIOD / outsidePerMinute)), OUTSIDE, null, 0);
            }
            case BURST -> {
                if (calm) {
                    return;
                }
                fault(Fault.OUTSIDE_BURST);
                trace("people burst: " + event.value + " requests beyond their share");
                long over = between(0, 5_000);
                for (int i = 0; i < event.value; i++) {
                    schedule(now + between(0, over), ARRIVE, new Request(null, FROM_OUTSIDE, true), 0);
                }
            }
            case CALM_START -> {
                calm = true;
                trace("calm: no more faults, kills, bursts nor new work; in-flight work cut to two requests");
                for (Container container : containers) {
                    container.queue.clear();
                    if (container.running != null) {
                        for (Caller caller : container.running.callers) {
                            caller.work.requests = Math.min(caller.work.requests, 2);
                        }
                    }
                }
                schedule(now + 5_000, CALM_CHECK, null, 0);
            }
            case CALM_CHECK -> {
                calmCheck(false);
                schedule(now + 5_000, CALM_CHECK, null, 0);
            }
            default -> throw new IllegalStateException("event " + event.kind);
        }
    }

    private void start(Container container) {
        container.running = new Incarnation(container);
    }

    private void work(Event event) {
        Container container = (Container) event.target;
        Work work = event.work;
        if (calm) {
            return;
        }
        container.queue.add(work);
        dispatch(container);
    }

    private void dispatch(Container container) {
        Incarnation inc = container.running;
        while (inc != null && inc.callers.size() < container.threads && !container.queue.isEmpty()) {
            Caller caller = new Caller(inc, container.queue.poll());
            inc.callers.add(caller);
            if (caller.work.deadlineSpan >= 0 && caller.work.deadlineSpan < 12_000 && caller.work.kind == Priority.INTERACTIVE) {
                fault(Fault.SHORT_DEADLINE);
            }
            trace(caller + " starts: " + caller.work.requests + " requests, deadline "
                    + (caller.noDeadline() ? "none" : "+" + caller.work.deadlineSpan + " ms"));
            schedule(now, LOOK, caller, 0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // a caller's acquire (SharedBudget.acquire's loop, on the event loop)

    private void look(Caller caller) {
        Incarnation inc = caller.inc;
        if (inc.dead || caller.ended) {
            return;
        }
        if (now < storeBusyUntil) {
            schedule(storeBusyUntil, LOOK, caller, 0); // held up behind a store call in flight
            return;
        }
        if (!caller.inAcquire) {
            caller.inAcquire = true;
            inc.waiting++;
            caller.waitingSince = now;
        }
        caller.waitUntilTrue = Long.MIN_VALUE;
        tally.looks++;
        beginStep(inc);
        long clock = inc.millis();
        long latest = caller.latestClock();
        long remaining = caller.noDeadline() ? Long.MAX_VALUE / 4 : latest - clock;
        SharedBudget.Attempt attempt;
        long failureBefore = inc.lastFailureClock;
        try {
            attempt = inc.budget.attempt(clock, clock + remaining, inc.waiting);
        } catch (LedgerUnavailable unreachable) {
            // acquire: only the store's failure falls back, to the static share
            boolean allowed = stepFailed || clock < failureBefore + STORE_DOWN_FOR;
            check(allowed, "4-fallback-ends", () -> caller + " fell back at " + clock + " with no store failure in this step"
                    + " and its last at " + failureBefore + " (more than " + STORE_DOWN_FOR + " ms before)");
            fallback(caller, latest);
            return;
        } catch (FaultyBudgetStore.Killed killed) {
            long at = endStep();
            now = at;
            kill(inc.container, killed.getMessage());
            return;
        }
        long after = inc.millis();
        long stepEnd = endStep();
        long remainingAfter = caller.noDeadline() ? Long.MAX_VALUE / 4 : latest - after;
        long wait = attempt.atMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : attempt.atMillis() - after;
        if (wait > remainingAfter) {
            refused(caller, attempt, after, latest);
            return;
        }
        if (attempt.granted()) {
            trace(caller + " granted a slot at " + rel(attempt.atMillis(), inc) + " (looked at " + rel(clock, inc) + ")");
            schedule(stepEnd + Math.max(0, wait), SEND, caller, FROM_GRANT);
            return;
        }
        caller.waitUntilTrue = stepEnd + (attempt.atMillis() - after);
        if (tracing) {
            trace(caller + " to look again at " + rel(attempt.atMillis(), inc) + "; the store holds " + describe(mirror));
        }
        schedule(stepEnd + Math.max(1, wait), LOOK, caller, 0);
    }

    /** acquire's fallback: the static share's turn (SharedBudget.fallbackTurn, on the incarnation's ticker). */
    private void fallback(Caller caller, long latest) {
        Incarnation inc = caller.inc;
        long clock = inc.millis();
        long nowNanos = clock * 1_000_000L;
        long latestNanos = caller.noDeadline() ? Long.MAX_VALUE : latest * 1_000_000L;
        SharedBudget.Fallback turn = inc.budget.fallbackTurn(latestNanos); // on the ticker as the step left it
        long stepEnd = endStep();
        if (!turn.booked()) {
            // the share's own turn comes too late: checked apart from the pacer, on the starts it booked
            long window = (PERIOD + GUARD) * 1_000_000L;
            long next = Math.max(nowNanos, inc.lastFallbackStart);
            if (inc.fallbackStarts.size() >= FALLBACK_SHARE) {
                long[] starts = inc.fallbackStarts.stream().mapToLong(Long::longValue).toArray();
                next = Math.max(next, starts[starts.length - FALLBACK_SHARE] + window);
            }
            long earliest = next;
            check(earliest > latestNanos, "3-refusal", () -> caller + " refused by its static share, which had a start at "
                    + earliest / 1_000_000 + " by its latest " + latest);
            trace(caller + " not in time on its static share");
            tally.refusals++;
            finish(caller, "refused (static share)", true);
            return;
        }
        long start = nowNanos + turn.waitNanos();
        long window = (PERIOD + GUARD) * 1_000_000L;
        inc.fallbackStarts.addLast(start);
        inc.lastFallbackStart = start;
        while (inc.fallbackStarts.peekFirst() <= start - window) {
            inc.fallbackStarts.pollFirst();
        }
        check(inc.fallbackStarts.size() <= FALLBACK_SHARE, "2-fallback-share", () -> inc + " booked " + inc.fallbackStarts.size()
                + " fallback starts within " + (PERIOD + GUARD) + " ms: " + inc.fallbackStarts);
        trace(caller + " falls back to the static share, start at " + rel(start / 1_000_000, inc));
        schedule(stepEnd + (turn.waitNanos() + 999_999) / 1_000_000, SEND, caller, FROM_FALLBACK);
    }

    private void refused(Caller caller, SharedBudget.Attempt attempt, long after, long latest) {
        Incarnation inc = caller.inc;
        tally.refusals++;
        if (attempt.atMillis() == Long.MAX_VALUE) {
            check(after + STORE_CALLS * LONGEST > latest, "3-refusal", () -> caller + " refused for want of time for the store's"
                    + " calls at " + after + " with its latest start " + latest);
        } else {
            BudgetPolicy.Decision fresh = BudgetPolicy.take(mirror, after, inc.container.priority, 1, latest, SETTINGS);
            check(!fresh.granted() || after + STORE_CALLS * LONGEST > latest, "3-refusal", () -> caller + " refused (look again at "
                    + attempt.atMillis() + ", latest " + latest + ") though the store's window had a slot at "
                    + fresh.startMillis() + ": " + describe(mirror));
            boolean empty = mirror.grants().stream().allMatch(g -> g.untilMillis() <= after - SPAN && g.fromMillis() <= after)
                    && after >= mirror.shrinkUntilMillis();
            check(!empty || after + STORE_CALLS * LONGEST > latest, "3-refusal", () -> caller + " refused though nothing in the"
                    + " store's window counted: " + describe(mirror));
        }
        trace(caller + " not in time (turn at " + (attempt.atMillis() == Long.MAX_VALUE ? "never" : rel(attempt.atMillis(), inc))
                + ", latest " + rel(latest, inc) + ")");
        finish(caller, "refused", true);
    }

    private void send(Caller caller, int from) {
        Incarnation inc = caller.inc;
        if (inc.dead || caller.ended) {
            return;
        }
        long clock = inc.millis();
        check(caller.noDeadline() || clock <= caller.latestClock(), "3-in-time", () -> caller + " started a request at " + clock
                + " after its latest start " + caller.latestClock());
        if (from == FROM_GRANT) {
            GrantRecord record = useSlot(inc, clock);
            if (record == null) {
                GrantRecord lost = findSlot(inc.unknown, clock);
                check(lost == null, "5-lost-reply-unused", () -> caller + " started a request at " + clock
                        + " on a grant whose write's reply was lost: " + lost.grant);
                check(false, "3-in-slot", () -> caller + " started a request at " + clock + " outside every slot its"
                        + " incarnation was granted: " + inc.grants.stream().map(g -> g.grant).toList());
            }
            capCheck(record);
            tally.grantRequests++;
        } else {
            tally.fallbackRequests++;
        }
        caller.inAcquire = false;
        inc.waiting--;
        trace(caller + " sends" + (from == FROM_FALLBACK ? " (fallback)" : "") + " at " + rel(clock, inc));
        Request request = new Request(caller, from, false);
        long jitter = jitterMax == 0 ? 0 : between(0, jitterMax);
        if (jitter == 0) {
            arrive(request);
        } else {
            schedule(now + jitter, ARRIVE, request, 0);
        }
    }

    /** Scalingo: a request that would be the 61st accepted in a sliding minute is answered 429. */
    private void arrive(Request request) {
        purgeScalingo();
        boolean automation = request.from() != FROM_OUTSIDE;
        if (accepted.size() >= LIMIT) {
            long retryAfter = random.nextInt(10) < 7 ? ((accepted.peekFirst()[0] + PERIOD - now + 999) / 1_000) * 1_000 : -1;
            if (automation) {
                fault(Fault.TOO_MANY_REQUESTS);
                tally.tooManyAutomation++;
                boolean fallbackInMinute = acceptedFrom[FROM_FALLBACK] > 0 || request.from() == FROM_FALLBACK;
                if (fallbackInMinute) {
                    tally.tooManyWithFallback++;
                }
                check(acceptedFrom[FROM_OUTSIDE] > OUTSIDE_SHARE || fallbackInMinute, "2-no-429-while-healthy",
                        () -> request.caller() + " got a 429 from a minute holding " + acceptedFrom[FROM_GRANT] + " granted, "
                                + acceptedFrom[FROM_FALLBACK] + " fallback and " + acceptedFrom[FROM_OUTSIDE] + " outside requests");
                trace(request.caller() + " 429 (minute: " + acceptedFrom[FROM_GRANT] + " granted, " + acceptedFrom[FROM_FALLBACK]
                        + " fallback, " + acceptedFrom[FROM_OUTSIDE] + " outside), Retry-After " + retryAfter);
                schedule(now + between(50, 300), RESPOND, request, retryAfter);
            } else {
                tally.tooManyOutside++;
            }
            return;
        }
        accepted.addLast(new long[] {now, request.from()});
        acceptedFrom[request.from()]++;
        if (request.from() == FROM_OUTSIDE) {
            tally.outsideRequests++;
            return;
        }
        long automationMinute = acceptedFrom[FROM_GRANT] + acceptedFrom[FROM_FALLBACK];
        tally.maxAutomationMinute = Math.max(tally.maxAutomationMinute, automationMinute);
        tally.maxFallbackMinute = Math.max(tally.maxFallbackMinute, acceptedFrom[FROM_FALLBACK]);
        tally.maxGrantMinute = Math.max(tally.maxGrantMinute, acceptedFrom[FROM_GRANT]);
        check(acceptedFrom[FROM_GRANT] <= CAP, "2-no-429-while-healthy", () -> "Scalingo accepted " + acceptedFrom[FROM_GRANT]
                + " requests on grants within a minute, above the cap " + CAP);
        schedule(now + between(50, 400), RESPOND, request, 0);
    }

    private void purgeScalingo() {
        while (!accepted.isEmpty() && accepted.peekFirst()[0] <= now - PERIOD) {
            acceptedFrom[(int) accepted.pollFirst()[1]]--;
        }
    }

    private void respond(Request request, long retryAfter) {
        Caller caller = request.caller();
        if (caller.inc.dead || caller.ended) {
            return;
        }
        if (retryAfter != 0) {
            schedule(now, RATE_LIMITED, caller, retryAfter);
            return;
        }
        caller.work.requests--;
        caller.tries = 0;
        if (caller.work.requests > 0) {
            schedule(now + between(0, 200), LOOK, caller, 0);
        } else {
            finish(caller, "done", false);
        }
    }

    /** ScalingoClient.call after a 429: the budget told (its shrink), then the pause, then another acquire. */
    private void rateLimited(Caller caller, long retryAfter) {
        Incarnation inc = caller.inc;
        if (inc.dead || caller.ended) {
            return;
        }
        if (now < storeBusyUntil) {
            schedule(storeBusyUntil, RATE_LIMITED, caller, retryAfter);
            return;
        }
        beginStep(inc);
        inShrinkStep = true;
        Deadline deadline = caller.noDeadline() ? Deadline.none()
                : new Deadline((caller.deadlineTrue + inc.skew) * 1_000_000L);
        try {
            inc.budget.rateLimited(Duration.ofMillis(Math.max(0, retryAfter)), deadline);
        } catch (FaultyBudgetStore.Killed killed) {
            inShrinkStep = false;
            now = endStep();
            kill(inc.container, killed.getMessage());
            return;
        }
        inShrinkStep = false;
        long after = inc.millis();
        long stepEnd = endStep();
        caller.tries++;
        long pause = retryAfter > 0 ? retryAfter : backoff(caller.tries);
        if (caller.tries >= 6 || (!caller.noDeadline() && after + pause > caller.latestClock())) {
            trace(caller + " gives up after " + caller.tries + " 429s");
            finish(caller, "gave up (429s)", true);
            return;
        }
        trace(caller + " told the budget of a 429, tries again in " + pause + " ms");
        schedule(stepEnd + pause, LOOK, caller, 0);
    }

    private long backoff(int attempts) {
        long ceiling = Math.min(8_000, 500L << Math.min(attempts - 1, 20));
        long floor = ceiling / 2;
        return floor + between(0, ceiling - floor);
    }

    /** The caller's invocation ends; work not done goes back where the function would put it. */
    private void finish(Caller caller, String outcome, boolean again) {
        Incarnation inc = caller.inc;
        caller.ended = true;
        if (caller.inAcquire) {
            caller.inAcquire = false;
            inc.waiting--;
        }
        caller.waitUntilTrue = Long.MIN_VALUE;
        inc.callers.remove(caller);
        tally.outcomes.merge(caller.work.kind.name().toLowerCase() + " " + outcome, 1L, Long::sum);
        if (again) {
            putBack(inc.container, caller.work);
        }
        dispatch(inc.container);
    }

    /** link-on-signup's message back on the queue, a scan handed on; a person's PUT answered 503. */
    private void putBack(Container container, Work work) {
        if (calm || work.kind == Priority.INTERACTIVE || work.requests <= 0) {
            return;
        }
        work.deliveries++;
        if (work.kind == Priority.SIGNUP && work.deliveries >= 3) {
            tally.outcomes.merge("signup dead-lettered", 1L, Long::sum);
            return;
        }
        Work again = new Work(work.kind, work.requests, work.deadlineSpan, work.label + "'");
        again.deliveries = work.deliveries;
        schedule(now + (work.kind == Priority.SIGNUP ? 30_000 : 5_000), WORK, container, 0, again);
    }

    private void kill(Container container, String how) {
        Incarnation inc = container.running;
        if (inc == null) {
            return;
        }
        tally.outcomes.merge("kills", 1L, Long::sum);
        trace(inc + " " + how);
        inc.dead = true;
        container.running = null;
        for (Caller caller : new ArrayList<>(inc.callers)) {
            caller.ended = true;
            caller.waitUntilTrue = Long.MIN_VALUE;
            putBack(container, caller.work);
        }
        inc.callers.clear();
        schedule(now + between(300, 5_000), RESTART, container, 0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the store's conditions: faults, time, and what each write changed

    private void beginStep(Incarnation inc) {
        stepping = inc;
        elapsed = 0;
        stepFailed = false;
    }

    /** The step's end, in true time; the store's later steps wait for it. */
    private long endStep() {
        long end = now + elapsed;
        storeBusyUntil = Math.max(storeBusyUntil, end);
        elapsed = 0;
        stepping = null;
        return end;
    }

    private boolean down(long at) {
        for (long[] stretch : downs) {
            if (at >= stretch[0] && at < stretch[1]) {
                return true;
            }
        }
        return false;
    }

    private final class Conditions implements FaultyBudgetStore.Conditions {

        @Override
        public void refused(FaultyBudgetStore view, boolean itemCarried) {
            tally.outcomes.merge(itemCarried ? "store refusal carrying the item" : "store refusal, the item read after", 1L,
                    Long::sum);
        }

        @Override
        public FaultyBudgetStore.Fate fate(FaultyBudgetStore view, FaultyBudgetStore.Call call) {
            tally.storeCalls++;
            if (calm) {
                return FaultyBudgetStore.Fate.ANSWERED;
            }
            if (down(now + elapsed)) {
                fault(Fault.STORE_DOWN);
                return FaultyBudgetStore.Fate.FAILED;
            }
            double r = random.nextDouble();
            if (r < pKillInCall) {
                fault(Fault.KILL_IN_STORE_CALL);
                return random.nextBoolean() ? FaultyBudgetStore.Fate.KILLED_BEFORE : FaultyBudgetStore.Fate.KILLED_AFTER;
            }
            r -= pKillInCall;
            if (r < pFail) {
                fault(Fault.STORE_FAILED);
                return FaultyBudgetStore.Fate.FAILED;
            }
            r -= pFail;
            if (r < pLost) {
                fault(Fault.STORE_LOST_REPLY);
                return FaultyBudgetStore.Fate.LOST_REPLY;
            }
            return FaultyBudgetStore.Fate.ANSWERED;
        }

        @Override
        public long time(FaultyBudgetStore view, FaultyBudgetStore.Call call, FaultyBudgetStore.Fate fate) {
            long took;
            if ((fate == FaultyBudgetStore.Fate.FAILED || fate == FaultyBudgetStore.Fate.LOST_REPLY) && random.nextDouble() < pTimeout) {
                fault(Fault.STORE_TIMEOUT);
                took = LONGEST;
            } else if (!calm && random.nextDouble() < pSlow) {
                fault(Fault.STORE_SLOW);
                took = between(50, LONGEST);
            } else {
                took = between(2, 15);
            }
            elapsed += took;
            return took;
        }

        @Override
        public void failed(FaultyBudgetStore view, FaultyBudgetStore.Call call, FaultyBudgetStore.Fate fate) {
            Incarnation inc = (Incarnation) view.owner;
            stepFailed = true;
            inc.lastFailureClock = inc.millis();
            trace("  " + inc + " store " + call + " " + fate);
        }

        @Override
        public void seen(FaultyBudgetStore view, Optional<BudgetWindow> window) {
            long version = window.map(BudgetWindow::version).orElse(0L);
            check(version == mirror.version(), "5-version", () -> "a read saw version " + version + " while the store holds "
                    + mirror.version());
        }

        @Override
        public void applied(FaultyBudgetStore view, BudgetWindow before, BudgetWindow written, boolean replyLost) {
            Incarnation inc = (Incarnation) view.owner;
            long at = now + elapsed;
            check(before.version() == mirror.version() && written.version() == before.version() + 1, "5-version",
                    () -> "a write moved the version from " + before.version() + " (mirror " + mirror.version() + ") to "
                            + written.version());
            Map<BudgetWindow.Grant, Integer> counts = new HashMap<>();
            for (BudgetWindow.Grant grant : written.grants()) {
                counts.merge(grant, 1, Integer::sum);
            }
            for (BudgetWindow.Grant grant : before.grants()) {
                Integer left = counts.get(grant);
                if (left == null || left == 0) {
                    long clock = inc.millis();
                    check(grant.untilMillis() <= clock - SPAN, "5-no-counting-grant-dropped", () -> inc + " dropped " + grant
                            + " at " + clock + ", within a span of its end");
                } else {
                    counts.put(grant, left - 1);
                }
            }
            boolean shrinkChanged = written.shrinkUntilMillis() != before.shrinkUntilMillis()
                    || written.shrunkCap() != before.shrunkCap();
            List<BudgetWindow.Grant> added = new ArrayList<>();
            counts.forEach((grant, n) -> {
                for (int i = 0; i < n; i++) {
                    added.add(grant);
                }
            });
            if (shrinkChanged) {
                check(inShrinkStep && added.isEmpty() && written.shrinkUntilMillis() >= before.shrinkUntilMillis(), "5-shrink-kept",
                        () -> inc + " changed the shrink from " + before.shrinkUntilMillis() + "/" + before.shrunkCap() + " to "
                                + written.shrinkUntilMillis() + "/" + written.shrunkCap() + (inShrinkStep ? "" : " outside a 429")
                                + " adding " + added);
                shrinkUntil = written.shrinkUntilMillis();
                shrunkCap = written.shrunkCap();
                tally.shrinks++;
                trace("  " + inc + " shrinks the budget to " + shrunkCap + " until " + rel(shrinkUntil, inc)
                        + (replyLost ? " (reply lost)" : ""));
            }
            mirror = written;
            writes++;
            for (BudgetWindow.Grant grant : added) {
                // no booking-order check: a grant may start before one booked ahead of it when every minute it reaches has
                // room (BudgetPolicy.Anchors), which invariant 1 checks; a booked grant keeps its slots whatever comes first
                // a shrink's end is only as exact as the clocks: a grant starting within their skew of it may share a
                // minute with another container's grant placed just after the end as that one's clock sees it, so it is
                // held to the full cap (the shrink answers a 429; the limit's own bound is the full cap's)
                int capAt = grant.fromMillis() + skewMax < shrinkUntil ? Math.max(SETTINGS.minCap(), shrunkCap) : CAP;
                GrantRecord record = new GrantRecord(writes, inc, grant, capAt, replyLost);
                (replyLost ? inc.unknown : inc.grants).add(record);
                recentGrants.addLast(record);
                tally.grants++;
                tally.grantedSlots += grant.count();
                if (replyLost) {
                    tally.lostGrants++;
                }
                trace("  " + inc + " wrote v" + written.version() + ": " + grant.count() + " from " + rel(grant.fromMillis(), inc)
                        + " to " + rel(grant.untilMillis(), inc) + " (" + grant.priority() + ", cap " + capAt + ")"
                        + (replyLost ? " (reply lost)" : ""));
                grantedCheck(record, at);
                priorityCheck(record, before, at);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the checks

    /** A slot of the incarnation's grants holding {@code clock}, marked used; null when none. */
    private GrantRecord useSlot(Incarnation inc, long clock) {
        GrantRecord best = null;
        int bestSlot = -1;
        long bestUntil = Long.MAX_VALUE;
        for (GrantRecord record : inc.grants) {
            for (int i = 0; i < record.used.length; i++) {
                long from = record.slotFrom(i);
                long until = from + VALIDITY;
                if (!record.used[i] && from <= clock && clock < until && until < bestUntil) {
                    best = record;
                    bestSlot = i;
                    bestUntil = until;
                }
            }
        }
        if (best != null) {
            best.used[bestSlot] = true;
        }
        return best;
    }

    private GrantRecord findSlot(List<GrantRecord> records, long clock) {
        for (GrantRecord record : records) {
            for (int i = 0; i < record.used.length; i++) {
                if (record.slotFrom(i) <= clock && clock < record.slotFrom(i) + VALIDITY) {
                    return record;
                }
            }
        }
        return null;
    }

    /**
     * Invariant 1 over the windows of {@code L} ending now: the started requests, by the cap in force at the start of the
     * latest-starting of their grants (the policy holds the minute ending there to that cap; a grant may now be placed
     * before one booked ahead, so the last written is not always the latest starting).
     */
    private void capCheck(GrantRecord record) {
        grantStarts.addLast(new long[] {now, record.fromTrue, record.capAt});
        while (grantStarts.peekFirst()[0] <= now - windowL) {
            grantStarts.pollFirst();
        }
        int count = 0;
        long lastSeq = -1;
        long cap = CAP;
        Iterator<long[]> newestFirst = grantStarts.descendingIterator();
        while (newestFirst.hasNext()) {
            long[] start = newestFirst.next();
            count++;
            if (start[1] > lastSeq) {
                lastSeq = start[1]; // the latest-starting grant so far
                cap = start[2];
            }
            int n = count;
            long c = cap;
            long from = start[0];
            check(n <= c, "1-cap", () -> n + " requests started on grants from " + rel(from) + " to " + rel(now)
                    + " (within " + windowL + " ms), above the cap " + c + " in force at the latest-starting of their grants");
        }
    }

    /** Invariant 5 (and 1) on the grants applied, used or not: the windows holding the grant just written. */
    private void grantedCheck(GrantRecord record, long at) {
        while (!recentGrants.isEmpty() && recentGrants.peekFirst().untilTrue < at - 3 * SPAN) {
            countUnused(recentGrants.pollFirst());
        }
        List<Long> candidates = new ArrayList<>();
        candidates.add(record.untilTrue);
        for (GrantRecord other : recentGrants) {
            if (other.untilTrue > record.fromTrue - windowL && other.untilTrue <= record.untilTrue) {
                candidates.add(other.untilTrue);
            }
        }
        for (long a : candidates) {
            int sum = 0;
            GrantRecord latest = record;
            for (GrantRecord other : recentGrants) {
                if (other.fromTrue < a + windowL && other.untilTrue >= a) {
                    sum += other.grant.count();
                    latest = other.fromTrue > latest.fromTrue ? other : latest;
                }
            }
            int total = sum;
            int cap = latest.capAt; // in force at the latest-starting grant's start: the minute ending there is held to it
            check(total <= cap, "5-granted-within-cap", () -> total + " slots granted within " + windowL + " ms from "
                    + rel(a) + ", above the cap " + cap + " in force at the latest-starting of them, " + record.grant);
        }
    }

    private void countUnused(GrantRecord record) {
        for (boolean used : record.used) {
            if (!used) {
                tally.unusedSlots++;
            }
        }
    }

    /**
     * Invariant 6(b): no grant of a lower priority while a caller waits, told to look again later. One known defect is
     * excused unless {@code -Dsimulation.budget-strict-priority=true}: a paced caller's look-again keeps the headroom
     * of its look, which falls as the signups' grants age out, so a later look of a lower paced priority may come
     * first (SharedBudgetDefectsTest, seed 3904). Excused only when the waiting caller, looking now on the window the
     * grant was decided on, would have been granted at once: its wait is the stale "not before", nothing else.
     */
    private void priorityCheck(GrantRecord record, BudgetWindow decidedOn, long at) {
        for (Container container : containers) {
            Incarnation inc = container.running;
            if (inc == null || container.priority.ordinal() >= record.grant.priority().ordinal()) {
                continue;
            }
            for (Caller waiting : inc.callers) {
                if (waiting.waitUntilTrue == Long.MIN_VALUE) {
                    continue;
                }
                tally.concurrentWaits++;
                if (waiting.waitUntilTrue <= at) {
                    continue;
                }
                if (!STRICT_PRIORITY && container.priority.paced() && record.grant.priority().paced()) {
                    long clock = at + inc.skew;
                    BudgetPolicy.Decision fresh = BudgetPolicy.take(decidedOn, clock, container.priority, 1,
                            waiting.latestClock(), SETTINGS);
                    if (fresh.granted()) {
                        tally.pacedInversions++;
                        trace("  (known defect excused: " + waiting + " told to look again at " + rel(waiting.waitUntilTrue)
                                + ", would be granted at " + rel(fresh.startMillis(), inc) + " looking now)");
                        continue;
                    }
                }
                check(false, "6-priority-wait", () -> record.writer + " wrote " + record.grant + " at "
                        + rel(at) + " while " + waiting + " (" + container.priority + ") waits, told to look again at "
                        + rel(waiting.waitUntilTrue));
            }
        }
    }

    /** Invariant 4 once the faults stopped: nobody waits in the budget for ever. */
    private void calmCheck(boolean end) {
        for (Container container : containers) {
            Incarnation inc = container.running;
            if (inc == null) {
                continue;
            }
            for (Caller caller : inc.callers) {
                if (!caller.inAcquire) {
                    continue;
                }
                long since = Math.max(caller.waitingSince, activeEnd);
                check(now - since <= CALM_WAIT_BOUND && !(end && now - since > CALM_WAIT_BOUND / 2), "4-liveness",
                        () -> caller + " has waited in the budget since " + rel(caller.waitingSince) + " with the store"
                                + " healthy since " + rel(activeEnd) + (end ? ", and the history ended" : ""));
            }
        }
    }

    private void check(boolean holds, String invariant, java.util.function.Supplier<String> what) {
        tally.checks++;
        if (!holds && checked(invariant)) {
            throw violation(invariant, what.get());
        }
    }

    /**
     * Whether this invariant is checked: all of them, unless {@code -Dsimulation.budget-invariants=1-cap,3-in-slot}
     * names some (by prefix): to show that one invariant alone catches a mutation of the code under test.
     */
    private static boolean checked(String invariant) {
        if (ONLY == null) {
            return true;
        }
        for (String prefix : ONLY) {
            if (invariant.startsWith(prefix.trim())) {
                return true;
            }
        }
        return false;
    }

    private static final String[] ONLY = System.getProperty("simulation.budget-invariants") == null ? null
            : System.getProperty("simulation.budget-invariants").split(",");

    private Violation violation(String invariant, String what) {
        String file = null;
        if (tracing) {
            trace("VIOLATION " + invariant + ": " + what);
            try {
                Path path = Path.of("target/simulation/budget-seed-" + seed + ".log");
                Files.createDirectories(path.getParent());
                Files.write(path, trace);
                file = path.toString();
            } catch (IOException e) {
                // the message still carries the last steps
            }
        }
        return new Violation(seed, invariant, what, trace, file);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    private void schedule(long at, int kind, Object target, long value) {
        events.add(new Event(at, seq++, kind, target, value, null));
    }

    private void schedule(long at, int kind, Object target, long value, Work work) {
        events.add(new Event(at, seq++, kind, target, value, work));
    }

    private long between(long lo, long hi) {
        return hi <= lo ? lo : lo + (long) (random.nextDouble() * (hi - lo + 1));
    }

    private long exponential(long mean) {
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * mean));
    }

    private void fault(Fault fault) {
        tally.faults.merge(fault, 1L, Long::sum);
    }

    private void trace(String line) {
        if (tracing) {
            trace.add("+" + (now - T0) + (elapsed > 0 ? "(+" + elapsed + ")" : "") + " " + line);
        }
    }

    private String rel(long trueTime) {
        return "+" + (trueTime - T0);
    }

    private String rel(long clock, Incarnation inc) {
        return "+" + (clock - T0) + (inc.skew == 0 ? "" : "~" + inc.skew);
    }

    private String describeDowns() {
        StringBuilder s = new StringBuilder();
        for (long[] stretch : downs) {
            s.append('[').append(rel(stretch[0])).append(", ").append(rel(stretch[1])).append(") ");
        }
        return s.length() == 0 ? "never" : s.toString().trim();
    }

    private String describe(BudgetWindow window) {
        StringBuilder s = new StringBuilder("v" + window.version());
        if (window.shrinkUntilMillis() > 0) {
            s.append(" shrunk to ").append(window.shrunkCap()).append(" until ").append(rel(window.shrinkUntilMillis()));
        }
        for (BudgetWindow.Grant grant : window.grants()) {
            s.append(" [").append(rel(grant.fromMillis())).append("..").append(rel(grant.untilMillis())).append(" x")
                    .append(grant.count()).append(' ').append(grant.priority()).append(']');
        }
        return s.toString();
    }
}
