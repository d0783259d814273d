package io.domainautomation.simulation;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.events.CanonicalEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;

/**
 * link-on-signup and set-canonical on one platform, driven by one seed as {@link CleanupSimulation} drives
 * cleanup-stale: onboarding messages (the app named by its name or its ID, unknown apps, names another app holds,
 * names that are not hostnames), sent twice by the onboarding system, delivered again by SQS (after a failure, and
 * at least once after success), out of order; canonical changes asked over HTTP (set, set with link, removed) and
 * retried by their callers, racing with messages asking for a canonical domain and with changes by hand (a domain
 * unlinked, another made canonical); faults at every port call (Scalingo 5xx, 429, timeouts, replies lost after the
 * change was applied; the ledger failing before and after a write; EventBridge refusing entries; the dead-letter
 * queue refusing; the process killed between any two calls). Invariants, checked after every step and at the end:
 * <ul>
 * <li>every message ends linked, already linked, or rejected with its reason (kept in the dead-letter queue), or
 * is back on the queue; once the faults stop, every message ends; a message is rejected only for what it asks
 * (an unknown app, a name another app holds, a name that is not a hostname);</li>
 * <li>a message links its domain at most once (again only after the link was removed by hand);</li>
 * <li>every {@code Domain Linked} names a link a message asked for, one id per link; once the faults stop, every
 * link made by a message and still there was announced as linked; the app is named by its name in every event
 * and the DNS instructions point at its host, whatever the message's spelling;</li>
 * <li>every {@code Canonical Domain Changed} names a change its request made (or may have made: its outcome
 * unknown, and Scalingo showing that state), under its request's id; once the faults stop, every change of
 * set-canonical is announced, unless someone else changed the canonical domain before it could be told made.</li>
 * </ul>
 * Replay: {@code ./mvnw -pl src/functions -am test -Dtest=LinkingSimulationTest -Dsimulation.seed=N}.
 */
public final class LinkingSimulation {

    public enum Fault {
        SCALINGO_5XX, SCALINGO_429, SCALINGO_TIMEOUT, SCALINGO_SLOW, SCALINGO_LOST_REPLY, LEDGER_ERROR, LEDGER_TIMEOUT, LEDGER_LOST_REPLY,
        LEDGER_DENIED, EVENTS_PARTIAL_FAILURE, EVENTS_TIMEOUT, DEAD_LETTER_REFUSED, KILL, DUPLICATE_DELIVERY, DUPLICATE_MESSAGE,
        REDRIVE, SHORT_DEADLINE
    }

    /** Counts of one history, added up over many. */
    public static final class Tally {
        public long histories;
        public long deliveries;
        public long requests;
        public long links;
        public long canonicalChanges;
        public long checks;
        public long portCalls;
        public final Map<Fault, Long> faults = new EnumMap<>(Fault.class);

        public void add(Tally other) {
            histories += other.histories;
            deliveries += other.deliveries;
            requests += other.requests;
            links += other.links;
            canonicalChanges += other.canonicalChanges;
            checks += other.checks;
            portCalls += other.portCalls;
            other.faults.forEach((k, v) -> faults.merge(k, v, Long::sum));
        }
    }

    static final class Violation extends AssertionError {
        Violation(long seed, String what, List<String> trace) {
            super("seed " + seed + ": " + what + "\nreplay: ./mvnw -pl src/functions -am test -Dtest=LinkingSimulationTest"
                    + " -Dsimulation.seed=" + seed + "\nlast steps:\n  "
                    + String.join("\n  ", trace.subList(Math.max(0, trace.size() - (Long.getLong("simulation.seed") != null
                            ? trace.size() : 30)), trace.size())));
        }
    }

    static final class Killed extends Error {
        Killed(String where) {
            super("killed at " + where, null, false, false);
        }
    }

    private static final Instant START = Instant.parse("2026-04-01T09:00:00Z");
    private static final String APP = "shop";
    private static final String TAKEN = "taken.example";
    private static final List<String> NAMES = List.of("www.acme.example", "acme.example", "shop.beta.example",
            "app.gamma.example", TAKEN, "bad..example");

    /** An onboarding message: what it asks. */
    private record Message(String id, String body, String app, String domain, boolean canonical) {
    }

    /** A message's delivery state: on the queue (visible from), or done. */
    private static final class Queued {
        final Message message;
        Instant visibleAt;
        SignupLinking.Kind done;

        Queued(Message message, Instant visibleAt) {
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    /** A change set-canonical made: the canonical domain after it (null: none). */
    private record Made(String requestId, String current) {
    }

    private final long seed;
    private final Random random;
    private final SignupWorld world;
    private final java.util.function.Consumer<SignupWorld> beforeHistory;
    private final Tally tally = new Tally();
    private final List<String> trace = new ArrayList<>();
    private String appId;
    private double faultRate;
    private boolean faultsOn = true;
    private int next;

    private final Map<String, Queued> messages = new LinkedHashMap<>();
    /** Who is acting on Scalingo now: "m:<id>" (a delivery), "r:<id>" (a request), or "hand". */
    private String actor = "hand";
    /** Each link (Scalingo domain id) and the message whose delivery made it ("hand" or "r:..." otherwise). */
    private final Map<String, String> linkMadeBy = new HashMap<>();
    /** Per message: the links its deliveries made (domain ids). */
    private final Map<String, List<String>> linksOfMessage = new HashMap<>();
    /** Per domain name: how many times it was unlinked by hand. */
    private final Map<String, Integer> unlinks = new HashMap<>();
    /** Per link: the Domain Linked ids published for it. */
    private final Map<String, Set<String>> linkedIds = new HashMap<>();
    private int eventsSeen;
    /** Changes of set-canonical applied, by request; those not announced yet, and whether another actor changed since. */
    private final Map<String, Made> made = new LinkedHashMap<>();
    private final Map<String, Made> unannounced = new LinkedHashMap<>();
    /** Requests whose outcome their caller could not know (killed, no reply, a transient failure after recording). */
    private final Set<String> unknownOutcome = new HashSet<>();
    private final Set<String> announcedRequests = new HashSet<>();
    /** Per canonical request: the canonical domain it asks for (null: none), and whether its record was written. */
    private final Map<String, String> asked = new HashMap<>();
    private final Set<String> recordWritten = new HashSet<>();
    /**
     * Per request (a message's body: its duplicates and redrives are the same request) and name: when the last
     * invocation that recorded an attempt to link it, or sent a POST for it, ended (a link made by then may be its).
     */
    private final Map<String, Instant> attemptWindows = new HashMap<>();
    /** Per link: the request whose POST made it. */
    private final Map<String, String> linkRequest = new HashMap<>();
    /** Per Domain Linked id: the link it names. */
    private final Map<String, String> linkOfId = new HashMap<>();
    /** The canonical domain last seen, to tell who changed it. */
    private String lastCanonical;
    /** The deadline of the invocation running now, on the simulation's ticker. */
    private long deadlineNanos = Long.MAX_VALUE;

    private LinkingSimulation(long seed, SignupWorld.Ports ports, java.util.function.Consumer<SignupWorld> beforeHistory) {
        this.seed = seed;
        this.random = new Random(seed);
        this.world = new SignupWorld(START, ports);
        this.beforeHistory = beforeHistory;
    }

    public static Tally run(long seed) {
        return run(seed, SignupWorld.Ports.MODELS, world -> {
        });
    }

    /**
     * One history on ports made from the models ({@code ports}: a fidelity run's mirrors), {@code beforeHistory} run on
     * the world before anything happens in it.
     */
    public static Tally run(long seed, SignupWorld.Ports ports, java.util.function.Consumer<SignupWorld> beforeHistory) {
        LinkingSimulation simulation = new LinkingSimulation(seed, ports, beforeHistory);
        simulation.history();
        simulation.tally.histories = 1;
        return simulation.tally;
    }

    // ------------------------------------------------------------------ the history

    private void history() {
        beforeHistory.accept(world);
        faultRate = random.nextInt(4) == 0 ? 0 : 0.02 + random.nextDouble() * 0.15;
        App shop = world.scalingo.addApp(APP);
        appId = shop.id();
        world.scalingo.addApp("rival");
        world.scalingo.seedDomain("rival", TAKEN, OffsetDateTime.ofInstant(START.minus(Duration.ofDays(9)), ZoneOffset.UTC));
        installFaults();
        int steps = 20 + random.nextInt(50);
        for (int step = 0; step < steps; step++) {
            world.clock.advance(Duration.ofSeconds(1 + random.nextInt(120)));
            switch (random.nextInt(12)) {
                case 0, 1, 2 -> newMessage();
                case 3, 4, 5, 6 -> deliverOne();
                case 7 -> {
                    if (chance(0.2)) {
                        redrive();
                    } else {
                        redeliverDone();
                    }
                }
                case 8, 9 -> canonicalRequest();
                case 10 -> byHand();
                default -> world.clock.advance(Duration.ofMinutes(random.nextInt(30)));
            }
            checkEvents();
        }
        faultsOn = false;
        log("faults stop");
        drain();
        settleCanonical();
        checkEvents();
        checkEnd();
    }

    private void newMessage() {
        if (!messages.isEmpty() && chance(0.15)) {
            // the onboarding system sends the same request twice: a new message, the same body
            List<Queued> all = new ArrayList<>(messages.values());
            Message original = all.get(random.nextInt(all.size())).message;
            count(Fault.DUPLICATE_MESSAGE);
            enqueue(new Message("m" + next++, original.body(), original.app(), original.domain(), original.canonical()));
            return;
        }
        String domain = NAMES.get(random.nextInt(NAMES.size()));
        int spelling = random.nextInt(10);
        String app = spelling < 5 ? APP : spelling < 9 ? appId : "ghost";
        boolean canonical = random.nextInt(4) == 0;
        String body = "{\"app\":\"" + app + "\",\"domain\":\"" + domain + "\"" + (canonical ? ",\"canonical\":true" : "") + "}";
        enqueue(new Message("m" + next++, body, app, domain, canonical));
    }

    private void enqueue(Message message) {
        messages.put(message.id(), new Queued(message, world.clock.instant()));
        log("message " + message.id() + ": " + message.body());
    }

    private void deliverOne() {
        List<Queued> visible = messages.values().stream()
                .filter(q -> q.done == null && !q.visibleAt.isAfter(world.clock.instant())).toList();
        if (visible.isEmpty()) {
            return;
        }
        deliver(visible.get(random.nextInt(visible.size())));
    }

    /**
     * A message that kept failing went to the dead-letter queue; an operator redrives it: the same body under a new
     * message id (SQS gives a redriven message a new id).
     */
    private void redrive() {
        List<Queued> waiting = messages.values().stream().filter(q -> q.done == null).toList();
        if (waiting.isEmpty() || !faultsOn) {
            return;
        }
        Queued dead = waiting.get(random.nextInt(waiting.size()));
        count(Fault.REDRIVE);
        dead.done = SignupLinking.Kind.RETRY; // moved to the dead-letter queue: this id is over
        Message original = dead.message;
        log("SQS moves " + original.id() + " to the dead-letter queue; an operator redrives it");
        enqueue(new Message("m" + next++, original.body(), original.app(), original.domain(), original.canonical()));
    }

    /** SQS delivers at least once: a message acknowledged already comes again. */
    private void redeliverDone() {
        List<Queued> done = messages.values().stream().filter(q -> q.done != null).toList();
        if (done.isEmpty() || !faultsOn || !chance(Math.max(faultRate, 0.05))) {
            return;
        }
        count(Fault.DUPLICATE_DELIVERY);
        Queued again = done.get(random.nextInt(done.size()));
        log("SQS delivers " + again.message.id() + " again");
        again.done = null;
        deliver(again); // a delivery like any other: when it fails, the message is back on the queue
    }

    private void deliver(Queued queued) {
        Message message = queued.message;
        tally.deliveries++;
        actor = "m:" + message.id();
        log("deliver " + message.id());
        SignupLinking.Outcome outcome;
        // late in a batch of concurrent records, a record may start with little of the invocation's time left
        Duration left = faultsOn && chance(0.1) ? Duration.ofSeconds(3 + random.nextInt(30)) : Duration.ofSeconds(299);
        if (left.getSeconds() < 299) {
            count(Fault.SHORT_DEADLINE);
        }
        io.domainautomation.logic.port.Deadline deadline = world.clock.deadlineIn(left);
        deadlineNanos = deadline.nanoTime();
        try {
            outcome = world.deliver(message.id(), message.body(), deadline);
        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            queued.visibleAt = world.clock.instant().plus(Duration.ofMinutes(30)); // the visibility timeout
            return;
        } finally {
            actor = "hand";
            checkDeadline("delivery of " + message.id());
        }
        log("  -> " + outcome.kind().label() + ": " + outcome.reason());
        if (outcome.kind() == SignupLinking.Kind.RETRY) {
            queued.visibleAt = world.clock.instant().plus(Duration.ofMinutes(30));
            return;
        }
        queued.done = outcome.kind();
        checkOutcome(message, outcome);
    }

    /** Faults off: every message still on the queue is delivered until it ends. */
    private void drain() {
        for (int round = 0; round < 3; round++) {
            for (Queued queued : new ArrayList<>(messages.values())) {
                if (queued.done == null) {
                    world.clock.advance(Duration.ofSeconds(5));
                    deliver(queued);
                }
            }
        }
        for (Queued queued : messages.values()) {
            tally.checks++;
            if (queued.done == null) {
                throw violation("message " + queued.message.id() + " never ended once the faults stopped");
            }
        }
    }

    private void canonicalRequest() {
        Optional<Domain> current = canonicalNow();
        List<String> linked = world.scalingo.domainNames(APP);
        int kind = random.nextInt(5);
        String requestId = "r" + next++;
        String name = kind == 4 || linked.isEmpty() ? NAMES.get(random.nextInt(NAMES.size() - 1))
                : linked.get(random.nextInt(linked.size()));
        boolean delete = kind == 0 && current.isPresent();
        boolean link = kind >= 3;
        request(requestId, delete, name, link);
    }

    /** One HTTP request to set-canonical; a caller who got no answer, or a 5xx, may try again (a new request). */
    private void request(String requestId, boolean delete, String name, boolean link) {
        tally.requests++;
        actor = "r:" + requestId;
        asked.put(requestId, delete ? null : name);
        String app = random.nextBoolean() ? APP : appId;
        log("request " + requestId + ": " + (delete ? "DELETE" : "PUT " + name + (link ? " link" : "")) + " on " + app);
        boolean retry = false;
        io.domainautomation.logic.port.Deadline deadline = world.requestDeadline();
        deadlineNanos = deadline.nanoTime();
        try {
            CanonicalDomains.Change change = delete
                    ? world.canonical.unset(app, "alice", requestId, deadline)
                    : world.canonical.set(app, Hostname.parse("domain", name), link, "alice", requestId, deadline);
            log("  -> 200 " + change.current().map(Domain::name).orElse("none") + (change.changed() ? " changed" : "")
                    + (change.unpublished().isEmpty() ? "" : ", " + change.unpublished().size() + " unpublished"));
        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            if (recordWritten.contains(requestId)) {
                unknownOutcome.add(requestId);
            }
            retry = true;
        } catch (ScalingoException e) {
            log("  -> failed: " + e.getMessage());
            if (!e.isPermanent()) {
                if (recordWritten.contains(requestId)) {
                    unknownOutcome.add(requestId);
                }
                retry = true;
            }
        } catch (CanonicalDomains.Unsettled e) {
            // nothing was changed (a record whose write's reply was lost may stand: its outcome is unknown)
            log("  -> " + (e.isTransient() ? "503: " : "500: ") + e.getMessage());
            if (recordWritten.contains(requestId)) {
                unknownOutcome.add(requestId);
            }
            retry = true;
        } catch (CanonicalDomains.NotLinked | CanonicalDomains.TakenByAnotherApp | InvalidInput refused) {
            log("  -> refused: " + refused.getMessage());
        } finally {
            actor = "hand";
            checkDeadline("request " + requestId);
        }
        if (retry && chance(0.7)) {
            world.clock.advance(Duration.ofSeconds(1 + random.nextInt(10)));
            request("r" + next++, delete, name, link);
        }
    }

    /** Faults off: one more request on the app (a no-op) settles what an earlier one could not announce. */
    private void settleCanonical() {
        Optional<Domain> current = canonicalNow();
        request("r" + next++, current.isEmpty(), current.map(Domain::name).orElse(null), false);
    }

    private void byHand() {
        List<String> linked = world.scalingo.domainNames(APP);
        if (linked.isEmpty()) {
            return;
        }
        String name = linked.get(random.nextInt(linked.size()));
        if (random.nextBoolean()) {
            log("someone unlinks " + name + " by hand");
            unlinks.merge(name, 1, Integer::sum);
            world.scalingo.unlinkByHand(APP, name);
        } else {
            log("someone makes " + name + " canonical by hand");
            world.scalingo.change(APP, name, d -> new Domain(d.id(), d.appId(), d.name(), d.createdAt(), d.tlscert(), d.tlskey(),
                    d.ssl(), d.sslStatus(), d.validity(), true, d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(),
                    d.acmeDnsFqdn(), d.acmeDnsValue(), d.acmeDnsError(), d.acmeChallengeError()));
        }
        noteCanonical("hand");
    }

    private Optional<Domain> canonicalNow() {
        return world.scalingo.listDomainsByHand(APP).stream().filter(Domain::isCanonical).findFirst();
    }

    /**
     * The canonical domain as Scalingo shows it now: when someone other than set-canonical changed it, what set-canonical
     * had not announced can no longer be told made.
     */
    private void noteCanonical(String by) {
        String now = canonicalNow().map(Domain::name).orElse(null);
        if (!Objects.equals(now, lastCanonical) && !by.startsWith("r:")) {
            unannounced.clear();
        }
        lastCanonical = now;
    }

    /** The delivering request's attempt on its name: a link made before its invocation ends may be its. */
    private void noteAttempt() {
        Message message = messages.get(actor.substring(2)).message;
        Instant end = world.clock.instant().plusNanos(Math.max(0, deadlineNanos - world.clock.nanoTime()));
        attemptWindows.put(message.body() + " " + message.domain(), end);
    }

    /** No invocation runs past its deadline, every call included. */
    private void checkDeadline(String what) {
        tally.checks++;
        if (world.clock.nanoTime() > deadlineNanos) {
            throw violation(what + " ran " + Duration.ofNanos(world.clock.nanoTime() - deadlineNanos).toMillis()
                    + " ms past its deadline");
        }
        deadlineNanos = Long.MAX_VALUE;
    }

    /** A fault that costs time: at most what is left before the deadline for a call that keeps to it. */
    private void spend(Duration cost, boolean keepsToTheDeadline) {
        long left = deadlineNanos - world.clock.nanoTime();
        long nanos = keepsToTheDeadline ? Math.max(0, Math.min(cost.toNanos(), left)) : cost.toNanos();
        world.clock.advance(Duration.ofNanos(nanos));
    }

    // ------------------------------------------------------------------ faults

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private void count(Fault fault) {
        tally.faults.merge(fault, 1L, Long::sum);
    }

    private void installFaults() {
        Faults faults = new Faults() {
            @Override
            public void before(String call) {
                tally.portCalls++;
                // a call's round trip; Scalingo's and EventBridge's calls end by the deadline, the SDK's others by their own
                Duration roundTrip = Duration.ofMillis(5 + random.nextInt(50));
                spend(roundTrip, call.startsWith("scalingo.") || call.startsWith("events."));
                // a timeout takes the SDK's whole bound, the round trip included
                Duration sdkTimeout = SignupWorld.ONE_AWS_CALL.minus(roundTrip);
                if (call.equals("scalingo.linkDomain") && actor.startsWith("m:")) {
                    noteAttempt(); // the request sends a POST for its name: whatever comes of it, it may have linked it
                }
                if (!faultsOn || faultRate == 0) {
                    return;
                }
                if (chance(faultRate / 8)) {
                    count(Fault.KILL);
                    throw new Killed("before " + call);
                }
                if (!chance(faultRate)) {
                    return;
                }
                if (call.startsWith("scalingo.")) {
                    switch (random.nextInt(4)) {
                        case 3 -> {
                            // answered in the end, after the client's retries (a 5xx, then a success)
                            count(Fault.SCALINGO_SLOW);
                            spend(Duration.ofSeconds(4 + random.nextInt(12)), true);
                            return;
                        }
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
                            spend(Duration.ofSeconds(10), true); // the client's reads and retries, within the deadline
                            throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                        }
                    }
                }
                if (call.startsWith("links.") || call.startsWith("canonicals.")) {
                    switch (random.nextInt(8)) {
                        case 0 -> {
                            count(Fault.LEDGER_DENIED);
                            throw new LedgerUnavailable("ledger: " + call + ": AccessDeniedException", false, null);
                        }
                        case 1, 2, 3 -> {
                            count(Fault.LEDGER_TIMEOUT);
                            spend(sdkTimeout, false); // AWS_API_CALL_TIMEOUT: the SDK's own bound
                            throw new LedgerUnavailable("ledger: " + call + ": ApiCallTimeoutException", true, null);
                        }
                        default -> {
                            count(Fault.LEDGER_ERROR);
                            throw new LedgerUnavailable("ledger: " + call + ": ThrottlingException", true, null);
                        }
                    }
                }
                if (call.startsWith("events.")) {
                    count(Fault.EVENTS_TIMEOUT);
                    spend(Duration.ofSeconds(8), true); // each PutEvents bounded by what is left
                    return;
                }
                if (call.startsWith("deadLetters.")) {
                    count(Fault.DEAD_LETTER_REFUSED);
                    if (random.nextBoolean()) {
                        spend(sdkTimeout, false); // SendMessage timing out: the SDK's own bound
                    }
                    throw new DeadLetters.Unsent("the dead-letter queue refused the message: ServiceUnavailable");
                }
            }

            @Override
            public void after(String call) {
                if (call.equals("links.recordAttempt") && actor.startsWith("m:")) {
                    noteAttempt(); // recorded, whatever its reply
                }
                if (call.equals("canonicals.record") && actor.startsWith("r:")) {
                    recordWritten.add(actor.substring(2));
                }
                if (!faultsOn || faultRate == 0) {
                    return;
                }
                if (chance(faultRate / 8)) {
                    count(Fault.KILL);
                    throw new Killed("after " + call);
                }
                if (!chance(faultRate / 2)) {
                    return;
                }
                if (call.equals("scalingo.linkDomain") || call.equals("scalingo.updateDomain")) {
                    count(Fault.SCALINGO_LOST_REPLY);
                    throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out (applied)"));
                }
                if (call.startsWith("links.") || call.startsWith("canonicals.")) {
                    count(Fault.LEDGER_LOST_REPLY);
                    throw new LedgerUnavailable("ledger: " + call + ": timed out (applied)", true, null);
                }
            }
        };
        world.scalingo.faults(faults);
        world.links.faults(faults);
        world.canonicals.faults(faults);
        world.deadLetters.faults(faults);
        world.events.faults(faults);
        world.events.rejecting(event -> {
            if (faultsOn && chance(faultRate)) {
                count(Fault.EVENTS_PARTIAL_FAILURE);
                return true;
            }
            return false;
        });
        world.scalingo.observe((operation, app, domain) -> applied(operation, app, domain));
    }

    /** Every change Scalingo applies, attributed to who made it. */
    private void applied(String operation, App app, Domain domain) {
        if (!app.name().equals(APP)) {
            throw violation(actor + " changed " + domain.name() + " of another app, " + app.name());
        }
        if (operation.equals("linkDomain")) {
            tally.links++;
            linkMadeBy.put(domain.id(), actor);
            log("  linked " + domain.name() + " (" + domain.id() + ") by " + actor);
            if (actor.startsWith("m:")) {
                String message = actor.substring(2);
                linkRequest.put(domain.id(), messages.get(message).message.body());
                List<String> earlier = linksOfMessage.computeIfAbsent(message, m -> new ArrayList<>());
                tally.checks++;
                if (earlier.size() > unlinks.getOrDefault(domain.name(), 0)) {
                    throw violation("message " + message + " linked " + domain.name() + " again (links " + earlier + ")");
                }
                earlier.add(domain.id());
            }
        }
        String before = lastCanonical;
        noteCanonical(actor);
        if (actor.startsWith("r:") && !Objects.equals(before, lastCanonical)) {
            String requestId = actor.substring(2);
            Made change = new Made(requestId, lastCanonical);
            tally.canonicalChanges++;
            made.put(requestId, change);
            unannounced.put(requestId, change);
        }
    }

    // ------------------------------------------------------------------ invariants

    /** A message ends as what it asks allows. */
    private void checkOutcome(Message message, SignupLinking.Outcome outcome) {
        tally.checks++;
        boolean invalid = message.app().equals("ghost") || message.domain().equals(TAKEN) || message.domain().contains("..");
        if (outcome.kind() == SignupLinking.Kind.REJECTED) {
            if (!invalid) {
                throw violation("message " + message.id() + " rejected: " + outcome.reason());
            }
            if (world.deadLetters.kept().stream().noneMatch(k -> k.sourceMessageId().equals(message.id())
                    && k.reason() != null && !k.reason().isBlank())) {
                throw violation("message " + message.id() + " rejected without being kept with its reason");
            }
            return;
        }
        if (invalid) {
            throw violation("message " + message.id() + " asking the impossible ended " + outcome.kind());
        }
        if (!world.scalingo.domainNames(APP).contains(message.domain())) {
            throw violation("message " + message.id() + " ended " + outcome.kind() + " with " + message.domain() + " not linked");
        }
    }

    private void checkEvents() {
        List<DomainEvent> published = world.events.published();
        for (int i = eventsSeen; i < published.size(); i++) {
            DomainEvent event = published.get(i);
            tally.checks++;
            Map<String, Object> detail = event.detail();
            if (detail.get("app") != null && !APP.equals(detail.get("app")) && !"ghost".equals(detail.get("app"))) {
                throw violation(event.detailType() + " names the app " + detail.get("app") + ", not its name");
            }
            switch (event.detailType()) {
                case LinkEvents.DOMAIN_LINKED, LinkEvents.DOMAIN_ALREADY_LINKED -> checkLinkEvent(event);
                case CanonicalEvents.CANONICAL_DOMAIN_CHANGED -> checkCanonicalEvent(event);
                default -> {
                }
            }
        }
        eventsSeen = published.size();
    }

    @SuppressWarnings("unchecked")
    private void checkLinkEvent(DomainEvent event) {
        Map<String, Object> detail = event.detail();
        String name = (String) detail.get("domain");
        String messageId = (String) ((Map<String, Object>) detail.get("correlation")).get("sqsMessageId");
        Map<String, Object> dns = (Map<String, Object>) detail.get("dns");
        if (!String.valueOf(dns).contains(APP + ".osc-fr1.scalingo.io")) {
            throw violation(event.detailType() + " points " + name + " at another host: " + dns);
        }
        // published within the delivery: the link is there now (hand changes come between steps only)
        Optional<Domain> link = world.scalingo.domain(APP, name);
        if (link.isEmpty()) {
            throw violation(event.detailType() + " for " + name + ", which is not linked");
        }
        if (!event.detailType().equals(LinkEvents.DOMAIN_LINKED)) {
            return;
        }
        String linkId = link.get().id();
        String request = messages.get(messageId).message.body();
        boolean madeByThisRequest = request.equals(linkRequest.get(linkId));
        // documented: a link made by someone else while the request's attempt had no answer cannot be told from its own
        Instant window = attemptWindows.get(request + " " + name);
        boolean withinItsAttempt = window != null && !link.get().createdAt().toInstant().isAfter(window.plusSeconds(30));
        if (!madeByThisRequest && !withinItsAttempt) {
            throw violation("Domain Linked for " + name + " by " + messageId + ", whose request did not make that link nor"
                    + " attempt it while it was made; the link was made by " + linkMadeBy.getOrDefault(linkId, "seeding"));
        }
        Set<String> ids = linkedIds.computeIfAbsent(linkId, k -> new HashSet<>());
        ids.add(event.eventId());
        if (ids.size() > 1) {
            throw violation("the link " + linkId + " of " + name + " announced as linked under two ids: " + ids);
        }
        String named = linkOfId.putIfAbsent(event.eventId(), linkId);
        if (named != null && !named.equals(linkId)) {
            throw violation("one Domain Linked id " + event.eventId() + " names two links: " + named + " and " + linkId);
        }
    }

    /** Per Canonical Domain Changed id: the request whose change it announces. */
    private final Map<String, String> requestOfCanonicalId = new HashMap<>();
    private final Map<String, String> canonicalIdOfRequest = new HashMap<>();

    @SuppressWarnings("unchecked")
    private void checkCanonicalEvent(DomainEvent event) {
        String requestId = (String) ((Map<String, Object>) event.detail().get("correlation")).get("requestId");
        String before = requestOfCanonicalId.putIfAbsent(event.eventId(), requestId);
        String idBefore = canonicalIdOfRequest.putIfAbsent(requestId, event.eventId());
        if ((before != null && !before.equals(requestId)) || (idBefore != null && !idBefore.equals(event.eventId()))) {
            throw violation("Canonical Domain Changed ids and changes do not match one to one: id " + event.eventId()
                    + " for " + requestId + " (before: " + before + ", " + idBefore + ")");
        }
        Object current = event.detail().get("current");
        Made change = made.get(requestId);
        if (change == null && !(unknownOutcome.contains(requestId) && Objects.equals(asked.get(requestId), current))) {
            // only a request whose outcome it could not know, and whose asked state Scalingo shows, may be told made
            throw violation("Canonical Domain Changed for " + requestId + ", which changed nothing: " + event.detail());
        }
        if (change != null && !Objects.equals(change.current(), current)) {
            throw violation("Canonical Domain Changed for " + requestId + " says " + current + ", it made " + change.current());
        }
        announcedRequests.add(requestId);
        unannounced.remove(requestId);
    }

    /** Once the faults stopped and the queue drained: every link made by a message is announced, every change too. */
    private void checkEnd() {
        for (Domain domain : world.scalingo.listDomainsByHand(APP)) {
            String by = linkMadeBy.get(domain.id());
            if (by == null || !by.startsWith("m:")) {
                continue;
            }
            tally.checks++;
            if (linkedIds.getOrDefault(domain.id(), Set.of()).isEmpty()) {
                throw violation("the link of " + domain.name() + " made by " + by + " was never announced as linked");
            }
        }
        for (Made change : unannounced.values()) {
            tally.checks++;
            throw violation("set-canonical's change " + change + " was never announced");
        }
    }

    private Violation violation(String what) {
        return new Violation(seed, what, trace);
    }

    private void log(String line) {
        trace.add(world.clock.instant() + " " + line);
    }
}
