package io.domainautomation.simulation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import io.domainautomation.fakes.Faults;
import io.domainautomation.fakes.RecordingDeadLetters;
import io.domainautomation.fakes.SignupWorld;
import io.domainautomation.logic.CanonicalDomains;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.events.CanonicalEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.ServiceFailure;
import io.domainautomation.testsupport.TestCertificates;

/**
 * link-on-signup and set-canonical on one platform, driven by one seed as {@link CleanupSimulation} drives
 * cleanup-stale: onboarding messages (the app named by its name or its ID, unknown apps, names another app holds,
 * names that are not hostnames, some with a {@code tlsSecretId}: by name or ARN, a certificate secret of the app
 * tagged by its name in any case or its ID, another app's, an untagged one, a missing one, one whose certificate
 * does not cover the domain or expires too soon), sent twice by the onboarding system, delivered again by SQS (after
 * a failure, and at least once after success), out of order; canonical changes asked over HTTP (set, set with link,
 * removed) and retried by their callers, racing with messages asking for a canonical domain and with changes by hand
 * (a domain unlinked, another made canonical, a secret deleted or put back); faults at every port call (Scalingo 5xx,
 * 429, timeouts, replies lost after the change was applied; the ledger failing before and after a write; Secrets
 * Manager failing or timing out; EventBridge refusing entries; the dead-letter queue refusing; the process killed
 * between any two calls).
 * <p>
 * One step in ten runs two or three invocations at once, each in its own container (its own app cache): a message's
 * two copies, a message delivered again while its first delivery runs, two set-canonical callers, a message asking
 * for a canonical domain and a PUT, two requests for one name. They run on threads, one at a time, and may switch
 * before and after every port call, as the seed says ({@link Interleaver}): a history is still a function of its
 * seed. What the invariants keep of the invocation running now (who acts, its deadline) is saved and restored at each
 * switch; the clock is shared.
 * <p>
 * Invariants, checked after every step and at the end:
 * <ul>
 * <li>every message ends linked, already linked, or rejected with its reason (kept in the dead-letter queue), or
 * is back on the queue; once the faults stop, every message ends; a message is rejected only for what it asks
 * (an unknown app, a name another app holds, a name that is not a hostname, a {@code tlsSecretId} that is not a
 * certificate secret of the app covering the domain: then for field {@code tlsSecretId}); a delivery that met a
 * Secrets Manager failure comes back;</li>
 * <li>a message with a good {@code tlsSecretId} that ends linked leaves its domain carrying that certificate
 * (unless another invocation changed it meanwhile); no event, dead-letter reason or outcome holds a private key;</li>
 * <li>a message links its domain at most once (again only after the link was removed by hand);</li>
 * <li>every {@code Domain Linked} names a link a message asked for, one id per link; once the faults stop, every
 * link made by a message and still there was announced as linked (unless its secret was deleted by hand before its
 * announcement: the next delivery is then rejected for it); the app is named by its name in every event
 * and the DNS instructions point at its host, whatever the message's spelling;</li>
 * <li>every {@code Canonical Domain Changed} names a change its request made (or may have made: its outcome
 * unknown, or another invocation at once changing the canonical domain while it ran, and Scalingo showing the state
 * it asked), under its request's id; once the faults stop, every change of set-canonical is announced, unless
 * someone else changed the canonical domain before it could be told made;</li>
 * <li>no invocation runs past its deadline, every call included (not counting the time it waited for its turn).</li>
 * </ul>
 * Replay: {@code ./mvnw -pl src/functions -am test -Dtest=LinkingSimulationTest -Dsimulation.seed=N}.
 */
public final class LinkingSimulation {

    public enum Fault {
        SCALINGO_5XX, SCALINGO_429, SCALINGO_TIMEOUT, SCALINGO_SLOW, SCALINGO_LOST_REPLY, LEDGER_ERROR, LEDGER_TIMEOUT, LEDGER_LOST_REPLY,
        LEDGER_DENIED, SECRETS_TRANSIENT, SECRETS_TIMEOUT, EVENTS_PARTIAL_FAILURE, EVENTS_TIMEOUT, DEAD_LETTER_REFUSED, KILL,
        DUPLICATE_DELIVERY, DUPLICATE_MESSAGE, REDRIVE, SHORT_DEADLINE
    }

    /** What runs at once in a concurrent step, each invocation in its own container. */
    public enum Race {
        /** the onboarding system's two copies of one request (one body, two message ids) */
        DUPLICATES,
        /** a message delivered again while its first delivery still runs (its visibility timeout lapsed) */
        REDELIVERED_WHILE_RUNNING,
        /** two set-canonical callers */
        CANONICAL_CALLERS,
        /** a message asking for a canonical domain, and a PUT */
        CANONICAL_MESSAGE_AND_PUT,
        /** two messages of different requests for one name */
        ONE_NAME_TWO_REQUESTS
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
        /** Deliveries of messages with a {@code tlsSecretId}. */
        public long secretDeliveries;
        /** Links checked to carry their message's certificate. */
        public long certificatesCarried;
        /** Messages whose certificate was not put on a domain that carried another (left as it was). */
        public long certificatesLeft;
        /** Messages rejected for their {@code tlsSecretId}. */
        public long secretRejections;
        public long concurrentSteps;
        /** Switches from one concurrent invocation to another. */
        public long switches;
        public final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
        public final Map<Race, Long> races = new EnumMap<>(Race.class);

        public void add(Tally other) {
            histories += other.histories;
            deliveries += other.deliveries;
            requests += other.requests;
            links += other.links;
            canonicalChanges += other.canonicalChanges;
            checks += other.checks;
            portCalls += other.portCalls;
            secretDeliveries += other.secretDeliveries;
            certificatesCarried += other.certificatesCarried;
            certificatesLeft += other.certificatesLeft;
            secretRejections += other.secretRejections;
            concurrentSteps += other.concurrentSteps;
            switches += other.switches;
            other.faults.forEach((k, v) -> faults.merge(k, v, Long::sum));
            other.races.forEach((k, v) -> races.merge(k, v, Long::sum));
        }
    }

    /** One history's trace and published events: what two runs of one seed must share. */
    record Replay(List<String> trace, List<DomainEvent> events, Tally tally) {
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
    private static final int CONTAINERS = 3;

    /**
     * A certificate of the pool: its PEMs, which of {@link #NAMES} it covers (by its SANs, written out here), whether
     * it lasts past the 7 days' minimum, and what Scalingo reports of it (subject, expiry); the key's secret part.
     */
    private record PoolCertificate(String certificatePem, String keyPem, List<String> covers, boolean lasting, String subject,
            Instant notAfter, byte[] der, List<String> keyChunks) {
    }

    /** Made once: EC certificates for some of the names, one expiring within the minimum. */
    private static final List<PoolCertificate> POOL = List.of(
            pooled(0, List.of("acme.example", "www.acme.example"), List.of("acme.example", "www.acme.example"), 90),
            pooled(1, List.of("*.acme.example"), List.of("www.acme.example"), 180),
            pooled(2, List.of("shop.beta.example"), List.of("shop.beta.example"), 90),
            pooled(3, List.of("app.gamma.example", "www.acme.example"), List.of("app.gamma.example", "www.acme.example"), 90),
            pooled(4, List.of(TAKEN, "www.acme.example"), List.of(TAKEN, "www.acme.example"), 90),
            pooled(5, List.of("app.gamma.example"), List.of("app.gamma.example"), 3));

    private static PoolCertificate pooled(int index, List<String> sans, List<String> covers, int days) {
        var keys = TestCertificates.ec("secp256r1");
        var issued = TestCertificates.selfSigned(keys, "CN=" + sans.get(0) + ",O=pool " + index, sans,
                START.minus(Duration.ofDays(1)), Duration.ofDays(days));
        String keyPem = TestCertificates.pkcs8(keys.getPrivate());
        String body = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        // PKCS#8 of a P-256 key: 36 bytes of header, then the 32 secret bytes (base64 characters 48 to 90); each chunk
        // within one 64-character PEM line, so found whatever the line breaks around it
        List<String> chunks = List.of(body.substring(48, 64), body.substring(64, 88));
        try {
            return new PoolCertificate(issued.certificatePem(), keyPem, covers, days > 7, "/CN=" + sans.get(0) + "/O=pool " + index,
                    issued.certificate().getNotAfter().toInstant(), issued.certificate().getEncoded(), chunks);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The secrets a message may name; the last is never put. */
    private static final List<String> SECRET_NAMES = List.of("certs/acme", "certs/acme-wildcard", "certs/beta", "certs/gamma",
            "certs/untagged", "certs/rival", "certs/gone");

    /** A certificate secret as put: which certificate, tagged for which app (null: untagged). */
    private record SecretModel(String name, String arn, int certificate, String appTag, String domainsTag) {
    }

    /** An onboarding message: what it asks ({@code tlsSecretId} as sent, and the secret's name; null: none). */
    private record Message(String id, String body, String app, String domain, boolean canonical, String tlsSecretId,
            String secretName) {
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

    /** A change of a domain's certificate applied by Scalingo: its order, by which invocation (0: by hand), to what. */
    private record CertificateChange(long order, int invocation, String tlscert) {
    }

    /** The invocation running now, as an actor of a concurrent step leaves it when another takes its turn. */
    private record Turn(String actor, long deadlineNanos, long stalledNanos, int invocation, long startedAt,
            boolean secretsFailed, String container, long parkedAt) {
    }

    private final long seed;
    private final Random random;
    private final SignupWorld world;
    private final java.util.function.Consumer<SignupWorld> beforeHistory;
    private final Tally tally = new Tally();
    private final List<String> trace = new ArrayList<>();
    private final Interleaver interleaver;
    /** Lambda's containers: each its own cores (its own app cache) on the world's ports. */
    private final List<SignupWorld.Container> containers = new ArrayList<>();
    private String appId;
    private double faultRate;
    private boolean faultsOn = true;
    private int next;

    private final Map<String, Queued> messages = new LinkedHashMap<>();
    private final Map<String, SecretModel> secrets = new LinkedHashMap<>();
    private final Set<String> secretsPresent = new LinkedHashSet<>();

    // ----- the invocation running now: saved and restored at each switch of a concurrent step (Turn)
    /** Who is acting on Scalingo now: "m:<id>" (a delivery), "r:<id>" (a request), or "hand". */
    private String actor = "hand";
    /** The deadline of the invocation running now, on the simulation's ticker. */
    private long deadlineNanos = Long.MAX_VALUE;
    /** How long the invocation running now waited for its turn while others ran (their calls took that time). */
    private long stalledNanos;
    /** The invocation running now (a serial, 0: none) and how many changes Scalingo had applied when it started. */
    private int invocation;
    private long startedAt;
    /** Whether Secrets Manager failed a call of the delivery running now. */
    private boolean secretsFailed;
    private String container = "-";
    /** Whether a concurrent step runs: its lines in the trace name their container. */
    private boolean concurrently;
    private int invocations;

    /** Each link (Scalingo domain id) and the message whose delivery made it ("hand" or "r:..." otherwise). */
    private final Map<String, String> linkMadeBy = new HashMap<>();
    /** Per message: the links its deliveries made (domain ids). */
    private final Map<String, List<String>> linksOfMessage = new HashMap<>();
    /** Per domain name: how many times it was unlinked by hand. */
    private final Map<String, Integer> unlinks = new HashMap<>();
    /** Per link: the Domain Linked ids published for it. */
    private final Map<String, Set<String>> linkedIds = new HashMap<>();
    /** Changes Scalingo applied so far; per link, its certificate now and each change of it. */
    private long changes;
    private final Map<String, String> certificateOf = new HashMap<>();
    private final Map<String, List<CertificateChange>> certificateChanges = new HashMap<>();
    private int eventsSeen;
    private int deadLettersSeen;
    private int traceSeen;
    /** Changes of set-canonical applied, by request; those not announced yet, and whether another actor changed since. */
    private final Map<String, Made> made = new LinkedHashMap<>();
    private final Map<String, Made> unannounced = new LinkedHashMap<>();
    /** Requests whose outcome their caller could not know (killed, no reply, a transient failure after recording). */
    private final Set<String> unknownOutcome = new HashSet<>();
    private final Set<String> announcedRequests = new HashSet<>();
    /** Per canonical request: the canonical domain it asks for (null: none), and whether its record was written. */
    private final Map<String, String> asked = new HashMap<>();
    private final Set<String> recordWritten = new HashSet<>();
    /** The canonical requests running now (more than one in a concurrent step). */
    private final Set<String> runningRequests = new HashSet<>();
    /**
     * Requests during which another invocation at once (a message asking for a canonical domain, another caller)
     * changed the canonical domain. Such a request may be told made with the state it asked for: it ran on both sides
     * of that change, and taking effect just before it (its write then a no-op, or refused: the name linked meanwhile)
     * or just after it, it answers and announces what it would have alone. Seen: a DELETE listing the canonical
     * domain, a message making another canonical, the DELETE's write (a no-op) announcing "none".
     */
    private final Set<String> changedWhileRunning = new HashSet<>();
    /**
     * Per request (a message's body: its duplicates and redrives are the same request) and name: when the latest
     * invocation that recorded an attempt to link it, or sent a POST for it, ends (a link made by then may be its).
     */
    private final Map<String, Instant> attemptWindows = new HashMap<>();
    /** Per link: the request whose POST made it. */
    private final Map<String, String> linkRequest = new HashMap<>();
    /** Per Domain Linked id: the link it names. */
    private final Map<String, String> linkOfId = new HashMap<>();
    /** The canonical domain last seen, to tell who changed it. */
    private String lastCanonical;

    private LinkingSimulation(long seed, SignupWorld.Ports ports, java.util.function.Consumer<SignupWorld> beforeHistory) {
        this.seed = seed;
        this.random = new Random(seed);
        this.world = new SignupWorld(START, ports);
        this.beforeHistory = beforeHistory;
        this.interleaver = new Interleaver(random, new Interleaver.Context() {
            @Override
            public Object save() {
                return new Turn(actor, deadlineNanos, stalledNanos, invocation, startedAt, secretsFailed, container,
                        world.clock.nanoTime());
            }

            @Override
            public void restore(Object saved) {
                Turn turn = (Turn) saved;
                actor = turn.actor();
                deadlineNanos = turn.deadlineNanos();
                stalledNanos = turn.stalledNanos() + (world.clock.nanoTime() - turn.parkedAt());
                invocation = turn.invocation();
                startedAt = turn.startedAt();
                secretsFailed = turn.secretsFailed();
                container = turn.container();
            }

            @Override
            public void switched(String to) {
                trace.add(world.clock.instant() + "   ~ " + to);
            }
        }, "linksim-" + seed);
        SignupWorld.Gate gate = new SignupWorld.Gate() {
            @Override
            public <T> T wrap(Class<T> type, T port) {
                // a switch may come before and after each port call, outside the in-memory port's lock (an actor waiting
                // for its turn inside it would hold every other actor out of that port)
                return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
                    interleaver.yieldPoint();
                    try {
                        return method.invoke(port, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        interleaver.yieldPoint();
                    }
                }));
            }
        };
        for (int i = 0; i < CONTAINERS; i++) {
            containers.add(world.container(gate));
        }
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
        try (Interleaver threads = simulation.interleaver) {
            simulation.history();
        }
        simulation.tally.histories = 1;
        return simulation.tally;
    }

    /** One history on the models, with what it traced and published. */
    static Replay replay(long seed) {
        LinkingSimulation simulation = new LinkingSimulation(seed, SignupWorld.Ports.MODELS, world -> {
        });
        try (Interleaver threads = simulation.interleaver) {
            simulation.history();
        }
        simulation.tally.histories = 1;
        return new Replay(List.copyOf(simulation.trace), simulation.world.events.published(), simulation.tally);
    }

    // ------------------------------------------------------------------ the history

    private void history() {
        beforeHistory.accept(world);
        faultRate = random.nextInt(4) == 0 ? 0 : 0.02 + random.nextDouble() * 0.15;
        App shop = world.scalingo.addApp(APP);
        appId = shop.id();
        App rival = world.scalingo.addApp("rival");
        world.scalingo.seedDomain("rival", TAKEN, OffsetDateTime.ofInstant(START.minus(Duration.ofDays(9)), ZoneOffset.UTC));
        putSecrets(rival.id());
        installFaults();
        int steps = 20 + random.nextInt(50);
        for (int step = 0; step < steps; step++) {
            world.clock.advance(Duration.ofSeconds(1 + random.nextInt(120)));
            if (random.nextInt(10) == 0) {
                concurrentStep();
                checkEvents();
                continue;
            }
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
                case 8, 9 -> canonicalRequest(anyContainer());
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
        tally.switches = interleaver.switches();
    }

    /**
     * The certificate secrets: the app's (tagged by its name, in any case, or its ID), one whose certificate expires
     * within the minimum, an untagged one, the rival app's; some declaring their domains.
     */
    private void putSecrets(String rivalId) {
        secret("certs/acme", 0, shopTag(), null);
        secret("certs/acme-wildcard", 1, shopTag(), chance(0.5) ? "www.acme.example" : null);
        secret("certs/beta", 2, shopTag(), chance(0.5) ? "shop.beta.example" : null);
        secret("certs/gamma", 5, shopTag(), null);
        secret("certs/untagged", 3, null, null);
        secret("certs/rival", 4, random.nextBoolean() ? "rival" : rivalId, chance(0.5) ? TAKEN + " www.acme.example" : null);
    }

    private String shopTag() {
        return switch (random.nextInt(4)) {
            case 0 -> APP;
            case 1 -> "SHOP";
            case 2 -> "Shop";
            default -> appId;
        };
    }

    private void secret(String name, int certificate, String appTag, String domainsTag) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (appTag != null) {
            tags.put(CertificateStore.APP_TAG, appTag);
        }
        if (domainsTag != null) {
            tags.put(CertificateStore.DOMAINS_TAG, domainsTag);
        }
        PoolCertificate pooled = POOL.get(certificate);
        String arn = world.secrets.put(name, pooled.certificatePem(), pooled.keyPem(), tags);
        secrets.put(name, new SecretModel(name, arn, certificate, appTag, domainsTag));
        secretsPresent.add(name);
        log("secret " + name + ": certificate " + certificate + " for " + pooled.covers() + ", tags " + tags);
    }

    /**
     * A new message, a random one (with a {@code tlsSecretId} now and then, most often for a name its certificate
     * covers), for {@code domain} when given, asking a canonical domain as {@code canonical} says when given.
     */
    private Message compose(String domain, Boolean canonical) {
        String secretName = null;
        String secretId = null;
        if (chance(0.35)) {
            secretName = SECRET_NAMES.get(random.nextInt(SECRET_NAMES.size()));
            SecretModel secret = secrets.get(secretName);
            secretId = secret != null && random.nextBoolean() ? secret.arn() : secretName;
            if (domain == null && secret != null && chance(0.6)) {
                List<String> covered = POOL.get(secret.certificate()).covers();
                domain = covered.get(random.nextInt(covered.size()));
            }
        }
        if (domain == null) {
            domain = NAMES.get(random.nextInt(NAMES.size()));
        }
        int spelling = random.nextInt(10);
        String app = spelling < 5 ? APP : spelling < 9 ? appId : "ghost";
        boolean asksCanonical = canonical != null ? canonical : random.nextInt(4) == 0;
        String body = "{\"app\":\"" + app + "\",\"domain\":\"" + domain + "\"" + (asksCanonical ? ",\"canonical\":true" : "")
                + (secretId != null ? ",\"tlsSecretId\":\"" + secretId + "\"" : "") + "}";
        return new Message("m" + next++, body, app, domain, asksCanonical, secretId, secretName);
    }

    /** The same request again: a new message id, the same body. */
    private Message copyOf(Message original) {
        return new Message("m" + next++, original.body(), original.app(), original.domain(), original.canonical(),
                original.tlsSecretId(), original.secretName());
    }

    private void newMessage() {
        if (!messages.isEmpty() && chance(0.15)) {
            // the onboarding system sends the same request twice: a new message, the same body
            List<Queued> all = new ArrayList<>(messages.values());
            Message original = all.get(random.nextInt(all.size())).message;
            count(Fault.DUPLICATE_MESSAGE);
            enqueue(copyOf(original));
            return;
        }
        enqueue(compose(null, null));
    }

    private Queued enqueue(Message message) {
        Queued queued = new Queued(message, world.clock.instant());
        messages.put(message.id(), queued);
        log("message " + message.id() + ": " + message.body());
        return queued;
    }

    private int anyContainer() {
        return random.nextInt(containers.size());
    }

    private void deliverOne() {
        List<Queued> visible = messages.values().stream()
                .filter(q -> q.done == null && !q.visibleAt.isAfter(world.clock.instant())).toList();
        if (visible.isEmpty()) {
            return;
        }
        deliver(visible.get(random.nextInt(visible.size())), anyContainer());
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
        enqueue(copyOf(original));
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
        deliver(again, anyContainer()); // a delivery like any other: when it fails, the message is back on the queue
    }

    /** An invocation starts (in {@code container}): what the invariants keep of it. */
    private void begin(String who, int in) {
        actor = who;
        container = "c" + in;
        invocation = ++invocations;
        startedAt = changes;
        stalledNanos = 0;
        secretsFailed = false;
    }

    private void deliver(Queued queued, int in) {
        Message message = queued.message;
        tally.deliveries++;
        if (message.tlsSecretId() != null) {
            tally.secretDeliveries++;
        }
        begin("m:" + message.id(), in);
        log("deliver " + message.id());
        SignupLinking.Outcome outcome;
        // late in a batch of concurrent records, a record may start with little of the invocation's time left
        Duration left = faultsOn && chance(0.1) ? Duration.ofSeconds(3 + random.nextInt(30)) : Duration.ofSeconds(299);
        if (left.getSeconds() < 299) {
            count(Fault.SHORT_DEADLINE);
        }
        io.domainautomation.logic.port.Deadline deadline = world.clock.deadlineIn(left);
        deadlineNanos = deadline.nanoTime();
        boolean goodSecret = message.tlsSecretId() != null && goodSecret(message); // no secret changes during a delivery
        try {
            outcome = containers.get(in).deliver(message.id(), message.body(), deadline);
        } catch (Killed killed) {
            log("  -> " + killed.getMessage());
            queued.visibleAt = world.clock.instant().plus(Duration.ofMinutes(30)); // the visibility timeout
            return;
        } finally {
            actor = "hand";
            checkDeadline("delivery of " + message.id());
        }
        log("  -> " + outcome.kind().label() + ": " + outcome.reason());
        tally.checks++;
        if (secretsFailed && outcome.kind() != SignupLinking.Kind.RETRY) {
            throw violation("message " + message.id() + " met a transient Secrets Manager failure and ended "
                    + outcome.kind().label() + ", not back on the queue");
        }
        if (outcome.kind() == SignupLinking.Kind.RETRY) {
            queued.visibleAt = world.clock.instant().plus(Duration.ofMinutes(30));
            return;
        }
        queued.done = outcome.kind();
        checkOutcome(message, outcome, goodSecret);
    }

    /** Faults off: every message still on the queue is delivered until it ends. */
    private void drain() {
        for (int round = 0; round < 3; round++) {
            for (Queued queued : new ArrayList<>(messages.values())) {
                if (queued.done == null) {
                    world.clock.advance(Duration.ofSeconds(5));
                    deliver(queued, anyContainer());
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

    private void canonicalRequest(int in) {
        Optional<Domain> current = canonicalNow();
        List<String> linked = world.scalingo.domainNames(APP);
        int kind = random.nextInt(5);
        String requestId = "r" + next++;
        String name = kind == 4 || linked.isEmpty() ? NAMES.get(random.nextInt(NAMES.size() - 1))
                : linked.get(random.nextInt(linked.size()));
        boolean delete = kind == 0 && current.isPresent();
        boolean link = kind >= 3;
        request(requestId, delete, name, link, in);
    }

    /** One HTTP request to set-canonical; a caller who got no answer, or a 5xx, may try again (a new request). */
    private void request(String requestId, boolean delete, String name, boolean link, int in) {
        tally.requests++;
        begin("r:" + requestId, in);
        asked.put(requestId, delete ? null : name);
        String app = random.nextBoolean() ? APP : appId;
        log("request " + requestId + ": " + (delete ? "DELETE" : "PUT " + name + (link ? " link" : "")) + " on " + app);
        boolean retry = false;
        io.domainautomation.logic.port.Deadline deadline = world.requestDeadline();
        deadlineNanos = deadline.nanoTime();
        CanonicalDomains canonical = containers.get(in).canonical;
        runningRequests.add(requestId);
        try {
            CanonicalDomains.Change change = delete
                    ? canonical.unset(app, "alice", requestId, deadline)
                    : canonical.set(app, Hostname.parse("domain", name), link, "alice", requestId, deadline);
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
            runningRequests.remove(requestId);
            actor = "hand";
            checkDeadline("request " + requestId);
        }
        if (retry && chance(0.7)) {
            world.clock.advance(Duration.ofSeconds(1 + random.nextInt(10)));
            request("r" + next++, delete, name, link, in);
        }
    }

    /** Faults off: one more request on the app (a no-op) settles what an earlier one could not announce. */
    private void settleCanonical() {
        Optional<Domain> current = canonicalNow();
        request("r" + next++, current.isEmpty(), current.map(Domain::name).orElse(null), false, anyContainer());
    }

    private void byHand() {
        if (chance(0.2)) {
            // a certificate secret deleted, or put back
            SecretModel secret = new ArrayList<>(secrets.values()).get(random.nextInt(secrets.size()));
            if (secretsPresent.remove(secret.name())) {
                log("someone deletes the secret " + secret.name());
                world.secrets.delete(secret.name());
            } else {
                log("someone puts the secret " + secret.name() + " back");
                secret(secret.name(), secret.certificate(), secret.appTag(), secret.domainsTag());
            }
            return;
        }
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

    // ------------------------------------------------------------------ invocations at once

    /**
     * Two (sometimes three) invocations at once, each in its own container, interleaved at every port call as the seed
     * says; the invariants are those of invocations one at a time.
     */
    private void concurrentStep() {
        Race race = Race.values()[random.nextInt(Race.values().length)];
        int first = random.nextInt(containers.size());
        List<String> labels = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        switch (race) {
            case DUPLICATES -> {
                Queued original = enqueue(compose(null, null));
                Queued copy = enqueue(copyOf(original.message));
                addDelivery(labels, bodies, original, first);
                addDelivery(labels, bodies, copy, first);
            }
            case REDELIVERED_WHILE_RUNNING -> {
                List<Queued> waiting = messages.values().stream().filter(q -> q.done == null).toList();
                Queued again = waiting.isEmpty() ? enqueue(compose(null, null)) : waiting.get(random.nextInt(waiting.size()));
                log("SQS delivers " + again.message.id() + " again while its delivery runs");
                addDelivery(labels, bodies, again, first);
                addDelivery(labels, bodies, again, first);
            }
            case CANONICAL_CALLERS -> {
                addRequest(labels, bodies, first);
                addRequest(labels, bodies, first);
            }
            case CANONICAL_MESSAGE_AND_PUT -> {
                Queued message = enqueue(compose(null, true));
                String name = message.message.domain().contains("..") || chance(0.3)
                        ? NAMES.get(random.nextInt(NAMES.size() - 1)) : message.message.domain();
                boolean link = random.nextBoolean();
                addDelivery(labels, bodies, message, first);
                int in = (first + labels.size()) % containers.size();
                labels.add("c" + in + " PUT");
                bodies.add(() -> request("r" + next++, false, name, link, in));
            }
            case ONE_NAME_TWO_REQUESTS -> {
                Queued one = enqueue(compose(null, null));
                Queued other = enqueue(compose(one.message.domain(), null));
                addDelivery(labels, bodies, one, first);
                addDelivery(labels, bodies, other, first);
            }
        }
        if (chance(0.25)) {
            List<Queued> waiting = messages.values().stream().filter(q -> q.done == null).toList();
            if (waiting.isEmpty() || random.nextBoolean()) {
                addRequest(labels, bodies, first);
            } else {
                addDelivery(labels, bodies, waiting.get(random.nextInt(waiting.size())), first);
            }
        }
        tally.concurrentSteps++;
        tally.races.merge(race, 1L, Long::sum);
        log("at once (" + race.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + labels);
        concurrently = true;
        try {
            interleaver.run(labels, bodies);
        } catch (Interleaver.Failed failed) {
            if (failed.getCause() instanceof Violation violation) {
                throw violation;
            }
            Violation violation = violation(failed.getMessage());
            violation.initCause(failed.getCause());
            throw violation;
        } finally {
            concurrently = false;
        }
    }

    /** The next actor of a concurrent step: a delivery, in the next container. */
    private void addDelivery(List<String> labels, List<Runnable> bodies, Queued queued, int first) {
        int in = (first + labels.size()) % containers.size();
        labels.add("c" + in + " " + queued.message.id());
        bodies.add(() -> deliver(queued, in));
    }

    private void addRequest(List<String> labels, List<Runnable> bodies, int first) {
        int in = (first + labels.size()) % containers.size();
        labels.add("c" + in + " request");
        bodies.add(() -> canonicalRequest(in));
    }

    // ------------------------------------------------------------------ bookkeeping

    /** The secret a message names is a certificate secret of the app whose certificate is good for its domain. */
    private boolean goodSecret(Message message) {
        SecretModel secret = secrets.get(message.secretName());
        if (secret == null || !secretsPresent.contains(secret.name()) || secret.appTag() == null) {
            return false;
        }
        if (message.tlsSecretId().startsWith("arn:") && !message.tlsSecretId().equals(secret.arn())) {
            return false; // the ARN of the secret as it was: deleted and put back since, it has another (as in AWS)
        }
        String tag = secret.appTag().trim();
        PoolCertificate certificate = POOL.get(secret.certificate());
        return (tag.equalsIgnoreCase(APP) || tag.equals(appId)) && certificate.lasting()
                && certificate.covers().contains(message.domain());
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

    /**
     * The delivering request's attempt on its name: a link made before its invocation ends may be its. Of two
     * invocations of one request at once, the one ending last sets the window.
     */
    private void noteAttempt() {
        Message message = messages.get(actor.substring(2)).message;
        Instant end = world.clock.instant().plusNanos(Math.max(0, deadlineNanos - world.clock.nanoTime()));
        attemptWindows.merge(message.body() + " " + message.domain(), end, (a, b) -> a.isAfter(b) ? a : b);
    }

    /**
     * No invocation runs past its deadline, every call included. The time an invocation of a concurrent step waited
     * while the others ran (their calls' time on the one clock) is not its own: in Lambda, containers run side by side.
     */
    private void checkDeadline(String what) {
        tally.checks++;
        long used = world.clock.nanoTime() - stalledNanos;
        if (used > deadlineNanos) {
            throw violation(what + " ran " + Duration.ofNanos(used - deadlineNanos).toMillis() + " ms past its deadline"
                    + (stalledNanos > 0 ? " (not counting " + Duration.ofNanos(stalledNanos).toMillis() + " ms waiting)" : ""));
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
                if (call.startsWith("secrets.")) {
                    // "secrets.describe", "secrets.read <name>": as the adapter classes them, transient
                    secretsFailed = true;
                    String action = "Secrets Manager " + (call.startsWith("secrets.read") ? "GetSecretValue" : "DescribeSecret");
                    if (random.nextBoolean()) {
                        count(Fault.SECRETS_TIMEOUT);
                        spend(sdkTimeout, false); // AWS_API_CALL_TIMEOUT: the SDK's own bound
                        throw new ServiceFailure(action, "ApiCallTimeoutException", ServiceFailure.Kind.TRANSIENT, null);
                    }
                    count(Fault.SECRETS_TRANSIENT);
                    throw new ServiceFailure(action, random.nextBoolean() ? "ThrottlingException" : "InternalServiceError",
                            ServiceFailure.Kind.TRANSIENT, null);
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
        world.secrets.faults(faults);
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
        changes++;
        if (!operation.equals("unlinkDomain")) {
            String before = certificateOf.put(domain.id(), domain.tlscert());
            if (!Objects.equals(before, domain.tlscert())) {
                certificateChanges.computeIfAbsent(domain.id(), k -> new ArrayList<>())
                        .add(new CertificateChange(changes, invocation, domain.tlscert()));
            }
        }
        if (operation.equals("linkDomain")) {
            tally.links++;
            linkMadeBy.put(domain.id(), actor);
            log("  linked " + domain.name() + " (" + domain.id() + ") by " + actor
                    + (domain.tlscert() != null ? " with " + domain.tlscert() : ""));
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
        if (!Objects.equals(before, lastCanonical)) {
            // a message changes the canonical domain without the ledger, and a request's PATCH may land on a state
            // another request's change moved meanwhile (both documented in set-canonical.md, "Limits"; seed 57005)
            for (String running : runningRequests) {
                if (!actor.equals("r:" + running)) {
                    changedWhileRunning.add(running);
                }
            }
        }
        if (!actor.startsWith("r:") || operation.equals("unlinkDomain")) {
            return;
        }
        String requestId = actor.substring(2);
        boolean moved = !Objects.equals(before, lastCanonical);
        // A write that leaves the state its request asked for is its change even when the canonical domain did not move:
        // an invocation at once (a message asking for that canonical domain, another caller) got there between this
        // request's list and its write. Both asked for that state; the one whose write came last made it too.
        if (moved || Objects.equals(asked.get(requestId), lastCanonical)) {
            Made change = new Made(requestId, lastCanonical);
            if (moved) {
                tally.canonicalChanges++;
            }
            made.put(requestId, change);
            unannounced.put(requestId, change);
        }
    }

    // ------------------------------------------------------------------ invariants

    /** A message ends as what it asks allows. */
    private void checkOutcome(Message message, SignupLinking.Outcome outcome, boolean goodSecret) {
        tally.checks++;
        boolean badName = message.domain().contains("..");
        boolean unknownApp = message.app().equals("ghost");
        boolean badSecret = message.tlsSecretId() != null && !goodSecret;
        boolean invalid = unknownApp || message.domain().equals(TAKEN) || badName || badSecret;
        if (outcome.kind() == SignupLinking.Kind.REJECTED) {
            if (!invalid) {
                throw violation("message " + message.id() + " rejected: " + outcome.reason());
            }
            List<RecordingDeadLetters.Kept> kept = world.deadLetters.kept().stream()
                    .filter(k -> k.sourceMessageId().equals(message.id()) && k.reason() != null && !k.reason().isBlank()).toList();
            if (kept.isEmpty()) {
                throw violation("message " + message.id() + " rejected without being kept with its reason");
            }
            String field = kept.get(kept.size() - 1).field();
            if (badSecret && !badName && !unknownApp && !"tlsSecretId".equals(field)) {
                throw violation("message " + message.id() + " with the tlsSecretId " + message.tlsSecretId() + " of another"
                        + " app, or not for its domain, rejected for field " + field + ": " + outcome.reason());
            }
            if (!badSecret && "tlsSecretId".equals(field)) {
                throw violation("message " + message.id() + " rejected for a tlsSecretId it " + (message.tlsSecretId() == null
                        ? "does not carry" : "may use (" + message.tlsSecretId() + ")") + ": " + outcome.reason());
            }
            if ("tlsSecretId".equals(field)) {
                tally.secretRejections++;
            }
            return;
        }
        if (invalid) {
            throw violation("message " + message.id() + " asking the impossible ended " + outcome.kind());
        }
        if (!world.scalingo.domainNames(APP).contains(message.domain())) {
            throw violation("message " + message.id() + " ended " + outcome.kind() + " with " + message.domain() + " not linked");
        }
        if (goodSecret) {
            checkCertificate(message, outcome);
        }
    }

    /**
     * A message with a good {@code tlsSecretId} ended linked: its domain carries the secret's certificate as Scalingo
     * reports it (subject, expiry) and as it was uploaded, unless another invocation changed it while this one ran,
     * after the domain carried it, or the domain carried another custom certificate, which this invocation left as it
     * was (documented: messages never take a certificate from each other).
     */
    private void checkCertificate(Message message, SignupLinking.Outcome outcome) {
        tally.checks++;
        PoolCertificate wanted = POOL.get(secrets.get(message.secretName()).certificate());
        Domain link = world.scalingo.domain(APP, message.domain()).orElseThrow();
        Optional<String> uploaded = world.scalingo.uploadedCertificate(APP, message.domain());
        boolean carries = wanted.subject().equals(link.tlscert()) && link.validity() != null
                && link.validity().toInstant().equals(wanted.notAfter())
                && uploaded.map(pem -> Arrays.equals(firstCertificate(pem), wanted.der())).orElse(false);
        if (carries) {
            tally.certificatesCarried++;
            return;
        }
        List<CertificateChange> changed = certificateChanges.getOrDefault(link.id(), List.of());
        int carried = -1;
        for (int i = 0; i < changed.size(); i++) {
            if (wanted.subject().equals(changed.get(i).tlscert())) {
                carried = i;
            }
        }
        if (carried >= 0 && carried + 1 < changed.size()) {
            CertificateChange replaced = changed.get(carried + 1);
            if (replaced.invocation() != invocation && replaced.order() > startedAt) {
                return; // another invocation at once put its own certificate on after this one's
            }
        }
        if (link.hasCustomCertificate() && changed.stream().noneMatch(c -> c.invocation() == invocation)) {
            // documented: a domain carrying a custom certificate keeps it; this invocation put none on (an earlier
            // delivery's may have been, then replaced by another message's racing it, before either carried one)
            tally.certificatesLeft++;
            return;
        }
        throw violation("message " + message.id() + " with the tlsSecretId " + message.tlsSecretId() + " ended "
                + outcome.kind().label() + ", and " + message.domain() + " carries " + link.tlscert() + " (uploaded: "
                + uploaded.isPresent() + "), not " + wanted.subject() + " (its certificate changes: " + changed + ")");
    }

    /** The DER of the first certificate of a PEM text. */
    private static byte[] firstCertificate(String pem) {
        int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int end = pem.indexOf("-----END CERTIFICATE-----", begin);
        if (begin < 0 || end < 0) {
            return new byte[0];
        }
        return Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN CERTIFICATE-----".length(), end)
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether a text holds the secret part of a certificate's private key. */
    private static boolean holdsAKey(String text) {
        if (text == null) {
            return false;
        }
        for (PoolCertificate pooled : POOL) {
            for (String chunk : pooled.keyChunks()) {
                if (text.contains(chunk)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void checkEvents() {
        List<DomainEvent> published = world.events.published();
        for (int i = eventsSeen; i < published.size(); i++) {
            DomainEvent event = published.get(i);
            tally.checks++;
            Map<String, Object> detail = event.detail();
            if (holdsAKey(String.valueOf(detail))) {
                throw violation(event.detailType() + " " + event.eventId() + " holds a private key");
            }
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
        List<RecordingDeadLetters.Kept> kept = world.deadLetters.kept();
        for (int i = deadLettersSeen; i < kept.size(); i++) {
            tally.checks++;
            if (holdsAKey(kept.get(i).reason())) {
                throw violation("the dead letter of " + kept.get(i).sourceMessageId() + " holds a private key in its reason");
            }
        }
        deadLettersSeen = kept.size();
        // the trace holds every outcome's reason, which the function logs
        for (int i = traceSeen; i < trace.size(); i++) {
            if (holdsAKey(trace.get(i))) {
                throw violation("a private key in the trace: " + trace.get(i));
            }
        }
        traceSeen = trace.size();
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
        // published within the delivery: the link is there now (hand changes come between steps only, and no
        // invocation unlinks)
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
        if (change == null && !((unknownOutcome.contains(requestId) || changedWhileRunning.contains(requestId))
                && Objects.equals(asked.get(requestId), current))) {
            // only a request whose outcome it could not know, and whose asked state Scalingo shows, or one that ran
            // while another invocation changed the canonical domain, may be told made with the state it asked
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
        trace.add(world.clock.instant() + " " + (concurrently ? "[" + container + "] " : "") + line);
    }
}
