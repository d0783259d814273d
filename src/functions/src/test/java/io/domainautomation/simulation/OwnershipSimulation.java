package io.domainautomation.simulation;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.RecordingRechecks;
import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.events.RejectionCodes;
import io.domainautomation.logic.ownership.ProofRecord;
import io.domainautomation.logic.ownership.Rechecks;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;

/**
 * link-on-signup's proof of ownership ({@code OWNERSHIP_PROOF=txt}) through seeded histories with faults: signups for
 * names by their owner's app and by an intruder's, sent again, delivered twice, redelivered after a failure; the
 * delayed re-checks the function sends, delivered when due (or late, or twice); the owner setting and removing the
 * TXT record or a CNAME to the app's host, the resolver failing; offboardings; the proofs' ledger failing before or
 * after writing (lost replies), the re-check's send failing or its reply lost, EventBridge refusing, Scalingo failing,
 * the process killed between any two calls, short deadlines, the clock jumping past the window. Invariants, checked at
 * every call and after every step:
 * <ul>
 * <li>a name is linked to an app only when its proof is on record, written when DNS held the TXT record with that
 * app's own token or a CNAME to that app's host: the intruder, whose token the owner never sets, never gets a name;</li>
 * <li>every {@code Domain Verification Required} gives the token on record for its app and name;</li>
 * <li>a request is rejected {@code ownership-not-proven} only after its window's end, and only when DNS held no proof
 * at that look;</li>
 * <li>once the faults stop and every message due has been delivered (the clock moved past every window): every
 * request has ended (linked, rejected, withdrawn) and no re-check is left: none is stranded, none loops;</li>
 * <li>no delivery runs past its deadline, every call included.</li>
 * </ul>
 * Replay: {@code ./mvnw -pl src/functions -am test -Dtest=OwnershipSimulationTest -Dsimulation.seed=N}.
 */
public final class OwnershipSimulation {

    /** Counts of one history, added up over many. */
    public static final class Tally {
        public long histories;
        public long deliveries;
        public long links;
        public long checks;
        public final Map<String, Long> faults = new TreeMap<>();
        public final Map<String, Long> outcomes = new TreeMap<>();

        void add(Tally other) {
            histories += other.histories;
            deliveries += other.deliveries;
            links += other.links;
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

    /** The process ended where it stood (a kill, the Lambda timeout). */
    private static final class Killed extends Error {
        Killed(String where) {
            super("killed " + where, null, false, false);
        }
    }

    private static final String OWNER = "shop";
    private static final String INTRUDER = "intruder";
    private static final List<String> NAMES = List.of("www.acme.example", "acme.example");
    /** OWNERSHIP_PROOF_TIMEOUT, short so a history reaches the window's end in a few dozen re-checks. */
    private static final Duration WINDOW = Duration.ofHours(2);
    /** The onboarding queue's visibility timeout: a message failed or killed comes back after it. */
    private static final Duration VISIBILITY = Duration.ofSeconds(1800);

    private final long seed;
    private final Random random;
    private final SignupWorld world;
    private final Tally tally = new Tally();
    private final List<String> log = new ArrayList<>();
    private final List<Message> queue = new ArrayList<>();
    /** Every message ever queued. */
    private final List<Message> queueHistory = new ArrayList<>();
    private final Map<String, String> appIds = new HashMap<>();
    /** What the owner's DNS holds: TXT values by record name, CNAME targets by name. */
    private final Map<String, String> txt = new HashMap<>();
    private final Map<String, String> cname = new HashMap<>();
    private boolean faultsOn = true;
    private long deadlineNanos = Long.MAX_VALUE;
    private int next;

    /** A message on the onboarding queue: due (visible) from {@code dueAt}; a re-check carries its id. */
    private static final class Message {
        final String id;
        final String body;
        final String app;
        final String domain;
        final Optional<String> recheckId;
        final Instant sentAt;
        Instant dueAt;

        Message(String id, String body, String app, String domain, Optional<String> recheckId, Instant sentAt, Instant dueAt) {
            this.id = id;
            this.body = body;
            this.app = app;
            this.domain = domain;
            this.recheckId = recheckId;
            this.sentAt = sentAt;
            this.dueAt = dueAt;
        }
    }

    private OwnershipSimulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.world = new SignupWorld(Instant.parse("2026-07-01T08:00:00Z"), SignupWorld.Ports.MODELS, true, WINDOW, seed);
    }

    public static Tally run(long seed) {
        OwnershipSimulation simulation = new OwnershipSimulation(seed);
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
        appIds.put(OWNER, world.scalingo.addApp(OWNER).id());
        appIds.put(INTRUDER, world.scalingo.addApp(INTRUDER).id());
        world.dns.address(host(OWNER), "203.0.113.10").address(host(INTRUDER), "203.0.113.10");
        installObservers();
        installFaults();
        int steps = 10 + random.nextInt(25);
        for (int step = 0; step < steps; step++) {
            switch (random.nextInt(10)) {
                case 0, 1 -> signup(random.nextInt(5) == 0 ? INTRUDER : OWNER);
                case 2, 3, 4 -> deliverAny();
                case 5 -> ownerChangesDns();
                case 6 -> offboard();
                case 7 -> redeliverAny();
                default -> world.clock.advance(Duration.ofSeconds(1 + random.nextInt(random.nextInt(6) == 0 ? 10_000 : 600)));
            }
            checkEvents();
        }
        faultsOn = false;
        if (random.nextBoolean()) {
            log("end: the owner proves every name it asked for");
            for (String name : NAMES) {
                world.proofs.stored(appIds.get(OWNER), name).ifPresent(proof -> setTxt(name, proof.token()));
            }
        }
        drain();
        checkEnd();
    }

    // ------------------------------------------------------------------ steps

    private void signup(String app) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String body = "{\"app\":\"" + app + "\",\"domain\":\"" + name + "\"" + (random.nextBoolean() ? ",\"requestId\":\"r-"
                + app + "-" + name + "\"" : "") + "}";
        enqueue(body, app, name, Optional.empty(), world.clock.instant());
        if (random.nextInt(4) == 0) {
            count("duplicate-message");
            enqueue(body, app, name, Optional.empty(), world.clock.instant());
        }
    }

    private void offboard() {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        enqueue("{\"action\":\"unlink\",\"app\":\"" + OWNER + "\",\"domain\":\"" + name + "\"}", OWNER, name, Optional.empty(),
                world.clock.instant());
    }

    private Message enqueue(String body, String app, String name, Optional<String> recheck, Instant dueAt) {
        Message message = new Message("m" + next++, body, app, name, recheck, world.clock.instant(), dueAt);
        queue.add(message);
        queueHistory.add(message);
        log("queued " + message.id + " " + body + recheck.map(r -> " (re-check " + r + ", due " + dueAt + ")").orElse(""));
        return message;
    }

    private void deliverAny() {
        List<Message> due = queue.stream().filter(m -> !m.dueAt.isAfter(world.clock.instant())).toList();
        if (!due.isEmpty()) {
            deliver(due.get(random.nextInt(due.size())));
        }
    }

    /**
     * SQS's at-least-once: a copy of a queued message delivered besides it (the original stays on the queue, and is
     * delivered when due whatever the copy came to).
     */
    private void redeliverAny() {
        if (!queue.isEmpty() && random.nextInt(3) == 0) {
            count("duplicate-delivery");
            Message original = queue.get(random.nextInt(queue.size()));
            deliver(new Message(original.id, original.body, original.app, original.domain, original.recheckId, original.sentAt,
                    original.dueAt));
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
        // the re-check that carries the request on, as on record when this delivery starts
        Optional<String> carrying = world.proofs.stored(appIds.get(message.app), message.domain).flatMap(ProofRecord::recheck);
        log("deliver " + message.id + " (" + left.getSeconds() + " s) at " + world.clock.instant());
        SignupLinking.Outcome outcome;
        try {
            outcome = message.recheckId.isPresent()
                    ? world.recheck(message.id, message.recheckId.get(), message.sentAt, message.body, deadline)
                    : world.deliver(message.id, message.sentAt, message.body, deadline);
        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            message.dueAt = world.clock.instant().plus(VISIBILITY);
            takeRechecks();
            return;
        } finally {
            checkDeadline(message);
        }
        log("  -> " + outcome.kind().label() + ": " + outcome.reason());
        tally.outcomes.merge(outcome.kind().label(), 1L, Long::sum);
        if (message.recheckId.isPresent() && !message.recheckId.equals(carrying) && !world.rechecks.sent().isEmpty()) {
            throw violation("re-check " + message.recheckId.get() + ", superseded by " + carrying + ", sent another: the chains"
                    + " multiply");
        }
        if (outcome.kind() == SignupLinking.Kind.DROPPED && !world.rechecks.sent().isEmpty()) {
            throw violation("a dropped delivery sent a re-check: a superseded chain lives on");
        }
        takeRechecks();
        if (outcome.kind() == SignupLinking.Kind.RETRY) {
            message.dueAt = world.clock.instant().plus(VISIBILITY);
        } else {
            queue.remove(message);
        }
        if (outcome.kind() == SignupLinking.Kind.REJECTED) {
            checkRejection(message, outcome);
        }
    }

    /** The re-checks the delivery sent: on the queue, due after their delay. */
    private void takeRechecks() {
        List<RecordingRechecks.Sent> sentNow = world.rechecks.take();
        if (sentNow.size() > 1) {
            throw violation("one delivery sent " + sentNow.size() + " re-checks: the chains multiply");
        }
        for (RecordingRechecks.Sent sent : sentNow) {
            if (sent.delay().isNegative() || sent.delay().compareTo(Duration.ofMinutes(15)) > 0) {
                throw violation("a re-check delayed " + sent.delay() + ": SQS takes 0 to 15 minutes");
            }
            String app = sent.body().contains("\"" + INTRUDER + "\"") ? INTRUDER : OWNER;
            String name = NAMES.stream().filter(n -> sent.body().contains("\"" + n + "\"")).findFirst().orElseThrow();
            enqueue(sent.body(), app, name, Optional.of(sent.recheckId()), world.clock.instant().plus(sent.delay()));
        }
    }

    private void ownerChangesDns() {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        switch (random.nextInt(5)) {
            case 0, 1 -> {
                Optional<ProofRecord> proof = world.proofs.stored(appIds.get(OWNER), name);
                if (proof.isPresent()) {
                    setTxt(name, proof.get().token()); // learnt from Domain Verification Required
                } else {
                    setTxt(name, "0123456789abcdef0123456789abcdef"); // a guess, which proves nothing
                }
            }
            case 2 -> {
                txt.remove("_domain-verification." + name);
                world.dns.txt("_domain-verification." + name);
                log("dns: TXT of " + name + " removed");
            }
            case 3 -> {
                if (!name.equals("acme.example")) { // an apex has no CNAME
                    cname.put(name, host(OWNER));
                    world.dns.cname(name, host(OWNER));
                    log("dns: " + name + " CNAME " + host(OWNER));
                }
            }
            default -> {
                cname.remove(name);
                world.dns.remove(name);
                log("dns: " + name + " has no record");
            }
        }
    }

    private void setTxt(String name, String token) {
        String value = "scalingo-domain-automation=" + token;
        txt.put("_domain-verification." + name, value);
        world.dns.txt("_domain-verification." + name, value);
        log("dns: TXT _domain-verification." + name + " " + value);
    }

    /** Deliver every message as it comes due, faults off, until none is left (a bounded number of rounds). */
    private void drain() {
        for (int round = 0; round < 5_000 && !queue.isEmpty(); round++) {
            Message first = queue.stream().min(Comparator.comparing((Message m) -> m.dueAt)).orElseThrow();
            if (first.dueAt.isAfter(world.clock.instant())) {
                world.clock.advance(Duration.between(world.clock.instant(), first.dueAt));
            }
            deliver(first);
        }
        if (!queue.isEmpty()) {
            throw violation("messages still on the queue after 5,000 deliveries without faults: a request loops");
        }
    }

    // ------------------------------------------------------------------ invariants

    private void installObservers() {
        world.scalingo.observe((operation, app, domain) -> {
            tally.checks++;
            if (!operation.equals("linkDomain")) {
                return;
            }
            if (app.name().equals(INTRUDER)) {
                throw violation("the intruder linked " + domain.name() + ", which it never proved");
            }
            Optional<ProofRecord> proof = world.proofs.stored(app.id(), domain.name());
            if (proof.isEmpty() || proof.get().state() != ProofRecord.State.PROVEN) {
                throw violation("linked " + domain.name() + " to " + app.name() + " without a proof on record: " + proof);
            }
            tally.links++;
            log("  linked " + domain.name() + " (" + domain.id() + ")");
        });
    }

    /** When a proof is written: DNS holds that app's token or a CNAME to its host, as the look saw it. */
    private void checkProvenWrite() {
        for (String app : List.of(OWNER, INTRUDER)) {
            for (String name : NAMES) {
                Optional<ProofRecord> proof = world.proofs.stored(appIds.get(app), name);
                if (proof.isEmpty() || proof.get().state() != ProofRecord.State.PROVEN
                        || !proof.get().provenAt().orElseThrow().equals(world.clock.instant())) {
                    continue;
                }
                tally.checks++;
                boolean byTxt = ("scalingo-domain-automation=" + proof.get().token()).equals(txt.get("_domain-verification." + name));
                boolean byCname = host(app).equals(cname.get(name));
                if (!byTxt && !byCname) {
                    throw violation(name + " recorded proven for " + app + " by " + proof.get().provenBy()
                            + " while DNS held neither its token nor a CNAME to its host");
                }
            }
        }
    }

    private void checkEvents() {
        for (DomainEvent event : world.events.published()) {
            tally.checks++;
            if (!event.detailType().equals(LinkEvents.VERIFICATION_REQUIRED)) {
                continue;
            }
            String app = (String) event.detail().get("app");
            String name = (String) event.detail().get("domain");
            @SuppressWarnings("unchecked")
            Map<String, Object> verification = (Map<String, Object>) event.detail().get("verification");
            ProofRecord proof = world.proofs.stored(appIds.get(app), name).orElseThrow(
                    () -> violation("Domain Verification Required for " + name + " of " + app + " with no proof on record"));
            if (!verification.get("value").equals("scalingo-domain-automation=" + proof.token())) {
                throw violation("Domain Verification Required gives " + verification.get("value") + ", the record "
                        + proof.token());
            }
        }
    }

    private void checkRejection(Message message, SignupLinking.Outcome outcome) {
        tally.checks++;
        if (outcome.reason().contains("which came first cannot be told")) {
            // an offboarding whose link is as old as it (OffboardingSimulation's), or a signup sent within 30 s of an
            // offboarding of its name: rejected for a person to redrive, nothing linked or unlinked
            boolean nearAnOffboarding = queueHistory.stream().anyMatch(other -> other.domain.equals(message.domain)
                    && other.body.contains("\"action\":\"unlink\"")
                    && Duration.between(other.sentAt, message.sentAt).abs().compareTo(Duration.ofSeconds(30)) <= 0);
            if (message.body.contains("\"action\":\"unlink\"") || nearAnOffboarding) {
                return;
            }
            throw violation("message " + message.id + " rejected as ambiguous with no offboarding within 30 s of it");
        }
        if (!outcome.reason().startsWith(RejectionCodes.OWNERSHIP_NOT_PROVEN)) {
            throw violation("message " + message.id + " rejected: " + outcome.reason());
        }
        ProofRecord proof = world.proofs.stored(appIds.get(message.app), message.domain).orElseThrow();
        if (!world.clock.instant().isAfter(proof.windowEnds())) {
            throw violation("rejected before the window's end " + proof.windowEnds());
        }
        boolean proofInDns = ("scalingo-domain-automation=" + proof.token()).equals(txt.get("_domain-verification." + message.domain))
                || host(message.app).equals(cname.get(message.domain));
        if (proofInDns) {
            throw violation("rejected " + message.domain + " of " + message.app + " while DNS held its proof");
        }
    }

    private void checkEnd() {
        checkEvents();
        for (String app : List.of(OWNER, INTRUDER)) {
            for (String name : NAMES) {
                Optional<ProofRecord> proof = world.proofs.stored(appIds.get(app), name);
                if (proof.isEmpty()) {
                    continue;
                }
                tally.checks++;
                ProofRecord record = proof.get();
                boolean ended = switch (record.state()) {
                    case WITHDRAWN -> true;
                    case PROVEN -> world.scalingo.domain(app, name).isPresent() || offboarded(name);
                    case PENDING -> record.isExpired(world.clock.instant()) && rejected(app, name);
                };
                if (!ended) {
                    throw violation("the request for " + name + " of " + app + " never ended once the faults stopped: " + record
                            + "; linked: " + world.scalingo.domain(app, name).isPresent());
                }
            }
        }
    }

    /** An offboarding message for the name was delivered (a proven name may have been unlinked by it since). */
    private boolean offboarded(String name) {
        return log.stream().anyMatch(line -> line.contains("\"action\":\"unlink\"") && line.contains("\"" + name + "\""));
    }

    private boolean rejected(String app, String name) {
        return world.events.published().stream().anyMatch(e -> e.detailType().equals(LinkEvents.DOMAIN_REJECTED)
                && app.equals(e.detail().get("app")) && name.equals(e.detail().get("domain"))
                && RejectionCodes.OWNERSHIP_NOT_PROVEN.equals(e.detail().get("code")));
    }

    private void checkDeadline(Message message) {
        tally.checks++;
        if (world.clock.nanoTime() > deadlineNanos) {
            throw violation("delivery of " + message.id + " ran " + Duration.ofNanos(world.clock.nanoTime() - deadlineNanos)
                    .toMillis() + " ms past its deadline");
        }
        deadlineNanos = Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------ faults

    private void installFaults() {
        world.scalingo.faults(new Faults() {
            @Override
            public void before(String call) {
                spend(Duration.ofMillis(5 + random.nextInt(50)));
                if (!faultsOn || random.nextInt(8) != 0) {
                    return;
                }
                if (random.nextBoolean()) {
                    kill("before " + call);
                }
                count("scalingo-5xx");
                throw ScalingoException.reply(503, "service unavailable");
            }

            @Override
            public void after(String call) {
                if (!faultsOn || random.nextInt(8) != 0) {
                    return;
                }
                count("scalingo-lost-reply");
                throw ScalingoException.transport(call, new SocketTimeoutException("Read timed out"));
            }
        });
        world.proofs.faults(new Faults() {
            @Override
            public void before(String call) {
                Duration roundTrip = Duration.ofMillis(3 + random.nextInt(20));
                spend(roundTrip);
                if (!faultsOn || random.nextInt(6) != 0) {
                    return;
                }
                switch (random.nextInt(3)) {
                    case 0 -> kill("before " + call);
                    case 1 -> {
                        count("ledger-timeout");
                        spend(SignupWorld.ONE_AWS_CALL.minus(roundTrip));
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
                checkProvenWrite();
                if (!faultsOn || random.nextInt(6) != 0) {
                    return;
                }
                if (random.nextBoolean()) {
                    kill("after " + call);
                }
                count("ledger-lost-reply");
                throw new LedgerUnavailable("ledger: " + call + ": reply lost", true, null);
            }
        });
        world.rechecks.faults(new Faults() {
            @Override
            public void before(String call) {
                spend(Duration.ofMillis(3 + random.nextInt(20)));
                if (faultsOn && random.nextInt(8) == 0) {
                    count("recheck-refused");
                    throw new Rechecks.Unsent("the onboarding queue refused the re-check: InternalError");
                }
            }

            @Override
            public void after(String call) {
                if (faultsOn && random.nextInt(8) == 0) {
                    if (random.nextBoolean()) {
                        kill("after " + call);
                    }
                    count("recheck-lost-reply");
                    throw new Rechecks.Unsent("the onboarding queue's reply was lost");
                }
            }
        });
        world.dns.faults(new Faults() {
            @Override
            public void before(String call) {
                spend(Duration.ofMillis(1 + random.nextInt(30)));
                if (faultsOn && random.nextInt(8) == 0) {
                    count("dns-failure");
                    throw new ScriptedDns.LookupFailed();
                }
            }
        });
        world.dns.onTimeout(() -> spend(ScriptedDns.TIMEOUT));
        world.events.rejecting(event -> faultsOn && random.nextInt(6) == 0 && count("events-refused"));
    }

    private void spend(Duration duration) {
        world.clock.advance(duration);
    }

    private void kill(String where) {
        count("kill");
        throw new Killed(where);
    }

    private boolean count(String what) {
        tally.faults.merge(what, 1L, Long::sum);
        log("  fault: " + what);
        return true;
    }

    private static String host(String app) {
        return app + ".osc-fr1.scalingo.io";
    }

    private void log(String line) {
        log.add(line);
    }

    private Violation violation(String what) {
        return new Violation(seed, what, log);
    }
}
