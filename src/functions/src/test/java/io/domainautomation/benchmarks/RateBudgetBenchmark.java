package io.domainautomation.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.domainautomation.fakes.InMemoryBudgetStore;
import io.domainautomation.logic.budget.BudgetPolicy;
import io.domainautomation.logic.budget.Priority;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.sandbox.SandboxServer;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.scalingo.RateBudgetAccess;
import io.domainautomation.scalingo.RateBudgetModel;
import io.domainautomation.scalingo.RequestPacer;
import io.domainautomation.scalingo.SharedBudget;

/**
 * BENCHMARKS.md section 8 measured: the scenarios of {@link RateBudgetModel} (the same arrivals), run for real against
 * the sandbox's Scalingo API over HTTP, with real threads, today's fixed shares and the shared budget side by side in
 * one run, time scaled.
 *
 * <p>What runs: link-on-signup's 2 containers of 10 worker threads each, fed by an SQS-like batching window (a batch
 * goes out the model's window after its first record, or with its 10th; batches alternate between the containers,
 * record r to thread r), 2 requests a signup (list the app's domains, then add the domain), priority SIGNUP; cleanup-stale's one
 * container with one sequential worker, one request an app (its domains), priority CLEANUP; the people on the account,
 * 6 requests a minute evenly, unpaced, counted apart (their 429s too, not retried, as in the model). Each container
 * is paced either by its fixed share ({@link RequestPacer}: 12 a minute per link-on-signup container, 8 for cleanup)
 * or by its side of the shared budget ({@link SharedBudget#acquire}, the deployed settings and batch, on one
 * {@link InMemoryBudgetStore} shared by the three containers). Scalingo is the sandbox ({@link SandboxServer}) with its
 * limit of 60 requests a minute for the user, a sliding window on its own real-time clock; a 429 is counted, told to the
 * gate (as {@code ScalingoClient} does) and the request tried again after a second. Each request takes at least the
 * model's 150 ms: the harness waits out the rest of it after a quicker reply.
 *
 * <p>Time is scaled by scaling the clock, not the settings. The budget runs on a {@link ScaledClock} whose millis and
 * nanos advance {@code scale} times faster than real time (0 when the scenario starts), with the settings as deployed
 * (a minute, a guard of a second, slots valid 2 s); the sandbox's window is one real minute divided by the scale, so
 * both sides agree: a virtual minute on the budget's clock is exactly the sandbox's window. The other way round
 * (real clock, settings divided by the scale) would leave unscaled what the settings do not carry: the priorities'
 * horizons (link-on-signup books 15 s ahead), the store's longest call ({@code BudgetStore.longest()}, 8 s, before
 * which no grant starts), the 10 s the store is left alone after a failure, all constants of the code; and it would
 * round the policy's millisecond arithmetic (a spacing of 1,200 ms would become 4 ms at scale 300). The fixed shares
 * run on the same clock: {@link RequestPacer}'s own reservation ({@code RateBudgetAccess.reserve}) is given the virtual
 * nanos, and the wait it returns is slept on the same clock (what {@code RequestPacer.acquire} does on the real one).
 * Every sleep of the harness and of the budget ends in {@link ScaledClock#sleepUntil}, which parks for the scaled-down
 * real time ({@link LockSupport#parkNanos}, sub-millisecond) and records how late it woke, in virtual milliseconds:
 * the distortion of the measurement, reported per scenario with the scale.
 *
 * <p>Not real: the budget's store is in memory (the DynamoDB adapter on dynalite cannot be time-scaled, its
 * milliseconds a call would become seconds); there is no Lambda and no SQS (threads and the batching rule stand for
 * them); requests wait with no deadline, as in the model (deployed, a signup whose slot comes after the invocation's
 * deadline goes back to the queue); the sandbox holds {@link #SEEDED_APPS} apps, which the scan lists 50 times over.
 * Everything asserted is what the runs must do (every signup linked, the people's
 * requests answered, no 429 for the automation on the shared budget, no fallback to the static share); the goals are
 * reported, met or not, never asserted.
 *
 * <p>Run alone, it replaces only section 8 of BENCHMARKS.md: {@code ./mvnw -B verify -Pbenchmark
 * -Dit.test=RateBudgetBenchmark}. Without {@code -Dit.test} naming it, {@code ./mvnw -B verify -Pbenchmark} runs it
 * once through {@code PerformanceBenchmark.rateBudget()}, which writes the whole file. The scales can be changed with
 * {@code -Dbenchmark.rate-budget.scales=steady,burst,day} (by default 50,100,300: about 14 minutes; the steady
 * scenario's p99, the figure most sensitive to the harness's lateness, gets the lowest scale).
 */
class RateBudgetBenchmark {

    enum Mode {
        FIXED, SHARED
    }

    static final int LIMIT = 60;
    static final long MINUTE = 60_000;
    /** Each request takes at least this long (virtual ms), as in the model. */
    static final long LATENCY = 150;
    /** The scan's size: one request an app. */
    static final int SCAN_APPS = 50_000;
    /**
     * The apps the sandbox holds: the scan lists them 50 times over, signups link to them. Not 50,000: the sandbox checks
     * a new domain's name against every app's domains in a linear scan under its lock (5 to 7 ms a link with 50,000
     * apps on this machine, against 0.15 ms with 1,000), which would slow every request for reasons Scalingo does not
     * have; listing an app's domains costs the same whichever app it is.
     */
    static final int SEEDED_APPS = 1_000;
    static final int PEOPLE_PER_MINUTE = 6;
    /**
     * As deployed (AdapterWiring with ScalingoConfig's defaults): Scalingo's 60, less domain-status's 4, less a tenth
     * for the people: a cap of 50; the pacer's period and guard; slots valid 2 s; the default headroom.
     */
    static final BudgetPolicy.Settings SETTINGS = BudgetPolicy.Settings.forAccount(LIMIT, 4, 0.10, Duration.ofMinutes(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2));
    /** SCALINGO_BUDGET_BATCH's default (and the model's). */
    static final int BATCH = 6;
    /** Today's fixed shares, as in the model: per link-on-signup container, and cleanup-stale's. */
    static final int LINK_SHARE = 12;
    static final int CLEANUP_SHARE = 8;
    /** The time scales of the three scenarios, unless -Dbenchmark.rate-budget.scales says otherwise. */
    static final int[] DEFAULT_SCALES = {50, 100, 300};
    // the local sandbox's own fixture, not shaped like a Scalingo token (the sandbox takes any string)
    private static final String TOKEN = "sandbox-rate-budget-benchmark";
    private static final Path OUT = Path.of(System.getProperty("benchmark.output", ".")).toAbsolutePath().normalize();

    /** Run alone (-Dit.test=RateBudgetBenchmark): section 8 of BENCHMARKS.md replaced, the rest of the file kept. */
    @Test
    @EnabledIfSystemProperty(named = "it.test", matches = ".*RateBudgetBenchmark.*")
    void replacesSectionEightOfBenchmarks() throws Exception {
        Path file = OUT.resolve("BENCHMARKS.md");
        String existing = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
        Files.writeString(file, replaceSection(existing, section()));
    }

    /**
     * {@code markdown} with its section 8 (from its "## 8." heading to the next "## " heading, or the end) replaced by
     * {@code section}; appended when it has none.
     */
    static String replaceSection(String markdown, String section) {
        Matcher start = Pattern.compile("(?m)^## 8\\.").matcher(markdown);
        if (!start.find()) {
            return markdown + (markdown.endsWith("\n\n") ? "" : "\n") + section;
        }
        Matcher next = Pattern.compile("(?m)^## ").matcher(markdown);
        int end = next.find(start.end()) ? next.start() : markdown.length();
        return markdown.substring(0, start.start()) + section + markdown.substring(end);
    }

    // --- the section ------------------------------------------------------------------------------------------------

    /** One scenario of the model's: its arrivals, how long it runs (virtual), and the time scale it runs at. */
    record Scenario(String name, List<Long> arrivals, long horizonMillis, boolean endsWhenLinked, int scale) {
    }

    /**
     * Section 8 of BENCHMARKS.md: the measured table (both modes, the three scenarios), how it was measured and how
     * much the harness distorted it, then the model's table on the same scenarios.
     */
    static String section() throws Exception {
        int[] scales = scales();
        List<Scenario> scenarios = List.of(
                new Scenario("steady", RateBudgetAccess.steady(10, 60 * MINUTE, 1), 62 * MINUTE, false, scales[0]),
                new Scenario("burst", RateBudgetAccess.burst(500), 120 * MINUTE, true, scales[1]),
                new Scenario("day", RateBudgetAccess.steady(3, 24 * 60 * MINUTE, 3), 24 * 60 * MINUTE, false, scales[2]));
        Map<String, Result> results = new LinkedHashMap<>();
        SandboxState sandbox = new SandboxState();
        sandbox.addApiToken(TOKEN);
        sandbox.bearerLifetime(Duration.ofDays(1));
        String[] apps = seedApps(sandbox);
        SandboxServer server = SandboxServer.start(sandbox, 0);
        long started = System.nanoTime();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String bearer = exchange(http, server.url());
            warmUp(sandbox, http, server.url(), bearer, apps);
            for (Scenario scenario : scenarios) {
                for (Mode mode : Mode.values()) {
                    Result result = new Run(scenario, mode, sandbox, http, server.url(), bearer, apps).measure();
                    results.put(scenario.name() + "/" + mode, result);
                    System.out.println("rate budget " + scenario.name() + " " + mode + ": " + result.summary());
                }
            }
            // the headroom's other end: the scan leaves signups nothing (RateBudgetHeadroom 0), the steady arrivals
            Result bare = new Run(scenarios.get(0), Mode.SHARED, SETTINGS.withHeadroom(0), sandbox, http, server.url(), bearer,
                    apps).measure();
            results.put(NO_HEADROOM, bare);
            System.out.println("rate budget steady, headroom 0: " + bare.summary());
        } finally {
            server.close();
        }
        double wallMinutes = (System.nanoTime() - started) / 60e9;
        for (Result result : results.values()) {
            assertTrue(result.failures().isEmpty(), result.label() + ": " + result.failures());
            assertEquals(result.signups(), result.linkedInSandbox(), result.label() + ": every signup linked at Scalingo");
            assertEquals(result.signups(), result.signupMillis().size(), result.label() + ": every signup linked in time");
            assertTrue(result.peopleSent() > 0, result.label() + ": the people sent requests");
            assertEquals(0, result.peopleTooMany(), result.label() + ": the people's requests all answered");
            if (result.mode() == Mode.SHARED) {
                assertEquals(0, result.tooMany(), result.label() + ": no 429 for the automation on the shared budget");
                assertEquals(0, result.fallbacks(), result.label() + ": the in-memory store never fails: no fallback");
            }
        }
        return markdown(scenarios, results, wallMinutes);
    }

    /** The steady scenario's run on the shared budget with no headroom, in the results. */
    private static final String NO_HEADROOM = "steady-headroom-0/SHARED";

    private static int[] scales() {
        String property = System.getProperty("benchmark.rate-budget.scales");
        if (property == null || property.isBlank()) {
            return DEFAULT_SCALES.clone();
        }
        int[] scales = Arrays.stream(property.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        if (scales.length != 3) {
            throw new IllegalArgumentException("benchmark.rate-budget.scales: three scales (steady,burst,day), was " + property);
        }
        return scales;
    }

    /** The apps the scan lists and signups link to, by ID: the sandbox finds an app by its ID in a map. */
    private static String[] seedApps(SandboxState sandbox) {
        String[] ids = new String[SEEDED_APPS];
        Instant created = Instant.now().minus(Duration.ofDays(30));
        for (int i = 0; i < SEEDED_APPS; i++) {
            ids[i] = "app-" + i;
            sandbox.addApp(ids[i], "scan-" + i, created);
        }
        return ids;
    }

    /** The API token exchanged for a bearer on the sandbox's auth endpoint, as the client does. */
    private static String exchange(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/tokens/exchange"))
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString((":" + TOKEN).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(reply.body());
        assertTrue(token.find(), reply.body());
        return token.group(1);
    }


    /** A few thousand requests with no limit, from several threads, so the first scenario does not pay for the JIT. */
    private static void warmUp(SandboxState sandbox, HttpClient http, String url, String bearer, String[] apps) throws Exception {
        sandbox.rateLimit(0, Duration.ofMinutes(1));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t * 1_000;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    try {
                        String app = apps[(first + i) % apps.length];
                        http.send(HttpRequest.newBuilder(URI.create(url + "/v1/apps/" + app + "/domains"))
                                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "rate-budget-warm-up-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    // --- one run: a scenario in one mode --------------------------------------------------------------------------

    /** A signup: when its message reached the queue (virtual ms), the app it links a domain to, and the domain. */
    private record Signup(long arrivedAt, String app, String domain) {
    }

    /** What one run measured (times in virtual ms). */
    record Result(String label, Mode mode, int scale, int signups, long linkedInSandbox, List<Long> signupMillis,
            long lastLinkedMillis, long scanRequests, long scanDoneMillis, long automation, long tooMany, long peopleSent,
            long peopleTooMany, long storeCalls, long slotsGranted, long slotsTaken, long fallbacks, double busyUse,
            int mostInAMinute, Samples oversleep,
            Samples roundTrip, long slowerThanLatency, double wallSeconds, List<String> failures) {

        /** Signup to linked at {@code p}, as the model takes it (the ceil(p n)-th smallest). */
        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(signupMillis);
            sorted.sort(null);
            return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
        }

        String summary() {
            return String.format("scale %d, %.1f s wall, %d of %d linked, p50 %d ms, p99 %d ms, last %d ms, scan %d (done %d),"
                    + " automation %d, 429 %d / %d of %d, store %d, slots %d granted %d taken, use %.2f, most in a minute %d,"
                    + " late p99 %.1f ms,"
                    + " round trip p99 %.1f ms, failures %s", scale, wallSeconds, signupMillis.size(), signups,
                    percentile(0.5), percentile(0.99), lastLinkedMillis, scanRequests, scanDoneMillis, automation, tooMany,
                    peopleTooMany, peopleSent, storeCalls, slotsGranted, slotsTaken, busyUse, mostInAMinute, oversleep.percentile(0.99) / 1000.0,
                    roundTrip.percentile(0.99) / 1000.0, failures);
        }
    }

    /**
     * One scenario in one mode: its own clock (0 when it starts), its own budget store, its containers' gates and threads,
     * against the benchmark's sandbox (its rate window cleared at the start). Domains are named after the run, so runs
     * never collide at Scalingo.
     */
    private static final class Run {
        private final Scenario scenario;
        private final Mode mode;
        private final BudgetPolicy.Settings settings;
        /** The run's name in messages and its domains' names (scenario, mode, and a headroom other than the default). */
        private final String label;
        private final SandboxState sandbox;
        private final HttpClient http;
        private final String url;
        private final String bearer;
        private final String[] apps;
        private final long horizon;
        private final ScaledClock clock;
        private final InMemoryBudgetStore store = new InMemoryBudgetStore();
        private final List<Signup> signups = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final List<Gate> gates = new ArrayList<>();
        private volatile boolean stopped;
        private final AtomicLong linked = new AtomicLong();
        /** Scalingo requests answered for the automation, all of them (the store's cost is per request). */
        private final AtomicLong automation = new AtomicLong();
        /** Those sent before the horizon, as the model counts them, and the scan's among them. */
        private final AtomicLong automationInHorizon = new AtomicLong();
        private final AtomicLong scanRequests = new AtomicLong();
        private final AtomicLong tooMany = new AtomicLong();
        private final AtomicLong peopleSent = new AtomicLong();
        private final AtomicLong peopleTooMany = new AtomicLong();
        private final AtomicLong fallbacks = new AtomicLong();
        private final AtomicLong slowerThanLatency = new AtomicLong();
        private final LongAccumulator firstRequest = new LongAccumulator(Math::min, Long.MAX_VALUE);
        private final LongAccumulator lastRequest = new LongAccumulator(Math::max, Long.MIN_VALUE);
        private final LongAccumulator lastLinked = new LongAccumulator(Math::max, 0);
        private volatile long scanDone = -1;
        private final List<Long> signupMillis = new ArrayList<>();
        private final Samples roundTrip = new Samples();
        /** When each of the automation's answered requests was sent (virtual ms). */
        private final Samples sent = new Samples();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Run(Scenario scenario, Mode mode, SandboxState sandbox, HttpClient http, String url, String bearer, String[] apps) {
            this(scenario, mode, SETTINGS, sandbox, http, url, bearer, apps);
        }

        /** The shared budget on other settings than the deployed ones (the headroom's end of the trade). */
        Run(Scenario scenario, Mode mode, BudgetPolicy.Settings settings, SandboxState sandbox, HttpClient http, String url,
                String bearer, String[] apps) {
            this.scenario = scenario;
            this.mode = mode;
            this.settings = settings;
            this.sandbox = sandbox;
            this.http = http;
            this.url = url;
            this.bearer = bearer;
            this.apps = apps;
            this.horizon = scenario.horizonMillis();
            this.clock = new ScaledClock(scenario.scale());
            // signups link to the scan's apps in turn (a few domains an app at most), their domains named after the run
            String tag = scenario.name() + "-" + mode.name().toLowerCase()
                    + (settings.headroom() == SETTINGS.headroom() ? "" : "-headroom-" + settings.headroom());
            this.label = tag;
            for (int i = 0; i < scenario.arrivals().size(); i++) {
                signups.add(new Signup(scenario.arrivals().get(i), apps[i % apps.length], "s" + i + "." + tag + ".example"));
            }
        }

        Result measure() throws InterruptedException {
            // the sandbox's window: one minute on the run's clock; set anew, it forgets the runs before
            sandbox.rateLimit(LIMIT, Duration.ofNanos(60_000_000_000L / scenario.scale()));
            List<List<BlockingQueue<Signup>>> containers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Gate gate = gate(Priority.SIGNUP, LINK_SHARE);
                List<BlockingQueue<Signup>> queues = new ArrayList<>();
                for (int r = 0; r < 10; r++) {
                    BlockingQueue<Signup> queue = new LinkedBlockingQueue<>();
                    queues.add(queue);
                    thread("link-" + c + "-" + r, () -> link(gate, queue));
                }
                containers.add(queues);
            }
            Gate scan = gate(Priority.CLEANUP, CLEANUP_SHARE);
            thread("scan", () -> scan(scan));
            thread("sqs", () -> deliver(containers));
            thread("people", this::people);
            long started = System.nanoTime();
            clock.start();
            threads.forEach(Thread::start);
            long hardStop = scenario.endsWhenLinked() ? horizon : horizon + 30 * MINUTE;
            while (true) {
                TimeUnit.MILLISECONDS.sleep(2);
                long now = clock.millis();
                boolean allLinked = linked.get() == signups.size();
                if (allLinked && (scenario.endsWhenLinked() || now >= horizon) || now >= hardStop || !failures.isEmpty()) {
                    break;
                }
            }
            stopped = true;
            threads.forEach(Thread::interrupt);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            long inSandbox = signups.stream().filter(s -> sandbox.domainNames(s.app()).containsKey(s.domain())).count();
            // the next run starts with the apps as seeded: no domain of this one left for the sandbox to look through
            signups.stream().filter(s -> sandbox.domainNames(s.app()).containsKey(s.domain()))
                    .forEach(s -> sandbox.unlinkByHand(s.app(), s.domain()));
            long busyMillis = Math.max(1, lastRequest.get() - firstRequest.get());
            double busyUse = automationInHorizon.get() / (busyMillis / (double) MINUTE * settings.cap());
            long storeCalls = mode == Mode.SHARED ? store.calls() : 0;
            long slotsGranted = 0;
            long slotsTaken = 0;
            for (Gate gate : gates) {
                if (gate instanceof Budget budget) {
                    slotsGranted += budget.budget.granted();
                    slotsTaken += budget.taken.get();
                }
            }
            List<Long> millis;
            synchronized (signupMillis) {
                millis = List.copyOf(signupMillis);
            }
            return new Result(label, mode, scenario.scale(), signups.size(), inSandbox, millis,
                    lastLinked.get(), scanRequests.get(), scanDone, automation.get(), tooMany.get(), peopleSent.get(),
                    peopleTooMany.get(), storeCalls, slotsGranted, slotsTaken, fallbacks.get(), busyUse, mostInAMinute(sent.sorted()), clock.oversleep,
                    roundTrip, slowerThanLatency.get(), wallSeconds, List.copyOf(failures));
        }

        /** A container's gate: its fixed share, or its side of the shared budget on the run's one store. */
        private Gate gate(Priority priority, int fixedShare) {
            Gate gate;
            if (mode == Mode.FIXED) {
                gate = new FixedShare(RateBudgetAccess.fixedShare(fixedShare), clock);
            } else {
                // the fallback (the store unreachable) is never used here, the in-memory store never fails: asserted
                RequestPacer fallback = RequestPacer.of(2, Duration.ofMinutes(1), Duration.ofSeconds(1));
                gate = new Budget(new SharedBudget(store, "acct", priority, settings, BATCH, fallback, clock,
                        fallbacks::incrementAndGet));
            }
            gates.add(gate);
            return gate;
        }

        /**
         * SQS's batching window, as the model has it: a batch goes out the window after its first record reached the
         * queue, or with its 10th record if sooner.
         */
        private void deliver(List<List<BlockingQueue<Signup>>> containers) throws InterruptedException {
            long window = RateBudgetAccess.batchingWindowMillis();
            int batchNumber = 0;
            for (int i = 0; i < signups.size();) {
                long first = signups.get(i).arrivedAt();
                int end = i;
                while (end < signups.size() && end - i < 10 && signups.get(end).arrivedAt() <= first + window) {
                    end++;
                }
                long delivered = end - i == 10 ? signups.get(end - 1).arrivedAt() : first + window;
                clock.sleepUntil(delivered * 1_000_000);
                List<BlockingQueue<Signup>> container = containers.get(batchNumber++ % containers.size());
                for (int r = 0; r < end - i; r++) {
                    container.get(r).put(signups.get(i + r)); // record r to the container's thread r
                }
                i = end;
            }
        }

        /** A link-on-signup thread: its records one after the other, each a list of the app's domains, then the add. */
        private void link(Gate gate, BlockingQueue<Signup> queue) throws Exception {
            while (!stopped) {
                Signup signup = queue.poll(50, TimeUnit.MILLISECONDS);
                if (signup == null) {
                    continue;
                }
                send(gate, get("/v1/apps/" + signup.app() + "/domains"), 200, false);
                send(gate, HttpRequest.newBuilder(URI.create(url + "/v1/apps/" + signup.app() + "/domains"))
                        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":{\"name\":\"" + signup.domain() + "\"}}")).build(),
                        201, false);
                long done = clock.millis();
                synchronized (signupMillis) {
                    signupMillis.add(done - signup.arrivedAt());
                }
                lastLinked.accumulate(done);
                linked.incrementAndGet();
            }
        }

        /** cleanup-stale's scan: one request an app, one after the other. */
        private void scan(Gate gate) throws Exception {
            for (int i = 0; i < SCAN_APPS && !stopped; i++) {
                send(gate, get("/v1/apps/" + apps[i % apps.length] + "/domains"), 200, true);
                if (i == SCAN_APPS - 1 && clock.millis() <= horizon) {
                    scanDone = clock.millis();
                }
            }
        }

        /** The people on the account: their requests evenly spread, unpaced; a 429 counted, not retried (the model). */
        private void people() throws Exception {
            long every = MINUTE / PEOPLE_PER_MINUTE;
            int app = 0;
            for (long at = every / 2; at < horizon && !stopped; at += every) {
                clock.sleepUntil(at * 1_000_000);
                HttpResponse<String> reply = http.send(get("/v1/apps/" + apps[app++ % apps.length]),
                        HttpResponse.BodyHandlers.ofString());
                peopleSent.incrementAndGet();
                if (reply.statusCode() == 429) {
                    peopleTooMany.incrementAndGet();
                } else if (reply.statusCode() != 200) {
                    throw new IllegalStateException("a person's request answered " + reply.statusCode() + ": " + reply.body());
                }
            }
        }

        /**
         * One of the automation's requests: through its container's gate; a 429 counted, told to the gate, and the
         * request tried again after a second; the reply waited for at least the model's latency.
         */
        private void send(Gate gate, HttpRequest request, int expected, boolean scanning) throws Exception {
            while (true) {
                gate.acquire(request.method() + " " + request.uri().getPath());
                long sentAt = clock.nanos();
                HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
                long answeredAt = clock.nanos();
                roundTrip.add((answeredAt - sentAt) / 1_000);
                if (reply.statusCode() == 429) {
                    tooMany.incrementAndGet();
                    gate.rateLimited();
                    clock.sleepUntil(answeredAt + 1_000 * 1_000_000L);
                    continue;
                }
                if (reply.statusCode() != expected) {
                    throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
                            + reply.statusCode() + ": " + reply.body());
                }
                automation.incrementAndGet();
                long sentMillis = sentAt / 1_000_000;
                sent.add(sentMillis);
                if (sentMillis < horizon) {
                    automationInHorizon.incrementAndGet();
                    firstRequest.accumulate(sentMillis);
                    lastRequest.accumulate(sentMillis);
                    if (scanning) {
                        scanRequests.incrementAndGet();
                    }
                }
                if (answeredAt - sentAt > LATENCY * 1_000_000) {
                    slowerThanLatency.incrementAndGet();
                } else {
                    clock.sleepUntil(sentAt + LATENCY * 1_000_000);
                }
                return;
            }
        }

        private HttpRequest get(String path) {
            return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + bearer).GET().build();
        }

        /** A thread of the run: whatever it throws before the run stops is a failure of the run. */
        private void thread(String name, Work work) {
            Thread thread = new Thread(() -> {
                try {
                    work.run();
                } catch (Exception | AssertionError e) {
                    if (!stopped) {
                        failures.add(name + ": " + e);
                    }
                }
            }, "rate-budget-" + name);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    // --- the gates and the clock ------------------------------------------------------------------------------------

    /** What a container's request waits for, on the run's clock. */
    private interface Gate {
        void acquire(String operation) throws InterruptedException;

        /** Scalingo answered 429: told to the gate, as ScalingoClient tells its RequestGate. */
        void rateLimited();
    }

    /** Today's fixed share: the container's {@link RequestPacer}, its reservation taken on the virtual clock. */
    private static final class FixedShare implements Gate {
        private final RequestPacer pacer;
        private final ScaledClock clock;

        FixedShare(RequestPacer pacer, ScaledClock clock) {
            this.pacer = pacer;
            this.clock = clock;
        }

        @Override
        public void acquire(String operation) throws InterruptedException {
            long now = clock.nanos();
            long wait = RateBudgetAccess.reserve(pacer, now);
            clock.sleepUntil(now + wait);
        }

        @Override
        public void rateLimited() {
            pacer.rateLimited(Duration.ZERO, Deadline.none()); // a fixed share does nothing with it
        }
    }

    /** The container's side of the shared budget: {@link SharedBudget#acquire}, with no deadline (as the model). */
    private static final class Budget implements Gate {
        private final SharedBudget budget;
        /** Slots this container's callers took (each acquire that returned). */
        private final AtomicLong taken = new AtomicLong();

        Budget(SharedBudget budget) {
            this.budget = budget;
        }

        @Override
        public void acquire(String operation) throws InterruptedException {
            try {
                budget.acquire(Deadline.none(), operation);
                taken.incrementAndGet();
            } catch (ScalingoException e) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("the run stopped"); // the budget's sleep was interrupted
                }
                throw e;
            }
        }

        @Override
        public void rateLimited() {
            budget.rateLimited(Duration.ZERO, Deadline.none());
        }
    }

    /**
     * The run's clock: {@code scale} times faster than real time, 0 when the run starts. What the budget reads (its
     * millis and nanos) and what every wait of the run sleeps on; each sleep records how late it woke (virtual
     * microseconds), the harness's own distortion.
     */
    static final class ScaledClock implements SharedBudget.Clocks {
        private final long scale;
        private volatile long origin = System.nanoTime();
        final Samples oversleep = new Samples();

        ScaledClock(int scale) {
            this.scale = scale;
        }

        /** Virtual time starts now. */
        void start() {
            origin = System.nanoTime();
        }

        @Override
        public long nanos() {
            return (System.nanoTime() - origin) * scale;
        }

        @Override
        public long millis() {
            return nanos() / 1_000_000;
        }

        @Override
        public void sleepMillis(long millis) throws InterruptedException {
            sleepUntil(nanos() + millis * 1_000_000);
        }

        /** Parks until the virtual time {@code virtualNanos} (at once when it passed), for the scaled-down real time. */
        void sleepUntil(long virtualNanos) throws InterruptedException {
            long realTarget = origin + (virtualNanos + scale - 1) / scale;
            if (realTarget - System.nanoTime() <= 0) {
                return;
            }
            while (true) {
                long left = realTarget - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("the run stopped");
                }
            }
            oversleep.add((nanos() - virtualNanos) / 1_000);
        }
    }

    /** Values kept for their percentiles (threads add to them concurrently). */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized long percentile(double p) {
            if (size == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted[(int) Math.min(size - 1, Math.max(0, Math.ceil(p * size) - 1))];
        }

        synchronized int size() {
            return size;
        }

        synchronized long[] sorted() {
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted;
        }
    }

    /**
     * The most requests sent within any minute ({@code times} sorted, virtual ms): what the budget promises to keep at
     * its cap, as the requests left the harness (the sandbox counts them as they arrive).
     */
    static int mostInAMinute(long[] times) {
        int most = 0;
        int first = 0;
        for (int last = 0; last < times.length; last++) {
            while (times[last] - times[first] >= MINUTE) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    // --- the markdown -----------------------------------------------------------------------------------------------

    private static String markdown(List<Scenario> scenarios, Map<String, Result> results, double wallMinutes) {
        Result fixedSteady = results.get("steady/FIXED");
        Result sharedSteady = results.get("steady/SHARED");
        Result fixedBurst = results.get("burst/FIXED");
        Result sharedBurst = results.get("burst/SHARED");
        Result fixedDay = results.get("day/FIXED");
        Result sharedDay = results.get("day/SHARED");
        StringBuilder md = new StringBuilder("## 8. One rate budget for the account\n\n");
        md.append("Measured (`src/functions/src/test/java/io/domainautomation/benchmarks/RateBudgetBenchmark.java`): the model's")
                .append(" scenarios and arrivals (8b below) run for real, with threads, against the sandbox's Scalingo API over")
                .append(" HTTP at Scalingo's limit (60 requests a minute for the user, a sliding window), **time scaled** (the")
                .append(" scale of each scenario below). link-on-signup's 2 containers of 10 threads, fed through SQS's")
                .append(String.format(" %d s batching window (10 records a batch), 2 requests a signup",
                        RateBudgetAccess.batchingWindowMillis() / 1000))
                .append(" (list the app's domains, add the domain);")
                .append(" cleanup-stale's one sequential worker, one request an app; the people on the account, 6 requests a")
                .append(" minute evenly, unpaced (not retried after a 429). Each container paced by today's fixed shares")
                .append(" (`RequestPacer`: link-on-signup 2 x 12, cleanup 8) or by its side of the shared budget")
                .append(String.format(" (`SharedBudget.acquire`, the deployed settings: cap %d, batch %d (for the scan 3, or 5 while signups hold fewer than 8 slots),"
                        + " headroom %d, slots valid 2 s, guard 1 s) on one", SETTINGS.cap(), BATCH, SETTINGS.headroom()))
                .append(" in-memory store. A 429 is counted, told to the gate, and the request tried again after a second;")
                .append(" a request takes at least 150 ms (the model's latency). Both modes in this one run, on the same")
                .append(" arrivals. The goals are reported, never asserted; asserted: every signup linked at Scalingo, the")
                .append(" people's requests all answered, no 429 for the automation on the shared budget.\n\n");
        md.append("| scenario | figure | fixed shares | shared budget | goal | met (fixed / shared) |\n|---|---|---|---|---|---|\n");
        md.append(row("steady: 10 signups a minute for an hour, the scan running", "signup to linked, p50 / p99",
                seconds(fixedSteady.percentile(0.5)) + " / " + seconds(fixedSteady.percentile(0.99)),
                seconds(sharedSteady.percentile(0.5)) + " / " + seconds(sharedSteady.percentile(0.99)), "p99 <= 10 s",
                met(fixedSteady.percentile(0.99) <= 10_000, sharedSteady.percentile(0.99) <= 10_000)));
        md.append(row("", "scan requests in the hour (62 min, as the model)", String.valueOf(fixedSteady.scanRequests()),
                String.valueOf(sharedSteady.scanRequests()), "-", "-"));
        md.append(row("", "share of the cap used (work always waiting)", percent(fixedSteady.busyUse()),
                percent(sharedSteady.busyUse()), ">= 95 %", met(fixedSteady.busyUse() >= 0.95, sharedSteady.busyUse() >= 0.95)));
        Result bare = results.get(NO_HEADROOM);
        md.append(row("", "the same arrivals, `RateBudgetHeadroom` 0 (the scan leaves signups nothing): share of the cap"
                + " used / signup p99 / store requests per Scalingo request", "-", percent(bare.busyUse()) + " / "
                + seconds(bare.percentile(0.99)) + " / " + String.format("%.2f", (double) bare.storeCalls()
                        / Math.max(1, bare.automation())), ">= 95 % / p99 <= 10 s / -", "- / "
                + (bare.busyUse() >= 0.95 ? "yes" : "no") + ", " + (bare.percentile(0.99) <= 10_000 ? "yes" : "no")));
        double ideal = 1000.0 / SETTINGS.cap() * MINUTE;
        md.append(row("burst: 500 signups in 5 s, the scan running", "last signup linked (ideal " + minutes((long) ideal) + ")",
                minutes(fixedBurst.lastLinkedMillis()) + " (" + ratio(fixedBurst.lastLinkedMillis(), ideal) + ")",
                minutes(sharedBurst.lastLinkedMillis()) + " (" + ratio(sharedBurst.lastLinkedMillis(), ideal) + ")",
                "near the ideal (<= 1.10x)", met(fixedBurst.lastLinkedMillis() <= 1.1 * ideal,
                        sharedBurst.lastLinkedMillis() <= 1.1 * ideal)));
        md.append(row("", "share of the cap used (work always waiting)", percent(fixedBurst.busyUse()),
                percent(sharedBurst.busyUse()), ">= 95 %", met(fixedBurst.busyUse() >= 0.95, sharedBurst.busyUse() >= 0.95)));
        md.append(row("a day: 50,000 apps to scan, 3 signups a minute", "scan done", scanDone(fixedDay), scanDone(sharedDay),
                "<= 24 h", met(fixedDay.scanDoneMillis() >= 0, sharedDay.scanDoneMillis() >= 0)));
        md.append(row("", "signup to linked, p99", seconds(fixedDay.percentile(0.99)), seconds(sharedDay.percentile(0.99)),
                "<= 10 s", met(fixedDay.percentile(0.99) <= 10_000, sharedDay.percentile(0.99) <= 10_000)));
        long[] fixedTooMany = tooMany(fixedSteady, fixedBurst, fixedDay);
        long[] sharedTooMany = tooMany(sharedSteady, sharedBurst, sharedDay);
        md.append(row("all three", "429 replies (the automation's / the people's)", fixedTooMany[0] + " / " + fixedTooMany[1],
                sharedTooMany[0] + " / " + sharedTooMany[1], "0", met(fixedTooMany[0] + fixedTooMany[1] == 0,
                        sharedTooMany[0] + sharedTooMany[1] == 0)));
        int fixedMost = Math.max(fixedSteady.mostInAMinute(), Math.max(fixedBurst.mostInAMinute(), fixedDay.mostInAMinute()));
        int sharedMost = Math.max(Math.max(sharedSteady.mostInAMinute(), results.get(NO_HEADROOM).mostInAMinute()),
                Math.max(sharedBurst.mostInAMinute(), sharedDay.mostInAMinute())); // the headroom-0 run's too
        md.append(row("", "the automation's requests sent in any minute, at most", String.valueOf(fixedMost),
                String.valueOf(sharedMost), "<= the cap (fixed: 32, shared: " + SETTINGS.cap() + ")",
                met(fixedMost <= 2 * LINK_SHARE + CLEANUP_SHARE, sharedMost <= SETTINGS.cap())));
        md.append(row("", "the people's requests answered", answered(fixedSteady, fixedBurst, fixedDay),
                answered(sharedSteady, sharedBurst, sharedDay), "all", met(fixedTooMany[1] == 0, sharedTooMany[1] == 0)));
        long storeCalls = sharedSteady.storeCalls() + sharedBurst.storeCalls() + sharedDay.storeCalls();
        long requests = sharedSteady.automation() + sharedBurst.automation() + sharedDay.automation();
        double perRequest = (double) storeCalls / Math.max(1, requests);
        md.append(row("", "budget store requests per Scalingo request", "-", String.format("%.2f", perRequest),
                "far below 1 (<= 0.5)", "- / " + (perRequest <= 0.5 ? "yes" : "no")));
        md.append(row("", "slots granted by the store and never used (counted against the cap all the same): steady /"
                + " burst / day", "-", unused(sharedSteady) + " / " + unused(sharedBurst) + " / " + unused(sharedDay), "-", "-"));
        md.append("\n**How it was measured.** The budget runs on a clock `scale` times faster than real time, with its")
                .append(" settings as deployed (a minute, a guard of a second, slots valid 2 s); the sandbox's window is a real")
                .append(" minute divided by the scale, so a virtual minute on the budget's clock is the sandbox's window. Scaling")
                .append(" the settings instead would leave unscaled what they do not carry (the priorities' horizons, the")
                .append(" store's longest call before which no grant starts, the store's 10 s of rest after a failure) and")
                .append(" round the policy's milliseconds. The fixed shares take their `RequestPacer` reservation on the same")
                .append(" clock. Every wait (the budget's, the pacer's, the batching window, the people, the 150 ms a request,")
                .append(" the second after a 429) parks for the scaled-down real time and records how late it woke: below, in")
                .append(" virtual milliseconds (divide by the scale for real time). The round trip is a request's over")
                .append(" loopback, scaled the same: above 150 ms (virtual) it adds to the model's latency. The requests sent")
                .append(" in any minute are counted as they left the harness (the sandbox counts them as they arrive).\n\n");
        md.append("| scenario | time scale | 60 requests per (real) | wall time (fixed / shared) | sleeps woke late, p50 / p99 / max (virtual ms; fixed, shared) | request round trip, p50 / p99 (virtual ms; fixed, shared) | requests slower than 150 ms (fixed / shared) |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Scenario scenario : scenarios) {
            Result fixed = results.get(scenario.name() + "/FIXED");
            Result shared = results.get(scenario.name() + "/SHARED");
            md.append("| ").append(scenario.name()).append(" | ").append(scenario.scale()).append(" | ")
                    .append(String.format("%.0f ms", 60_000.0 / scenario.scale())).append(" | ")
                    .append(String.format("%.0f s / %.0f s", fixed.wallSeconds(), shared.wallSeconds())).append(" | ")
                    .append(late(fixed.oversleep())).append("; ").append(late(shared.oversleep())).append(" | ")
                    .append(roundTrip(fixed.roundTrip())).append("; ").append(roundTrip(shared.roundTrip())).append(" | ")
                    .append(percent((double) fixed.slowerThanLatency() / Math.max(1, fixed.automation()))).append(" / ")
                    .append(percent((double) shared.slowerThanLatency() / Math.max(1, shared.automation()))).append(" |\n");
        }
        md.append("\n**What is not real.** The budget's store is the in-memory one (`InMemoryBudgetStore`, no latency): the")
                .append(" DynamoDB adapter on dynalite cannot be time-scaled, its milliseconds a call would become seconds of")
                .append(" virtual time; its cost is reported as store requests instead. There is no Lambda and no SQS: threads")
                .append(" and the batching rule stand for them (no cold starts, no redelivery). Requests wait with no deadline,")
                .append(" as in the model (deployed, a signup whose slot comes after its invocation's deadline goes back to the")
                .append(" queue). The pacers start with their whole share, as the model's (deployed, a new container may spend")
                .append(" half at once). Scalingo is the sandbox: its limit and its API, not its latency (the 150 ms floor stands")
                .append(" for it). The sandbox holds 1,000 apps, which the scan lists 50 times over (50,000 requests, one an")
                .append(" app): it checks a new domain's name against every app's domains in a linear scan under its lock, 5 to")
                .append(" 7 ms a link with 50,000 apps on this machine (over a second of virtual time at these scales, every")
                .append(" other request waiting meanwhile), 0.15 ms with 1,000; Scalingo has no such cost, and listing an app's")
                .append(" domains costs the same whichever app it is.\n\n");
        md.append(String.format("Generated on %s by `./mvnw -B verify -Pbenchmark -Dit.test=RateBudgetBenchmark` (this section"
                + " alone; `./mvnw -B verify -Pbenchmark` writes it with the others), %.1f min of wall time on %d cores, %s %s.%n%n",
                LocalDate.now(), wallMinutes, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
        md.append(modelSection());
        return md.toString();
    }

    /** The model's section (RateBudgetModel.section(), unchanged figures) as 8b, on the same scenarios. */
    private static String modelSection() {
        String model = RateBudgetModel.section();
        model = model.replaceFirst("^## 8\\.[^\\n]*\\n", "### 8b. The model (virtual clock)\n");
        model = model.replace(" Not measured against the sandbox over HTTP: see the note below.", "");
        return model + "The model's figures do not depend on the machine: the same arrivals and the same budget code"
                + " (`SharedBudget.attempt`) on a discrete-event clock, Scalingo as its documented limit, no threads, no"
                + " HTTP.\n\n";
    }

    private static long[] tooMany(Result... results) {
        long automation = 0;
        long people = 0;
        for (Result result : results) {
            automation += result.tooMany();
            people += result.peopleTooMany();
        }
        return new long[] {automation, people};
    }

    private static String answered(Result... results) {
        long sent = 0;
        long refused = 0;
        for (Result result : results) {
            sent += result.peopleSent();
            refused += result.peopleTooMany();
        }
        return (sent - refused) + " of " + sent;
    }

    private static String unused(Result result) {
        long unused = result.slotsGranted() - result.slotsTaken();
        return String.format("%d of %d (%.1f %%)", unused, result.slotsGranted(),
                100.0 * unused / Math.max(1, result.slotsGranted()));
    }

    private static String scanDone(Result result) {
        return result.scanDoneMillis() >= 0 ? hours(result.scanDoneMillis())
                : "not in 24 h: " + result.scanRequests() + " apps";
    }

    private static String late(Samples oversleep) {
        return String.format("%.1f / %.1f / %.1f", oversleep.percentile(0.5) / 1000.0, oversleep.percentile(0.99) / 1000.0,
                oversleep.percentile(1.0) / 1000.0);
    }

    private static String roundTrip(Samples roundTrip) {
        return String.format("%.0f / %.0f", roundTrip.percentile(0.5) / 1000.0, roundTrip.percentile(0.99) / 1000.0);
    }

    private static String row(String scenario, String figure, String fixed, String shared, String goal, String met) {
        return "| " + scenario + " | " + figure + " | " + fixed + " | " + shared + " | " + goal + " | " + met + " |\n";
    }

    private static String met(boolean fixed, boolean shared) {
        return (fixed ? "yes" : "no") + " / " + (shared ? "yes" : "no");
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
