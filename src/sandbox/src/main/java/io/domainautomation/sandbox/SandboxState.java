package io.domainautomation.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.domainautomation.sandbox.SandboxRecords.LoggedRequest;
import io.domainautomation.sandbox.SandboxRecords.SandboxApp;
import io.domainautomation.sandbox.SandboxRecords.SandboxDomain;
import io.domainautomation.sandbox.SandboxRecords.SandboxSecret;

/**
 * The sandbox's in-memory platform: apps, their domains, API tokens and the bearers issued for them, Secrets
 * Manager secrets, per-bearer rate windows, request counters and a redacted request log.
 */
public final class SandboxState {

    public static final int DOMAIN_LIMIT = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    final SandboxFaults faults = new SandboxFaults();
    private final Map<String, SandboxApp> appsById = new LinkedHashMap<>();
    private final Map<String, Map<String, SandboxDomain>> domainsByApp = new HashMap<>();
    private final Set<String> apiTokens = new HashSet<>();
    private final Map<String, Instant> bearers = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> rateWindows = new HashMap<>();
    private final Map<String, SandboxSecret> secrets = new TreeMap<>();
    private final List<SandboxRecords.ReceivedEvent> events = new ArrayList<>();
    private final Map<String, List<SandboxRecords.QueuedMessage>> queues = new TreeMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Deque<LoggedRequest> requestLog = new ArrayDeque<>();
    private String region = "osc-fr1";
    private Duration bearerLifetime = Duration.ofHours(1);
    private int rateLimitRequests = 60;
    private Duration rateLimitPeriod = Duration.ofMinutes(1);
    private boolean rateLimitEnabled = true;

    public SandboxState() {
        this(Clock.systemUTC());
    }

    public SandboxState(Clock clock) {
        this.clock = clock;
    }

    public SandboxFaults faults() {
        return faults;
    }

    Instant now() {
        return clock.instant();
    }

    public String region() {
        return region;
    }

    // --- configuration -------------------------------------------------------------------------------------------

    public synchronized void reset() {
        appsById.clear();
        domainsByApp.clear();
        apiTokens.clear();
        bearers.clear();
        rateWindows.clear();
        secrets.clear();
        queues.clear();
        invocations.clear();
        events.clear();
        counters.clear();
        requestLog.clear();
        faults.reset();
    }

    public synchronized void addApiToken(String token) {
        apiTokens.add(token);
    }

    /** As a user revoking a token on the dashboard: exchanges with it fail with 401 from now on. */
    public synchronized void revokeApiToken(String token) {
        apiTokens.remove(token);
    }

    public synchronized void bearerLifetime(Duration lifetime) {
        bearerLifetime = lifetime;
    }

    public synchronized void rateLimit(int requests, Duration period) {
        rateLimitRequests = requests;
        rateLimitPeriod = period;
        rateLimitEnabled = requests > 0;
        rateWindows.clear();
    }

    public synchronized void region(String name) {
        region = name;
    }

    // --- auth ----------------------------------------------------------------------------------------------------

    synchronized boolean knowsApiToken(String token) {
        return apiTokens.contains(token);
    }

    String issueBearer() {
        Instant issued = now();
        Instant expires = issued.plus(bearerLifetime);
        String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String claims = base64Url("{\"iss\":\"sandbox\",\"sub\":\"sandbox-user\",\"iat\":" + issued.getEpochSecond()
                + ",\"exp\":" + expires.getEpochSecond() + ",\"jti\":\"" + newId() + "\"}");
        byte[] signature = new byte[32];
        RANDOM.nextBytes(signature);
        String jwt = header + "." + claims + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        bearers.put(jwt, expires);
        return jwt;
    }

    boolean bearerValid(String jwt) {
        Instant expires = bearers.get(jwt);
        return expires != null && now().isBefore(expires);
    }

    /** Every bearer issued since the last reset, so tests can look for them in logs. */
    public Set<String> issuedBearers() {
        return Set.copyOf(bearers.keySet());
    }

    /** Makes every issued bearer expired, as if an hour had passed. */
    public void expireAllBearers() {
        bearers.replaceAll((jwt, expiry) -> Instant.EPOCH);
    }

    /** Sliding window per bearer: true when this request fits in the budget (and is then counted). */
    synchronized boolean admit() {
        if (!rateLimitEnabled) {
            return true;
        }
        long nowNanos = System.nanoTime();
        // Scalingo limits per user; every bearer of the sandbox belongs to its one user.
        Deque<Long> window = rateWindows.computeIfAbsent("sandbox-user", k -> new ArrayDeque<>());
        while (!window.isEmpty() && nowNanos - window.peekFirst() >= rateLimitPeriod.toNanos()) {
            window.pollFirst();
        }
        if (window.size() >= rateLimitRequests) {
            return false;
        }
        window.addLast(nowNanos);
        return true;
    }

    // --- apps ----------------------------------------------------------------------------------------------------

    public synchronized SandboxApp addApp(String name) {
        return addApp(newId(), name, now());
    }

    public synchronized SandboxApp addApp(String id, String name, Instant createdAt) {
        SandboxApp app = new SandboxApp(id, name, createdAt);
        appsById.put(id, app);
        domainsByApp.put(id, new LinkedHashMap<>());
        return app;
    }

    synchronized List<SandboxApp> apps() {
        return new ArrayList<>(appsById.values());
    }

    /** An app by ID or name, as the API accepts either. */
    synchronized Optional<SandboxApp> app(String idOrName) {
        SandboxApp byId = appsById.get(idOrName);
        if (byId != null) {
            return Optional.of(byId);
        }
        return appsById.values().stream().filter(a -> a.name().equals(idOrName)).findFirst();
    }

    // --- domains -------------------------------------------------------------------------------------------------

    synchronized Collection<SandboxDomain> domains(SandboxApp app) {
        return new ArrayList<>(domainsByApp.get(app.id()).values());
    }

    synchronized Optional<SandboxDomain> domain(SandboxApp app, String id) {
        return Optional.ofNullable(domainsByApp.get(app.id()).get(id));
    }

    /** Where a hostname is linked already, on any app. */
    synchronized Optional<SandboxDomain> domainNamed(String name) {
        return domainsByApp.values().stream().flatMap(m -> m.values().stream())
                .filter(d -> d.name.equalsIgnoreCase(name)).findFirst();
    }

    synchronized SandboxDomain putDomain(SandboxApp app, String name, Instant createdAt) {
        SandboxDomain domain = new SandboxDomain(newId(), app.id(), name, createdAt);
        domainsByApp.get(app.id()).put(domain.id, domain);
        return domain;
    }

    synchronized void makeCanonical(SandboxApp app, SandboxDomain chosen) {
        domainsByApp.get(app.id()).values().forEach(d -> d.canonical = d == chosen);
    }

    synchronized boolean removeDomain(SandboxApp app, String id) {
        return domainsByApp.get(app.id()).remove(id) != null;
    }

    /** Seeds a domain directly (tests and fixtures), bypassing the API and its counters. */
    public synchronized String seedDomain(String appName, String domainName, Instant createdAt, String letsencryptStatus,
            boolean canonical) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        SandboxDomain domain = putDomain(app, domainName, createdAt);
        domain.letsencryptStatus = letsencryptStatus;
        if (canonical) {
            makeCanonical(app, domain);
        }
        return domain.id;
    }

    /** Marks a seeded domain as still CNAME-ed to its app: its DELETE answers 404, as Scalingo's does. */
    public synchronized void stillCnamed(String appName, String domainName, boolean still) {
        seededDomain(appName, domainName).stillCnamed = still;
    }

    /** Gives a seeded domain a Let's Encrypt certificate valid until {@code validity} (status "created"). */
    public synchronized void letsencryptCertificate(String appName, String domainName, Instant validity) {
        SandboxDomain domain = seededDomain(appName, domainName);
        domain.letsencryptStatus = "created";
        domain.letsencryptValidity = validity;
    }

    private SandboxDomain seededDomain(String appName, String domainName) {
        SandboxApp app = app(appName).orElseThrow(() -> new IllegalArgumentException("no sandbox app " + appName));
        return domainsByApp.get(app.id()).values().stream().filter(d -> d.name.equals(domainName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no domain " + domainName + " of " + appName));
    }

    /** Someone changes a domain's certificate by hand (the console, the CLI): what Scalingo then reports. */
    public synchronized void certificateChangedByHand(String appName, String domainName, String subject, Instant validity,
            String keyDescription) {
        SandboxDomain domain = seededDomain(appName, domainName);
        domain.tlscertSubject = subject;
        domain.validity = validity;
        domain.tlskeyDescription = keyDescription;
    }

    /** The names of an app's domains, and which is canonical, read without touching counters. */
    public synchronized Map<String, Boolean> domainNames(String appName) {
        SandboxApp app = app(appName).orElseThrow();
        Map<String, Boolean> names = new LinkedHashMap<>();
        domainsByApp.get(app.id()).values().forEach(d -> names.put(d.name, d.canonical));
        return names;
    }

    /** The subject of the custom certificate a domain carries, read without touching counters. */
    public synchronized Optional<String> certificateSubject(String appName, String domainName) {
        SandboxApp app = app(appName).orElseThrow();
        return domainsByApp.get(app.id()).values().stream().filter(d -> d.name.equals(domainName))
                .findFirst().map(d -> d.tlscertSubject);
    }

    // --- secrets manager ------------------------------------------------------------------------------------------

    /** A stored secret's ARN (what events name), read without touching counters. */
    public synchronized Optional<String> secretArn(String name) {
        return Optional.ofNullable(secrets.get(name)).map(SandboxSecret::arn);
    }

    /** Creates the secret, or gives it these tags and a new AWSCURRENT version (fixtures and tests). */
    public synchronized void putSecret(String name, String secretString, Map<String, String> tags) {
        if (!secrets.containsKey(name)) {
            createSecret(name, secretString, tags);
            return;
        }
        SandboxSecret old = secrets.get(name);
        secrets.put(name, new SandboxSecret(old.arn(), name, Map.copyOf(tags), old.createdAt(), old.versions()));
        putSecretValue(name, secretString, List.of("AWSCURRENT"));
    }

    /** CreateSecret: a new secret with one AWSCURRENT version; empty if a secret of that name exists. */
    synchronized Optional<SandboxSecret> createSecret(String name, String secretString, Map<String, String> tags) {
        if (secrets.containsKey(name)) {
            return Optional.empty();
        }
        String arn = "arn:aws:secretsmanager:eu-west-3:000000000000:secret:" + name + "-" + newId().substring(0, 6);
        SandboxSecret created = new SandboxSecret(arn, name, Map.copyOf(tags), now(),
                List.of(new SandboxRecords.SecretVersion(newId(), secretString, List.of("AWSCURRENT"), now())));
        secrets.put(name, created);
        return Optional.of(created);
    }

    /** PutSecretValue: a new version with these labels (AWSCURRENT by default), taking them from older versions. */
    synchronized SandboxRecords.SecretVersion putSecretValue(String idOrArn, String secretString, List<String> stages) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        SandboxRecords.SecretVersion added = new SandboxRecords.SecretVersion(newId(), secretString, List.of(), now());
        List<SandboxRecords.SecretVersion> versions = new ArrayList<>(secret.versions());
        versions.add(added);
        store(secret, versions);
        for (String stage : stages.isEmpty() ? List.of("AWSCURRENT") : stages) {
            updateVersionStage(idOrArn, stage, added.versionId());
        }
        return secret(idOrArn).orElseThrow().version(added.versionId(), null).orElseThrow();
    }

    /** TagResource: adds or replaces these tags. */
    synchronized void tagSecret(String idOrArn, Map<String, String> tags) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        Map<String, String> merged = new java.util.HashMap<>(secret.tags());
        merged.putAll(tags);
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), Map.copyOf(merged), secret.createdAt(),
                secret.versions()));
    }

    /**
     * UpdateSecretVersionStage: the label moves to {@code moveTo} (removed from every other version). Moving
     * AWSCURRENT labels the version that had it AWSPREVIOUS, as Secrets Manager does.
     *
     * @return false when no version has that id
     */
    synchronized boolean updateVersionStage(String idOrArn, String stage, String moveTo) {
        SandboxSecret secret = secret(idOrArn).orElseThrow();
        if (secret.version(moveTo, null).isEmpty()) {
            return false;
        }
        String previousCurrent = stage.equals("AWSCURRENT") ? secret.version(null, "AWSCURRENT").map(SandboxRecords.SecretVersion::versionId)
                .filter(id -> !id.equals(moveTo)).orElse(null) : null;
        List<SandboxRecords.SecretVersion> versions = new ArrayList<>();
        for (SandboxRecords.SecretVersion version : secret.versions()) {
            List<String> stages = new ArrayList<>(version.stages());
            stages.remove(stage);
            if (previousCurrent != null) {
                stages.remove("AWSPREVIOUS");
                if (version.versionId().equals(previousCurrent)) {
                    stages.add("AWSPREVIOUS");
                }
            }
            if (version.versionId().equals(moveTo)) {
                stages.add(stage);
            }
            versions.add(new SandboxRecords.SecretVersion(version.versionId(), version.secretString(), List.copyOf(stages),
                    version.createdAt()));
        }
        store(secret, versions);
        return true;
    }

    private void store(SandboxSecret secret, List<SandboxRecords.SecretVersion> versions) {
        // versions with no label are deprecated: Secrets Manager keeps a few, the sandbox none
        secrets.put(secret.name(), new SandboxSecret(secret.arn(), secret.name(), secret.tags(), secret.createdAt(),
                versions.stream().filter(v -> !v.stages().isEmpty() || versions.indexOf(v) == versions.size() - 1).toList()));
    }

    public synchronized void clearSecrets() {
        secrets.clear();
    }

    synchronized Optional<SandboxSecret> secret(String idOrArn) {
        SandboxSecret byName = secrets.get(idOrArn);
        if (byName != null) {
            return Optional.of(byName);
        }
        return secrets.values().stream().filter(s -> s.arn().equals(idOrArn)).findFirst();
    }

    synchronized List<SandboxSecret> secrets() {
        return new ArrayList<>(secrets.values());
    }

    // --- aws credentials -------------------------------------------------------------------------------------------

    /** The access key the container-credentials endpoint issues; requests signed with it came through that endpoint. */
    public static final String CONTAINER_ACCESS_KEY = "ASIASANDBOXCONTAINER";

    private volatile String containerAuthorization;
    private final Set<String> signingKeys = ConcurrentHashMap.newKeySet();

    /** Serve role credentials at the container-credentials endpoint to callers presenting this authorization token. */
    public void containerCredentials(String authorizationToken) {
        containerAuthorization = authorizationToken;
    }

    String containerAuthorization() {
        return containerAuthorization;
    }

    void recordSigningKey(String accessKeyId) {
        signingKeys.add(accessKeyId);
    }

    /** The access key ids seen in SigV4-signed requests. */
    public Set<String> signingKeys() {
        return Set.copyOf(signingKeys);
    }

    // --- sqs ------------------------------------------------------------------------------------------------------

    synchronized void enqueue(String queueUrl, SandboxRecords.QueuedMessage message) {
        queues.computeIfAbsent(queueUrl, k -> new ArrayList<>()).add(message);
    }

    /** Messages sent to a queue since the last reset, oldest first. */
    public synchronized List<SandboxRecords.QueuedMessage> queue(String queueUrl) {
        return new ArrayList<>(queues.getOrDefault(queueUrl, List.of()));
    }

    /** Every event the sandbox's EventBridge endpoint accepted, in order. */
    public synchronized List<SandboxRecords.ReceivedEvent> events() {
        return new ArrayList<>(events);
    }

    synchronized void receiveEvent(SandboxRecords.ReceivedEvent event) {
        events.add(event);
    }

    public synchronized void clearEvents() {
        events.clear();
    }

    /** Every queue the sandbox's SQS endpoint received messages for, with its messages. */
    public synchronized Map<String, List<SandboxRecords.QueuedMessage>> queues() {
        Map<String, List<SandboxRecords.QueuedMessage>> copy = new TreeMap<>();
        queues.forEach((url, messages) -> copy.put(url, new ArrayList<>(messages)));
        return copy;
    }

    public synchronized void clearQueues() {
        queues.clear();
        invocations.clear();
    }

    // --- lambda ----------------------------------------------------------------------------------------------------

    private final Deque<String[]> invocations = new ArrayDeque<>();

    synchronized void recordInvocation(String function, String payload) {
        invocations.addLast(new String[] { function, payload });
    }

    /** The oldest asynchronous invocation not yet taken, as {function, payload}; null when none. */
    public synchronized String[] takeInvocation() {
        return invocations.pollFirst();
    }

    // --- counters and log -----------------------------------------------------------------------------------------

    void count(String operation) {
        counters.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many requests of one operation were answered (e.g. {@code domains.link}, {@code auth.exchange}). */
    public int counter(String operation) {
        AtomicInteger counter = counters.get(operation);
        return counter == null ? 0 : counter.get();
    }

    public Map<String, Integer> counters() {
        Map<String, Integer> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public synchronized void clearCounters() {
        counters.clear();
        requestLog.clear();
    }

    synchronized void log(LoggedRequest request) {
        requestLog.addLast(request);
        if (requestLog.size() > 10_000) {
            requestLog.pollFirst();
        }
    }

    public synchronized List<LoggedRequest> requestLog() {
        return new ArrayList<>(requestLog);
    }

    static String newId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static String base64Url(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
