package io.domainautomation.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.domainautomation.sandbox.SandboxRecords.LoggedRequest;
import io.domainautomation.sandbox.SandboxRecords.SandboxApp;

/**
 * The sandbox's in-memory platform, one state per service it stands in for, each guarding its own data with its own
 * monitor: Scalingo's apps and domains ({@link ScalingoState}), its auth host and rate limit
 * ({@link ScalingoAuthState}), Secrets Manager ({@link SecretsManagerState}), SQS ({@link SqsState}), EventBridge
 * ({@link EventBridgeState}), Lambda ({@link LambdaState}) and AWS credentials ({@link CredentialsState}); and,
 * across them, injected faults ({@link SandboxFaults}) and what was answered ({@link SandboxCounters}). No request
 * needs a consistent view of two services' data, so none holds two of these monitors. The routes use the
 * per-service states; the public methods here are what tests, fixtures and the sandbox's start-up call.
 */
public final class SandboxState {

    /** How many custom domains a Scalingo app may have. */
    public static final int DOMAIN_LIMIT = ScalingoState.DOMAIN_LIMIT;
    /** The access key the container-credentials endpoint issues; requests signed with it came through that endpoint. */
    public static final String CONTAINER_ACCESS_KEY = "ASIASANDBOXCONTAINER";
    /** The region and account of the sandbox's AWS endpoints (the ARNs it makes and the ones IAM is asked about). */
    public static final String AWS_REGION = "eu-west-3";
    public static final String AWS_ACCOUNT = "000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final SandboxFaults faults = new SandboxFaults();
    private final SandboxCounters counters = new SandboxCounters();
    private final ScalingoState scalingo;
    private final ScalingoAuthState scalingoAuth;
    private final SecretsManagerState secretsManager;
    private final SqsState sqs = new SqsState();
    private final EventBridgeState eventBridge = new EventBridgeState();
    private final IamState iam = new IamState();
    private final DynamoForward dynamoForward = new DynamoForward();
    private final LambdaState lambda = new LambdaState();
    private final CredentialsState credentials = new CredentialsState();
    private volatile SandboxDns dns;

    public SandboxState() {
        this(Clock.systemUTC());
    }

    public SandboxState(Clock clock) {
        this.clock = clock;
        this.scalingo = new ScalingoState(clock);
        this.scalingoAuth = new ScalingoAuthState(clock);
        this.secretsManager = new SecretsManagerState(clock);
    }

    public SandboxFaults faults() {
        return faults;
    }

    Instant now() {
        return clock.instant();
    }

    /** A new random ID: 24 hex digits. */
    static String newId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    // --- the per-service states ----------------------------------------------------------------------------------

    SandboxCounters sandboxCounters() {
        return counters;
    }

    ScalingoState scalingo() {
        return scalingo;
    }

    ScalingoAuthState scalingoAuth() {
        return scalingoAuth;
    }

    SecretsManagerState secretsManager() {
        return secretsManager;
    }

    SqsState sqs() {
        return sqs;
    }

    EventBridgeState eventBridge() {
        return eventBridge;
    }

    LambdaState lambda() {
        return lambda;
    }

    CredentialsState credentials() {
        return credentials;
    }

    /** The DNS server dev mode runs ({@code sandbox.dns-port}), when it runs one. */
    java.util.Optional<SandboxDns> dns() {
        return java.util.Optional.ofNullable(dns);
    }

    void dns(SandboxDns server) {
        this.dns = server;
    }

    IamState iam() {
        return iam;
    }

    DynamoForward dynamoForward() {
        return dynamoForward;
    }

    // --- configuration -------------------------------------------------------------------------------------------

    /**
     * Forgets apps, domains, API tokens, bearers, rate windows, secrets, queued messages, Lambda invocations, events,
     * counters, the request log and faults, one service after the other. Configuration stays: the region, bearer
     * lifetime, rate limit, container-credentials token, and the signing keys seen.
     */
    public void reset() {
        scalingo.reset();
        scalingoAuth.reset();
        secretsManager.clear();
        sqs.clear();
        lambda.clear();
        eventBridge.clear();
        counters.clear();
        faults.reset();
    }

    public void addApiToken(String token) {
        scalingoAuth.addApiToken(token);
    }

    /** As a user revoking a token on the dashboard: exchanges with it fail with 401 from now on. */
    public void revokeApiToken(String token) {
        scalingoAuth.revokeApiToken(token);
    }

    public void bearerLifetime(Duration lifetime) {
        scalingoAuth.bearerLifetime(lifetime);
    }

    /** Scalingo's per-user rate limit: {@code requests} per {@code period}; none when {@code requests} is 0 or less. */
    public void rateLimit(int requests, Duration period) {
        scalingoAuth.rateLimit(requests, period);
    }

    public String region() {
        return scalingo.region();
    }

    public void region(String name) {
        scalingo.region(name);
    }

    // --- scalingo auth -------------------------------------------------------------------------------------------

    /** Every bearer issued since the last reset, so tests can look for them in logs. */
    public Set<String> issuedBearers() {
        return scalingoAuth.issuedBearers();
    }

    /** Makes every issued bearer expired, as if an hour had passed. */
    public void expireAllBearers() {
        scalingoAuth.expireAllBearers();
    }

    // --- scalingo apps and domains -------------------------------------------------------------------------------

    public SandboxApp addApp(String name) {
        return scalingo.addApp(name);
    }

    public SandboxApp addApp(String id, String name, Instant createdAt) {
        return scalingo.addApp(id, name, createdAt);
    }

    /** Seeds a domain directly (tests and fixtures), bypassing the API and its counters. */
    public String seedDomain(String appName, String domainName, Instant createdAt, String letsencryptStatus,
            boolean canonical) {
        return scalingo.seedDomain(appName, domainName, createdAt, letsencryptStatus, canonical);
    }

    /** Marks a seeded domain as still CNAME-ed to its app: its DELETE answers 404, as Scalingo's does. */
    public void stillCnamed(String appName, String domainName, boolean still) {
        scalingo.stillCnamed(appName, domainName, still);
    }

    /** Gives a seeded domain a Let's Encrypt certificate valid until {@code validity} (status "created"). */
    public void letsencryptCertificate(String appName, String domainName, Instant validity) {
        scalingo.letsencryptCertificate(appName, domainName, validity);
    }

    /** Someone changes a domain's certificate by hand (the console, the CLI): what Scalingo then reports. */
    public void certificateChangedByHand(String appName, String domainName, String subject, Instant validity,
            String keyDescription) {
        scalingo.certificateChangedByHand(appName, domainName, subject, validity, keyDescription);
    }

    /** Someone unlinks a domain by hand (the dashboard), bypassing the API, its counters and faults. */
    public void unlinkByHand(String appName, String domainName) {
        scalingo.unlinkByHand(appName, domainName);
    }

    /**
     * Someone changes a domain by hand: canonical or not (making it canonical takes that from the app's other
     * domains), Let's Encrypt on or off, its status, and until when its certificate is valid (null: none issued).
     */
    public void changeByHand(String appName, String domainName, boolean canonical, boolean letsencryptEnabled,
            String letsencryptStatus, Instant letsencryptValidity) {
        scalingo.changeByHand(appName, domainName, canonical, letsencryptEnabled, letsencryptStatus, letsencryptValidity);
    }

    /** An app's ID, by its name. */
    public Optional<String> appId(String appName) {
        return scalingo.app(appName).map(SandboxApp::id);
    }

    /** A domain's ID, by its app's and its own name, read without touching counters. */
    public Optional<String> domainId(String appName, String domainName) {
        return scalingo.domainId(appName, domainName);
    }

    /**
     * Scalingo's apps and domains keep time by {@code clock} from now on (their {@code created_at}): a simulation's
     * clock, so that what the sandbox stamps matches its model. {@link #reset()} gives back the sandbox's own clock.
     */
    public void scalingoClock(Clock clock) {
        scalingo.clock(clock);
    }

    /**
     * Secrets Manager stamps versions and deletions by {@code clock} from now on (a simulation's, as
     * {@link #scalingoClock}); {@link #reset()} gives back the sandbox's own clock.
     */
    public void secretsClock(Clock clock) {
        secretsManager.clock(clock);
    }

    /** The names of an app's domains, and which is canonical, read without touching counters. */
    public Map<String, Boolean> domainNames(String appName) {
        return scalingo.domainNames(appName);
    }

    /** The subject of the custom certificate a domain carries, read without touching counters. */
    public Optional<String> certificateSubject(String appName, String domainName) {
        return scalingo.certificateSubject(appName, domainName);
    }

    // --- secrets manager -----------------------------------------------------------------------------------------

    /** A stored secret's ARN (what events name), read without touching counters. */
    public Optional<String> secretArn(String name) {
        return secretsManager.secretArn(name);
    }

    /** Creates the secret, or gives it these tags and a new AWSCURRENT version (fixtures and tests). */
    public void putSecret(String name, String secretString, Map<String, String> tags) {
        secretsManager.putSecret(name, secretString, tags);
    }

    /** DeleteSecret on a stored secret: scheduled for deletion (its recovery window), or gone at once. */
    public void deleteSecret(String name, boolean withoutRecovery) {
        secretsManager.deleteSecret(name, withoutRecovery);
    }

    public void clearSecrets() {
        secretsManager.clear();
    }

    // --- aws credentials -----------------------------------------------------------------------------------------

    /**
     * Serve credentials at the container-credentials endpoint to callers presenting this authorization token, under
     * {@link #CONTAINER_ACCESS_KEY}, which is no function's role: with IAM enforced, use
     * {@link #roleCredentials(String, String)}.
     */
    public void containerCredentials(String authorizationToken) {
        credentials.containerCredentials(authorizationToken, CONTAINER_ACCESS_KEY);
    }

    /**
     * Serve a function's role credentials at the container-credentials endpoint to callers presenting this token (as
     * Lambda does for a SnapStart version): its calls are then authorised against that function's policy.
     */
    public void roleCredentials(String authorizationToken, String export) {
        String accessKey = roleAccessKey(export);
        credentials.containerCredentials(authorizationToken, accessKey);
        iam.bind(accessKey, export);
    }

    /** The access key id of a function's role in the sandbox: ASIA, then the export in capitals without dashes. */
    public static String roleAccessKey(String export) {
        return "ASIA" + export.toUpperCase(java.util.Locale.ROOT).replace("-", "");
    }

    /**
     * The access key id a function signs with against the sandbox when it runs with static local credentials
     * ({@code aws.local-credentials}, dev mode and tests; {@code AWS_ACCESS_KEY_ID} of the packaged tests).
     */
    public static String localAccessKey(String export) {
        return IamState.LOCAL_KEY_PREFIX + export;
    }

    // --- iam -----------------------------------------------------------------------------------------------------

    /**
     * From now on, every AWS call a function makes (signed with {@link #localAccessKey} or role credentials) is
     * authorised against that function's policy in the template, and denied as AWS denies it when not allowed.
     */
    public void enforceIam(TemplateIam policies) {
        iam.enforce(policies);
    }

    public boolean iamEnforced() {
        return iam.enforced();
    }

    /** Each distinct call a function made since the start or the last {@link #clearIamDecisions()} (once, however often): who, what, where, allowed. */
    public List<IamDecision> iamDecisions() {
        return iam.decisions();
    }

    public void clearIamDecisions() {
        iam.clearDecisions();
    }

    /** The local DynamoDB (dynalite) the sandbox passes the functions' DynamoDB calls on to, once IAM allowed them. */
    public void dynamoUpstream(java.net.URI dynamo) {
        dynamoForward.upstream(dynamo);
    }

    /** The access key ids seen in SigV4-signed requests. */
    public Set<String> signingKeys() {
        return credentials.signingKeys();
    }

    // --- sqs, eventbridge, lambda --------------------------------------------------------------------------------

    /** Messages sent to a queue since the last reset, oldest first. */
    public List<SandboxRecords.QueuedMessage> queue(String queueUrl) {
        return sqs.queue(queueUrl);
    }

    /** Every queue the sandbox's SQS endpoint received messages for, with its messages. */
    public Map<String, List<SandboxRecords.QueuedMessage>> queues() {
        return sqs.queues();
    }

    /** Forgets the messages of every queue, and the Lambda invocations not yet taken. */
    public void clearQueues() {
        sqs.clear();
        lambda.clear();
    }

    /** Every event the sandbox's EventBridge endpoint accepted, in order. */
    public List<SandboxRecords.ReceivedEvent> events() {
        return eventBridge.events();
    }

    public void clearEvents() {
        eventBridge.clear();
    }

    /** The oldest asynchronous invocation not yet taken, as {function, payload}; null when none. */
    public String[] takeInvocation() {
        return lambda.takeInvocation();
    }

    // --- counters and log ----------------------------------------------------------------------------------------

    /** How many requests of one operation were answered (e.g. {@code domains.link}, {@code auth.exchange}). */
    public int counter(String operation) {
        return counters.counter(operation);
    }

    /** Every operation's counter, by name. */
    public Map<String, Integer> counters() {
        return counters.counters();
    }

    /** Forgets every counter and the request log. */
    public void clearCounters() {
        counters.clear();
    }

    /** The Scalingo API's requests, oldest first (the last 10,000): never an Authorization header nor a body. */
    public List<LoggedRequest> requestLog() {
        return counters.requestLog();
    }
}
