package io.domainautomation.simulation;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.cleanup.Tombstone;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;

/**
 * link-on-signup's offboarding ({@code "action": "unlink"}) through seeded histories with faults: unlink messages
 * (duplicated, redelivered, for names linked, canonical, gone, linked again by hand, of an unknown app), Scalingo
 * failing before or after applying (lost replies), the tombstones' ledger failing or timing out before or after
 * writing, EventBridge refusing, the process killed between any two calls, short deadlines. Invariants, checked at
 * every call and after every step:
 * <ul>
 * <li>an unlink is applied only while the tombstone of that very link (its Scalingo id) is on record;</li>
 * <li>a tombstone is removed only while the link it names is still there (never on an unknown);</li>
 * <li>every {@code Domain Removed} names an unlink that happened, under an id no other removal has; once the faults
 * stop and the queue is drained, every unlink is announced and every message has ended;</li>
 * <li>a message of an unknown app ends rejected, one whose link was made within 30 s of it too (which came first
 * cannot be told); nothing but an unlink message removes a link here, and never a link made after the message was sent
 * or within 30 s before it (a late delivery of an old request);</li>
 * <li>no delivery runs past its deadline, every call included.</li>
 * </ul>
 * Replay: {@code ./mvnw -pl src/functions -am test -Dtest=OffboardingSimulationTest -Dsimulation.seed=N}.
 */
public final class OffboardingSimulation {

    /** Counts of one history, added up over many. */
    public static final class Tally {
        public long histories;
        public long deliveries;
        public long unlinks;
        public long checks;
        public final Map<String, Long> faults = new TreeMap<>();
        public final Map<String, Long> outcomes = new TreeMap<>();

        void add(Tally other) {
            histories += other.histories;
            deliveries += other.deliveries;
            unlinks += other.unlinks;
            checks += other.checks;
            other.faults.forEach((k, v) -> faults.merge(k, v, Long::sum));
            other.outcomes.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
        }
    }

    /** An invariant broken: the seed and the history's log replay it. */
    public static final class Violation extends AssertionError {
        Violation(long seed, String what, List<String> log) {
            super("seed " + seed + ": " + what + "\n  " + String.join("\n  ", log));
        }
    }

    /** The process ended where it stood (a kill, out of memory, the Lambda timeout). */
    private static final class Killed extends Error {
        Killed(String where) {
            super("killed " + where, null, false, false);
        }
    }

    private static final String APP = "shop";
    private static final List<String> NAMES = List.of("www.acme.example", "acme.example", "shop.acme.example");
    private static final Duration ONE_AWS_CALL = SignupWorld.ONE_AWS_CALL;

    private final long seed;
    private final Random random;
    private final SignupWorld world = new SignupWorld(Instant.parse("2026-06-01T08:00:00Z"));
    private final Tally tally = new Tally();
    private final List<String> log = new ArrayList<>();
    private final List<Message> queue = new ArrayList<>();
    /** The link ids unlinked by offboarding, by the event id their announcement must carry. */
    private final Map<String, String> removals = new HashMap<>();
    private boolean faultsOn = true;
    private boolean inDelivery;
    private Message delivering;
    private long deadlineNanos = Long.MAX_VALUE;
    private Map<String, Tombstone> beforeRemove = Map.of();
    private int next;

    private record Message(String id, String body, boolean ghost, Instant sentAt) {
    }

    private final Map<String, SignupLinking.Kind> ended = new HashMap<>();

    private OffboardingSimulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public static Tally run(long seed) {
        OffboardingSimulation simulation = new OffboardingSimulation(seed);
        simulation.history();
        simulation.tally.histories = 1;
        return simulation.tally;
    }

    public static Tally run(long firstSeed, int histories) {
        Tally total = new Tally();
        for (long seed = firstSeed; seed < firstSeed + histories; seed++) {
            total.add(run(seed));
        }
        return total;
    }

    private void history() {
        world.scalingo.addApp(APP);
        world.scalingo.addApp("other");
        for (String name : NAMES) {
            if (random.nextBoolean()) {
                linkByHand(name, random.nextInt(3) == 0);
            }
        }
        installObservers();
        installFaults();
        int steps = 10 + random.nextInt(20);
        for (int step = 0; step < steps; step++) {
            switch (random.nextInt(8)) {
                case 0, 1 -> newMessage();
                case 2, 3, 4 -> deliverAny();
                case 5 -> redeliverEnded();
                case 6 -> byHand();
                default -> world.clock.advance(Duration.ofSeconds(1 + random.nextInt(600)));
            }
            checkEvents();
        }
        faultsOn = false;
        for (int round = 0; round < 3; round++) {
            for (Message message : new ArrayList<>(queue)) {
                if (!ended.containsKey(message.id())) {
                    deliver(message);
                }
            }
        }
        checkEnd();
    }

    // ------------------------------------------------------------------ steps

    private void newMessage() {
        boolean ghost = random.nextInt(10) == 0;
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String body = "{\"action\":\"unlink\",\"app\":\"" + (ghost ? "ghost" : APP) + "\",\"domain\":\"" + name + "\""
                + (random.nextBoolean() ? ",\"requestId\":\"off-" + random.nextInt(3) + "\"" : "") + "}";
        Message message = new Message("m" + next++, body, ghost, world.clock.instant());
        queue.add(message);
        log("message " + message.id() + " " + body);
        if (random.nextInt(4) == 0) {
            count("duplicate-message");
            Message copy = new Message("m" + next++, body, ghost, world.clock.instant());
            queue.add(copy);
            log("message " + copy.id() + " (a copy)");
        }
    }

    private void deliverAny() {
        List<Message> waiting = queue.stream().filter(m -> !ended.containsKey(m.id())).toList();
        if (!waiting.isEmpty()) {
            deliver(waiting.get(random.nextInt(waiting.size())));
        }
    }

    private void redeliverEnded() {
        List<Message> done = queue.stream().filter(m -> ended.containsKey(m.id())).toList();
        if (!done.isEmpty()) {
            count("duplicate-delivery");
            deliver(done.get(random.nextInt(done.size())));
        }
    }

    private void deliver(Message message) {
        tally.deliveries++;
        Duration left = faultsOn && random.nextInt(10) == 0 ? Duration.ofSeconds(3 + random.nextInt(40)) : Duration.ofSeconds(299);
        if (left.getSeconds() < 299) {
            count("short-deadline");
        }
        Deadline deadline = world.clock.deadlineIn(left);
        deadlineNanos = deadline.nanoTime();
        log("deliver " + message.id() + " (" + left.getSeconds() + " s)");
        inDelivery = true;
        delivering = message;
        SignupLinking.Outcome outcome;
        try {
            outcome = world.deliver(message.id(), message.sentAt(), message.body(), deadline);
        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            ended.remove(message.id()); // this receipt was never acknowledged: SQS delivers the message again
            return;
        } finally {
            inDelivery = false;
            checkDeadline(message);
        }
        log("  -> " + outcome.kind().label() + ": " + outcome.reason());
        tally.outcomes.merge(outcome.kind().label(), 1L, Long::sum);
        if (message.ghost() && outcome.kind() != SignupLinking.Kind.REJECTED && outcome.kind() != SignupLinking.Kind.RETRY) {
            throw violation("message " + message.id() + " of an unknown app ended " + outcome.kind().label());
        }
        if (!message.ghost() && outcome.kind() == SignupLinking.Kind.REJECTED
                && !outcome.reason().contains("which came first cannot be told")) {
            throw violation("message " + message.id() + " was rejected: " + outcome.reason());
        }
        if (outcome.kind() == SignupLinking.Kind.RETRY) {
            ended.remove(message.id()); // back on the queue, whatever an earlier receipt of it ended as
        } else {
            ended.putIfAbsent(message.id(), outcome.kind());
        }
    }

    private void byHand() {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        if (world.scalingo.holder(name).isEmpty()) {
            linkByHand(name, random.nextInt(3) == 0);
        } else if (random.nextInt(4) == 0 && world.scalingo.domain(APP, name).isPresent()) {
            // another app cannot take a name shop holds; shop's canonical moves by hand
            world.scalingo.change(APP, name, d -> canonical(d, !d.isCanonical()));
            log("by hand: canonical flipped on " + name);
        }
    }

    private void linkByHand(String name, boolean canonical) {
        Domain linked = world.scalingo.seedDomain(APP, name, OffsetDateTime.ofInstant(world.clock.instant(), ZoneOffset.UTC));
        if (canonical) {
            world.scalingo.change(APP, name, d -> canonical(d, true));
        }
        log("by hand: linked " + name + " (" + linked.id() + ")" + (canonical ? ", canonical" : ""));
    }

    private static Domain canonical(Domain d, boolean canonical) {
        return new Domain(d.id(), d.appId(), d.name(), d.createdAt(), d.tlscert(), d.tlskey(), d.ssl(), d.sslStatus(),
                d.validity(), canonical, d.letsencryptEnabled(), d.letsencrypt(), d.letsencryptStatus(), null, null, null, null);
    }

    // ------------------------------------------------------------------ invariants

    private void installObservers() {
        world.scalingo.observe((operation, app, domain) -> {
            tally.checks++;
            if (!operation.equals("unlinkDomain")) {
                return;
            }
            if (!inDelivery) {
                throw violation("an unlink outside a delivery");
            }
            Tombstone tombstone = world.tombstones.tombstones().get(app.name() + " " + domain.name());
            if (tombstone == null || !domain.id().equals(tombstone.domainId()) || !tombstone.offboarding()) {
                throw violation("unlink of " + domain.name() + " (" + domain.id() + ") without its tombstone: " + tombstone);
            }
            if (domain.createdAt() != null && domain.createdAt().toInstant().isAfter(delivering.sentAt().minusSeconds(30))) {
                throw violation("message " + delivering.id() + ", sent at " + delivering.sentAt() + ", unlinked "
                        + domain.name() + " (" + domain.id() + ") linked after it, at " + domain.createdAt());
            }
            tally.unlinks++;
            String eventId = DomainEvent.stableId("removed", app.name(), domain.name(), Tombstone.OFFBOARDING + domain.id());
            if (removals.put(eventId, domain.id()) != null) {
                throw violation("link " + domain.id() + " unlinked twice");
            }
            log("  unlinked " + domain.name() + " (" + domain.id() + ")");
        });
    }

    /** A removed tombstone names a link still there: its removal known not to have happened. */
    private void checkRemovedTombstones() {
        Map<String, Tombstone> now = world.tombstones.tombstones();
        for (Map.Entry<String, Tombstone> before : beforeRemove.entrySet()) {
            tally.checks++;
            if (!now.containsKey(before.getKey())) {
                Tombstone gone = before.getValue();
                if (world.scalingo.domainWithId(APP, gone.domainId()).isEmpty()) {
                    throw violation("the tombstone of " + gone.domain() + " (" + gone.domainId() + ") was removed, and that"
                            + " link is gone: the only record of its removal");
                }
            }
        }
    }

    private void checkEvents() {
        for (DomainEvent event : world.events.published()) {
            tally.checks++;
            if (event.detailType().equals("Domain Rejected") && ("ghost".equals(event.detail().get("app"))
                    || String.valueOf(event.detail().get("reason")).contains("which came first cannot be told"))) {
                continue; // a message of an unknown app, or one whose link is as old as it: rejected, nothing unlinked
            }
            if (!event.detailType().equals("Domain Removed")) {
                throw violation("an event of another kind: " + event.detailType() + " " + event.detail());
            }
            if (!removals.containsKey(event.eventId())) {
                throw violation("Domain Removed " + event.eventId() + " names no unlink that happened: " + event.detail());
            }
            if (!"offboarding".equals(event.detail().get("reason"))) {
                throw violation("Domain Removed without reason offboarding: " + event.detail());
            }
        }
    }

    private void checkEnd() {
        checkEvents();
        Set<String> announced = new HashSet<>();
        world.events.published().forEach(e -> announced.add(e.eventId()));
        for (Map.Entry<String, String> removal : removals.entrySet()) {
            tally.checks++;
            if (!announced.contains(removal.getKey())) {
                throw violation("the unlink of link " + removal.getValue() + " was never announced");
            }
        }
        for (Message message : queue) {
            tally.checks++;
            if (!ended.containsKey(message.id())) {
                throw violation("message " + message.id() + " never ended once the faults stopped");
            }
        }
    }

    private void checkDeadline(Message message) {
        tally.checks++;
        if (world.clock.nanoTime() > deadlineNanos) {
            throw violation("delivery of " + message.id() + " ran " + Duration.ofNanos(world.clock.nanoTime() - deadlineNanos)
                    .toMillis() + " ms past its deadline");
        }
        deadlineNanos = Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------ faults

    private void installFaults() {
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                spend(Duration.ofMillis(5 + random.nextInt(50)), true);
                if (!faultsOn || random.nextInt(6) != 0) {
                    return;
                }
                switch (random.nextInt(4)) {
                    case 0 -> kill("before " + call);
                    case 1 -> {
                        count("scalingo-5xx");
                        throw ScalingoException.reply(503, "service unavailable");
                    }
                    case 2 -> {
                        count("scalingo-timeout");
                        spend(Duration.ofSeconds(6), true); // the client's reads and retries, within the deadline
                        throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
                    }
                    default -> {
                        count("scalingo-slow");
                        spend(Duration.ofSeconds(2 + random.nextInt(6)), true);
                    }
                }
            }

            @Override
            public void after(String call) {
                if (!faultsOn || random.nextInt(6) != 0) {
                    return;
                }
                if (random.nextBoolean()) {
                    kill("after " + call);
                }
                count("scalingo-lost-reply");
                throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
            }
        });
        world.tombstones.faults(new Faults() {
            @Override
            public void before(String call) {
                if (call.equals("ledger.removeTombstone")) {
                    beforeRemove = world.tombstones.tombstones();
                }
                Duration roundTrip = Duration.ofMillis(3 + random.nextInt(20));
                spend(roundTrip, false);
                if (!faultsOn || random.nextInt(6) != 0) {
                    return;
                }
                switch (random.nextInt(3)) {
                    case 0 -> kill("before " + call);
                    case 1 -> {
                        count("ledger-timeout");
                        spend(ONE_AWS_CALL.minus(roundTrip), false); // AWS_API_CALL_TIMEOUT, the round trip included
                        throw new LedgerUnavailable("ledger: " + call + ": ApiCallTimeoutException", true, null);
                    }
                    default -> {
                        count("ledger-error");
                        throw new LedgerUnavailable("ledger: " + call + ": ThrottlingException", true, null);
                    }
                }
            }

            @Override
            public void after(String call) {
                if (call.equals("ledger.removeTombstone")) {
                    checkRemovedTombstones();
                }
                if (!faultsOn || random.nextInt(8) != 0) {
                    return;
                }
                if (random.nextBoolean()) {
                    kill("after " + call);
                }
                count("ledger-lost-reply");
                throw new LedgerUnavailable("ledger: " + call + ": reply lost", true, null);
            }
        });
        world.events.rejecting(event -> faultsOn && random.nextInt(5) == 0 && count("events-refused"));
        world.events.faults(new Faults() {
            @Override
            public void before(String call) {
                spend(Duration.ofMillis(5 + random.nextInt(30)), true);
                if (faultsOn && random.nextInt(12) == 0) {
                    kill("before " + call);
                }
            }

            @Override
            public void after(String call) {
                if (faultsOn && random.nextInt(12) == 0) {
                    kill("after " + call);
                }
            }
        });
    }

    private void kill(String where) {
        count("kill");
        throw new Killed(where);
    }

    /** A fault that costs time: at most what is left before the deadline for a call that keeps to it. */
    private void spend(Duration cost, boolean keepsToTheDeadline) {
        long left = deadlineNanos - world.clock.nanoTime();
        world.clock.advance(Duration.ofNanos(keepsToTheDeadline ? Math.max(0, Math.min(cost.toNanos(), left)) : cost.toNanos()));
    }

    private boolean count(String fault) {
        tally.faults.merge(fault, 1L, Long::sum);
        return true;
    }

    private Violation violation(String what) {
        return new Violation(seed, what, log);
    }

    private void log(String line) {
        log.add(line);
    }
}
