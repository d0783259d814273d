package io.domainautomation.scalingo;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.BudgetWindow;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.BudgetStore;

/**
 * A discrete-event model of one Scalingo account shared by link-on-signup (2 containers, 10 records at once each, SQS
 * batching window 1 s, as template.yaml), cleanup-stale (one container, one request per app), the rotation's daily
 * run when asked for (one container, its requests one after another) and the people on the account, on a
 * virtual clock: each container's requests paced either by today's fixed shares ({@link RequestPacer}, per container)
 * or by the shared budget ({@link SharedBudget#attempt}, the code the functions run, on an in-memory store). Scalingo
 * is modelled as its documented limit: a request that would be the 61st in a minute is answered 429 (counted, and
 * tried again after a second).
 */
public final class RateBudgetModel {

    enum Mode {
        FIXED, SHARED
    }

    /** What one run measured. */
    /**
     * @param busyUse the automation's requests over its cap, from its first request to its last (work always waiting)
     * @param rotationMillis how long the rotation's run took, from its start to its last request's answer (-1: not done)
     */
    record Result(Mode mode, List<Long> signupMillis, long lastSignupDoneMillis, long cleanupDoneMillis, long cleanupRequests,
            long automationRequests, long tooManyRequests, long peopleTooMany, long storeCalls, double busyUse,
            Map<String, Long> storeCallsByCause, long rotationMillis) {

        long percentile(double p) {
            return RateBudgetModel.percentile(signupMillis, p);
        }
    }

    /** The {@code p} percentile of signup-to-linked times (nearest rank; 0 for none). */
    static long percentile(List<Long> millis, double p) {
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    /** The steady scenario (10 signups a minute, the scan running) over {@link #SEEDS} arrival seeds, an hour each. */
    static List<Result> steadyHours(Mode mode, BudgetPolicy.Settings settings) {
        List<Result> hours = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            hours.add(run(mode, seed, steady(10, 60 * MINUTE, seed), 50_000, 6, 62 * MINUTE, settings));
        }
        return hours;
    }

    /** Every signup-to-linked time of {@code hours}, as one list. */
    static List<Long> pooled(List<Result> hours) {
        return hours.stream().flatMap(hour -> hour.signupMillis().stream()).toList();
    }

    static final int LIMIT = 60;
    static final long MINUTE = 60_000;
    static final long LATENCY = 150;
    /** link-on-signup's MaximumBatchingWindowInSeconds in template.yaml. */
    static final long BATCHING_WINDOW = 1_000;
    /** As deployed (AdapterWiring): 60 less domain-status's 4, less a tenth for the people: a cap of 50. */
    static final BudgetPolicy.Settings SETTINGS = BudgetPolicy.Settings.forAccount(LIMIT, 4, 0.10, Duration.ofMinutes(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    private final Mode mode;
    /** The model's clock, as the budget reads it (store calls take no time here). */
    private final SharedBudget.Clocks modelClock = new SharedBudget.Clocks() {
        @Override
        public long millis() {
            return now;
        }

        @Override
        public long nanos() {
            return now * 1_000_000L;
        }

        @Override
        public void sleepMillis(long millis) {
            throw new UnsupportedOperationException("the model never blocks: it schedules");
        }
    };
    private final Random random;
    private final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0])); // {at, worker}
    private final List<Worker> workers = new ArrayList<>();
    private final Deque<Long> scalingoRecent = new ArrayDeque<>();
    private final InMemoryBudgetStore store = new InMemoryBudgetStore();
    private final List<Long> signupDone = new ArrayList<>();
    private long automationRequests;
    private long cleanupRequests;
    private long tooMany;
    private long now;
    private long lastSignupDone;
    private long cleanupDone = -1;
    private long rotationDone = -1;

    /** The rotation's daily run: {@code requests} Scalingo requests, one after another, from {@code startMillis}. */
    record RotationRun(long startMillis, int requests) {
        static final RotationRun NONE = new RotationRun(0, 0);
    }

    /** Whose requests a worker sends. */
    private enum Kind {
        SIGNUP, CLEANUP, ROTATION
    }
    /** The store calls by priority and cause ({@link Container#classify}): where the store requests go. */
    private final Map<String, Long> storeCallsByCause = new TreeMap<>();
    /** The priority of the container that wrote the store's window last (a refused write lost to it). */
    private Priority lastWriter;

    /**
     * A container's view of the shared store: the same calls, each noted (R a read, W a write, C a refused write, which
     * shows what is there as DynamoDB's ALL_OLD does) for the look in progress, so the look's calls can be told apart
     * by cause.
     */
    private final class NotingStore implements BudgetStore {
        final Priority priority;
        final StringBuilder calls = new StringBuilder();
        final List<Priority> lostTo = new ArrayList<>();

        NotingStore(Priority priority) {
            this.priority = priority;
        }

        @Override
        public Optional<BudgetWindow> read(String account) {
            calls.append('R');
            return store.read(account);
        }

        @Override
        public Written write(BudgetWindow next) {
            Written written = store.write(next);
            if (written.written()) {
                calls.append('W');
                lastWriter = priority;
            } else {
                calls.append('C');
                lostTo.add(lastWriter);
            }
            return written;
        }

        @Override
        public Duration longest() {
            return store.longest();
        }
    }

    /** One container's pacing: today's fixed share, or its side of the shared budget. */
    private final class Container {
        final RequestPacer pacer;
        final SharedBudget budget;
        final List<Worker> threads = new ArrayList<>();
        final Priority priority;
        final NotingStore noting;
        /** When this container last called the store (its known window is as old), -1: never. */
        long lastCall = -1;

        Container(Priority priority, int fixedShare) {
            this.priority = priority;
            this.pacer = new RequestPacer(fixedShare, Duration.ofMinutes(1), Duration.ofSeconds(1));
            pacer.startFresh(0);
            this.noting = new NotingStore(priority);
            this.budget = new SharedBudget(noting, "acct", priority, settings, 6, pacer, modelClock, () -> { });
        }

        /**
         * One look's store calls by cause: a read with no window known (the first, or one known too long ago); a read
         * before deciding again on what the store holds (SharedBudget's read first, or a refusal's look at the store
         * now), ending in a write or in a "no"; the grant's write; a refused write (lost to another container's write,
         * named by its priority).
         */
        void classify(boolean granted) {
            String calls = noting.calls.toString();
            boolean cold = lastCall < 0 || now - lastCall >= SharedBudget.KNOWN_FOR;
            int lost = 0;
            for (int i = 0; i < calls.length(); i++) {
                char call = calls.charAt(i);
                String cause;
                if (call == 'W') {
                    cause = "grant write";
                } else if (call == 'C') {
                    cause = "refused write, lost to " + noting.lostTo.get(lost++);
                } else if (i == 0 && cold) {
                    cause = "read, no window known";
                } else if (calls.indexOf('W', i) > 0 || calls.indexOf('C', i) > 0) {
                    cause = "read first (others had written), then a write";
                } else {
                    cause = granted ? "read, then granted from the batch" : "read first (others had written), then a \"no\"";
                }
                storeCallsByCause.merge(priority + ": " + cause, 1L, Long::sum);
            }
            if (!calls.isEmpty()) {
                lastCall = now;
            }
            noting.calls.setLength(0);
            noting.lostTo.clear();
        }

        /** When this container's next request may start (booked), or -1 with when to ask again in {@code retry}. */
        long book(long[] retry) {
            if (mode == Mode.FIXED) {
                return now + pacer.reserve(now * 1_000_000L) / 1_000_000L;
            }
            // the batch asked: as many as this container's threads have a request ready
            int waiting = (int) threads.stream().filter(t -> t.bookedAt < 0 && !t.tasks.isEmpty()
                    && t.tasks.peekFirst()[2] <= now).count();
            SharedBudget.Attempt attempt = budget.attempt(now, Long.MAX_VALUE, Math.max(1, waiting));
            classify(attempt.granted());
            if (attempt.granted()) {
                return attempt.atMillis();
            }
            retry[0] = attempt.atMillis();
            return -1;
        }
    }

    /** A thread of a container: works through its requests one after another. */
    private final class Worker {
        final Container container;
        final Kind kind;
        final Deque<long[]> tasks = new ArrayDeque<>(); // {arrivedAt, requests left, deliveredAt}
        long bookedAt = -1;

        Worker(Container container, Kind kind) {
            this.container = container;
            this.kind = kind;
            container.threads.add(this);
        }
    }

    private final BudgetPolicy.Settings settings;

    private RateBudgetModel(Mode mode, long seed, BudgetPolicy.Settings settings) {
        this.mode = mode;
        this.random = new Random(seed);
        this.settings = settings;
    }

    /**
     * @param signupTimes when each signup's message reaches the queue
     * @param cleanupApps the scan's size (0: none)
     * @param peoplePerMinute requests the people on the account send a minute (spread at random)
     */
    static Result run(Mode mode, long seed, List<Long> signupTimes, int cleanupApps, int peoplePerMinute, long horizonMillis) {
        return run(mode, seed, signupTimes, cleanupApps, peoplePerMinute, horizonMillis, SETTINGS);
    }

    /** The same with other settings (the headroom's curve). */
    static Result run(Mode mode, long seed, List<Long> signupTimes, int cleanupApps, int peoplePerMinute, long horizonMillis,
            BudgetPolicy.Settings settings) {
        return new RateBudgetModel(mode, seed, settings).simulate(signupTimes, cleanupApps, peoplePerMinute, horizonMillis,
                RotationRun.NONE);
    }

    /** The same with the rotation's daily run (its container is there only then: the other scenarios are as without). */
    static Result run(Mode mode, long seed, List<Long> signupTimes, int cleanupApps, int peoplePerMinute, long horizonMillis,
            RotationRun rotation) {
        return new RateBudgetModel(mode, seed, SETTINGS).simulate(signupTimes, cleanupApps, peoplePerMinute, horizonMillis,
                rotation);
    }

    private Result simulate(List<Long> signupTimes, int cleanupApps, int peoplePerMinute, long horizon, RotationRun rotation) {
        List<Container> linking = List.of(new Container(Priority.SIGNUP, 12), new Container(Priority.SIGNUP, 12));
        List<List<Worker>> linkWorkers = new ArrayList<>();
        for (Container container : linking) {
            List<Worker> threads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Worker worker = new Worker(container, Kind.SIGNUP);
                workers.add(worker);
                threads.add(worker);
            }
            linkWorkers.add(threads);
        }
        Worker scan = new Worker(new Container(Priority.CLEANUP, 8), Kind.CLEANUP);
        workers.add(scan);
        if (cleanupApps > 0) {
            scan.tasks.add(new long[] {0, cleanupApps, 0});
            schedule(0, workers.indexOf(scan));
        }
        if (rotation.requests() > 0) {
            // today's share for the rotation: 8 a minute (template.yaml)
            Worker rotating = new Worker(new Container(Priority.ROTATION, 8), Kind.ROTATION);
            workers.add(rotating);
            rotating.tasks.add(new long[] {rotation.startMillis(), rotation.requests(), rotation.startMillis()});
            schedule(rotation.startMillis(), workers.indexOf(rotating));
        }
        // SQS's batching window: a batch goes out BATCHING_WINDOW after its first record reached the queue, or with its
        // 10th record if sooner, to the container whose turn it is
        int batchNumber = 0;
        for (int i = 0; i < signupTimes.size();) {
            long first = signupTimes.get(i);
            int end = i;
            while (end < signupTimes.size() && end - i < 10 && signupTimes.get(end) <= first + BATCHING_WINDOW) {
                end++;
            }
            List<Long> batch = signupTimes.subList(i, end);
            long delivered = batch.size() == 10 ? batch.get(9) : first + BATCHING_WINDOW;
            List<Worker> threads = linkWorkers.get(batchNumber++ % linking.size());
            for (int r = 0; r < batch.size(); r++) {
                Worker thread = threads.get(r);
                thread.tasks.add(new long[] {batch.get(r), 2, delivered});
                schedule(delivered, workers.indexOf(thread));
            }
            i = end;
        }
        // the people: evenly spread, a little jitter (their own share, which the budget leaves them)
        long every = peoplePerMinute > 0 ? MINUTE / peoplePerMinute : Long.MAX_VALUE;
        for (long t = every / 2; peoplePerMinute > 0 && t < horizon; t += every) {
            schedule(t, -1); // evenly: no minute holds more than their share
        }
        while (!events.isEmpty()) {
            long[] event = events.poll();
            now = event[0];
            if (now > horizon) {
                break;
            }
            if (event[1] < 0) {
                send(true); // a person's request, unpaced
                continue;
            }
            step(workers.get((int) event[1]));
        }
        double minutes = Math.max(1, lastRequest - firstRequest) / (double) MINUTE;
        return new Result(mode, signupDone, lastSignupDone, cleanupDone, cleanupRequests, automationRequests, tooMany,
                peopleTooMany, store.calls(), automationRequests / (minutes * settings.cap()), Map.copyOf(storeCallsByCause),
                rotationDone);
    }

    private void step(Worker worker) {
        if (worker.tasks.isEmpty() || worker.tasks.peekFirst()[2] > now) {
            return;
        }
        if (worker.bookedAt >= 0) {
            if (worker.bookedAt > now) {
                return; // woken early by another event: its booked start comes later
            }
            worker.bookedAt = -1;
            sendFor(worker, worker.tasks.peekFirst());
            return;
        }
        long[] retry = new long[1];
        long start = worker.container.book(retry);
        if (start < 0) {
            schedule(retry[0], workers.indexOf(worker));
        } else if (start > now) {
            worker.bookedAt = start; // the worker sleeps until its booked start
            schedule(start, workers.indexOf(worker));
        } else {
            sendFor(worker, worker.tasks.peekFirst());
        }
    }

    private void sendFor(Worker worker, long[] task) {
        if (!send(false)) {
            schedule(now + 1_000, workers.indexOf(worker)); // a 429: tried again after a second
            return;
        }
        automationRequests++;
        firstRequest = Math.min(firstRequest, now);
        if (worker.kind == Kind.CLEANUP) {
            cleanupRequests++;
        }
        task[1]--;
        long done = now + LATENCY;
        lastRequest = Math.max(lastRequest, now);
        if (task[1] == 0) {
            worker.tasks.pollFirst();
            if (worker.kind == Kind.CLEANUP) {
                cleanupDone = done;
            } else if (worker.kind == Kind.ROTATION) {
                rotationDone = done - task[0];
            } else {
                signupDone.add(done - task[0]);
                lastSignupDone = Math.max(lastSignupDone, done);
            }
        }
        if (!worker.tasks.isEmpty()) {
            schedule(Math.max(done, worker.tasks.peekFirst()[2]), workers.indexOf(worker));
        }
    }

    private long firstRequest = Long.MAX_VALUE;
    private long lastRequest;
    private long peopleTooMany;

    /** Scalingo's limit: the request is answered unless it is the 61st within a minute. */
    private boolean send(boolean person) {
        while (!scalingoRecent.isEmpty() && scalingoRecent.peekFirst() <= now - MINUTE) {
            scalingoRecent.pollFirst();
        }
        if (scalingoRecent.size() >= LIMIT) {
            if (person) {
                peopleTooMany++;
            } else {
                tooMany++;
            }
            return false;
        }
        scalingoRecent.addLast(now);
        return true;
    }

    private void schedule(long at, int worker) {
        events.add(new long[] {at, worker});
    }

    /** Poisson arrivals at {@code perMinute}, from 0 to {@code untilMillis}. */
    static List<Long> steady(double perMinute, long untilMillis, long seed) {
        Random random = new Random(seed);
        List<Long> times = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) * MINUTE / perMinute;
            if (t >= untilMillis) {
                return times;
            }
            times.add((long) t);
        }
    }

    /** A migration: {@code signups} within 5 s. */
    static List<Long> burst(int signups) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < signups; i++) {
            times.add(i * 10L);
        }
        return times;
    }

    /** BENCHMARKS.md's section: both modes on the same arrivals, in the three scenarios of issue #32. */
    public static String section() {
        StringBuilder md = new StringBuilder("## 8. One rate budget for the account (model)\n\n");
        md.append("A discrete-event model on a virtual clock (`src/functions/src/test/java/io/domainautomation/scalingo/")
                .append("RateBudgetModel.java`): link-on-signup's 2 containers (10 records at once each, SQS's 1 s batching")
                .append(" window, 2 requests a signup), cleanup-stale's scan (one request an app), and the people on the")
                .append(" account (6 requests a minute, evenly; domain-status's 4 are not modelled); in one scenario the")
                .append(" rotation's daily run too (one container, its requests one after another); Scalingo as its documented limit (the 61st request in a")
                .append(" minute answered 429); 150 ms a request. Each container paced by today's fixed shares")
                .append(" (`RequestPacer`: link-on-signup 2 x 12, cleanup 8, the rotation 8) or by the shared budget (`SharedBudget.attempt`,")
                .append(" the code the functions run, on an in-memory store; the deployed settings: cap 50 (60 less")
                .append(" domain-status's 4, less a tenth for the people), batch 6 (for the scan " + BudgetPolicy.PACED_BATCH + ", or " + BudgetPolicy.PACED_BATCH_QUIET + " while signups hold fewer than " + BudgetPolicy.HEADROOM + " slots), slots valid 2 s).\n\n");
        md.append("| scenario | figure | fixed shares | shared budget | goal |\n|---|---|---|---|---|\n");
        List<Long> steady = steady(10, 60 * MINUTE, 1);
        Result fixedSteady = run(Mode.FIXED, 1, steady, 50_000, 6, 62 * MINUTE);
        Result sharedSteady = run(Mode.SHARED, 1, steady, 50_000, 6, 62 * MINUTE);
        md.append(row("steady: 10 signups a minute for an hour, the scan running", "signup to linked, p50 / p99",
                seconds(fixedSteady.percentile(0.5)) + " / " + seconds(fixedSteady.percentile(0.99)),
                seconds(sharedSteady.percentile(0.5)) + " / " + seconds(sharedSteady.percentile(0.99)), "p99 <= 10 s"));
        md.append(row("", "scan requests in the hour", String.valueOf(fixedSteady.cleanupRequests()),
                String.valueOf(sharedSteady.cleanupRequests()), "-"));
        md.append(row("", "share of the cap used (work always waiting)", percent(fixedSteady.busyUse()),
                percent(sharedSteady.busyUse()), ">= 95 %"));
        md.append(row("", "signup p99 over " + SEEDS + " arrival seeds: median, worst (seeds over 10 s); all their signups",
                seedsP99(Mode.FIXED), seedsP99(Mode.SHARED), "p99 <= 10 s"));
        Result fixedRotating = run(Mode.FIXED, 1, steady, 50_000, 6, 62 * MINUTE, DAILY_ROTATION);
        Result sharedRotating = run(Mode.SHARED, 1, steady, 50_000, 6, 62 * MINUTE, DAILY_ROTATION);
        md.append(row("the same, and the rotation's daily run from minute 5 (" + DAILY_ROTATION.requests() + " requests: 300"
                + " certificates checked, 30 uploaded)", "signup to linked, p50 / p99",
                seconds(fixedRotating.percentile(0.5)) + " / " + seconds(fixedRotating.percentile(0.99)),
                seconds(sharedRotating.percentile(0.5)) + " / " + seconds(sharedRotating.percentile(0.99)), "p99 <= 10 s"));
        md.append(row("", "the rotation's run done, after its start", minutes(fixedRotating.rotationMillis()),
                minutes(sharedRotating.rotationMillis()), "-"));
        md.append(row("", "scan requests in the hour", String.valueOf(fixedRotating.cleanupRequests()),
                String.valueOf(sharedRotating.cleanupRequests()), "-"));
        List<Long> burst = burst(500);
        Result fixedBurst = run(Mode.FIXED, 2, burst, 50_000, 6, 120 * MINUTE);
        Result sharedBurst = run(Mode.SHARED, 2, burst, 50_000, 6, 120 * MINUTE);
        double ideal = 1000.0 / SETTINGS.cap() * MINUTE;
        md.append(row("burst: 500 signups in 5 s, the scan running", "last signup linked (ideal " + minutes((long) ideal) + ")",
                minutes(fixedBurst.lastSignupDoneMillis()) + " (" + ratio(fixedBurst.lastSignupDoneMillis(), ideal) + ")",
                minutes(sharedBurst.lastSignupDoneMillis()) + " (" + ratio(sharedBurst.lastSignupDoneMillis(), ideal) + ")",
                "near the ideal"));
        List<Long> day = steady(3, 24 * 60 * MINUTE, 3);
        Result fixedScan = run(Mode.FIXED, 3, day, 50_000, 6, 24 * 60 * MINUTE);
        Result sharedScan = run(Mode.SHARED, 3, day, 50_000, 6, 24 * 60 * MINUTE);
        md.append(row("a day: 50,000 apps to scan, 3 signups a minute", "scan done",
                fixedScan.cleanupDoneMillis() > 0 && fixedScan.cleanupRequests() >= 50_000 ? hours(fixedScan.cleanupDoneMillis())
                        : "not in 24 h: " + fixedScan.cleanupRequests() + " apps",
                sharedScan.cleanupRequests() >= 50_000 ? hours(sharedScan.cleanupDoneMillis())
                        : "not in 24 h: " + sharedScan.cleanupRequests() + " apps", "<= 24 h"));
        md.append(row("", "signup to linked, p99", seconds(fixedScan.percentile(0.99)), seconds(sharedScan.percentile(0.99)),
                "<= 10 s"));
        long tooMany = 0;
        long people = 0;
        for (Result r : List.of(sharedSteady, sharedBurst, sharedScan)) {
            tooMany += r.tooManyRequests();
            people += r.peopleTooMany();
        }
        long fixedTooMany = fixedSteady.tooManyRequests() + fixedBurst.tooManyRequests() + fixedScan.tooManyRequests()
                + fixedSteady.peopleTooMany() + fixedBurst.peopleTooMany() + fixedScan.peopleTooMany();
        md.append(row("all three", "429 replies (the automation's / the people's)", String.valueOf(fixedTooMany),
                tooMany + " / " + people, "0"));
        md.append(row("", "budget store requests per Scalingo request", "-",
                String.format("%.2f", (double) (sharedSteady.storeCalls() + sharedBurst.storeCalls() + sharedScan.storeCalls())
                        / (sharedSteady.automationRequests() + sharedBurst.automationRequests() + sharedScan.automationRequests())),
                "far below 1"));
        md.append("\nThe headroom (`SCALINGO_BUDGET_HEADROOM`, the most slots the scan leaves free while signups are at work)")
                .append(" trades the account's use for signups' latency, in the steady scenario (an hour's p99 varies")
                .append(" with its arrivals: the curve is given over the " + SEEDS + " arrival seeds, the seed-1 hour's")
                .append(" figures beside them):\n\n")
                .append("| headroom | share of the cap used | signup to linked, p99 of all " + SEEDS + " hours' signups |")
                .append(" store requests per Scalingo request | seed 1: share used, p99 |\n|---|---|---|---|---|\n");
        for (int headroom : HEADROOMS) {
            List<Result> hours = steadyHours(Mode.SHARED, SETTINGS.withHeadroom(headroom));
            Result first = hours.get(0);
            double use = hours.stream().mapToDouble(Result::busyUse).sum() / hours.size();
            long calls = hours.stream().mapToLong(Result::storeCalls).sum();
            long requests = hours.stream().mapToLong(Result::automationRequests).sum();
            md.append("| ").append(headroom).append(headroom == BudgetPolicy.HEADROOM ? " (default)" : "").append(" | ")
                    .append(percent(use)).append(" | ").append(seconds(percentile(pooled(hours), 0.99))).append(" | ")
                    .append(String.format("%.2f", (double) calls / requests)).append(" | ").append(percent(first.busyUse()))
                    .append(", ").append(seconds(first.percentile(0.99))).append(" |\n");
        }
        return md.append("\n").toString();
    }

    /**
     * The rotation's daily run in the model: 300 certificates checked (each its domain list), 30 of them uploaded, from
     * minute 5.
     */
    static final RotationRun DAILY_ROTATION = new RotationRun(5 * MINUTE, 330);

    /** How many arrival seeds the steady scenario's p99 is also given over (the table's other figures: seed 1). */
    static final int SEEDS = 9;

    /**
     * The steady scenario's signup p99 over {@link #SEEDS} arrival seeds (an hour each): its median, its worst, how many
     * over 10 s; and the p99 of all their signups together (nine hours of arrivals).
     */
    private static String seedsP99(Mode mode) {
        List<Result> hours = steadyHours(mode, SETTINGS);
        List<Long> sorted = hours.stream().map(hour -> hour.percentile(0.99)).sorted().toList();
        long over = sorted.stream().filter(p -> p > 10_000).count();
        return seconds(sorted.get(sorted.size() / 2)) + ", " + seconds(sorted.get(sorted.size() - 1)) + " (" + over + "); "
                + seconds(percentile(pooled(hours), 0.99));
    }

    /**
     * Where the budget store's requests go, per scenario (steady, burst, day): per Scalingo request, by priority and
     * cause, the scenario's total first. Not in BENCHMARKS.md: a look for whoever tunes the batches.
     */
    static String storeCallsBreakdown() {
        StringBuilder out = new StringBuilder("| scenario | priority: cause | store requests | per Scalingo request |\n"
                + "|---|---|---|---|\n");
        Map<String, Result> scenarios = new java.util.LinkedHashMap<>();
        scenarios.put("steady", run(Mode.SHARED, 1, steady(10, 60 * MINUTE, 1), 50_000, 6, 62 * MINUTE));
        scenarios.put("burst", run(Mode.SHARED, 2, burst(500), 50_000, 6, 120 * MINUTE));
        scenarios.put("day", run(Mode.SHARED, 3, steady(3, 24 * 60 * MINUTE, 3), 50_000, 6, 24 * 60 * MINUTE));
        long calls = 0;
        long requests = 0;
        for (Map.Entry<String, Result> scenario : scenarios.entrySet()) {
            Result r = scenario.getValue();
            calls += r.storeCalls();
            requests += r.automationRequests();
            out.append(String.format("| %s | all (%d Scalingo requests, %d of them the scan's) | %d | %.2f |%n", scenario.getKey(),
                    r.automationRequests(), r.cleanupRequests(), r.storeCalls(), (double) r.storeCalls() / r.automationRequests()));
            r.storeCallsByCause().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format("| | %s | %d | %.3f |%n", e.getKey(), e.getValue(),
                            (double) e.getValue() / r.automationRequests())));
        }
        out.append(String.format("| all three | | %d | %.2f |%n", calls, (double) calls / requests));
        return out.toString();
    }

    /** The headrooms of the curve. */
    static final List<Integer> HEADROOMS = List.of(0, 2, 4, 6, 8, 12);

    private static String row(String scenario, String figure, String fixed, String shared, String goal) {
        return "| " + scenario + " | " + figure + " | " + fixed + " | " + shared + " | " + goal + " |\n";
    }

    private static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }

    private static String minutes(long millis) {
        return String.format("%.1f min", millis / 60_000.0);
    }

    private static String hours(long millis) {
        return String.format("%.1f h", millis / 3_600_000.0);
    }

    private static String percent(double share) {
        return String.format("%.0f %%", share * 100);
    }

    private static String ratio(long value, double ideal) {
        return String.format("%.2fx", value / ideal);
    }
}
