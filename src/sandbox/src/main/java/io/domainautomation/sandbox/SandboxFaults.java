package io.domainautomation.sandbox;

import java.util.Random;

/**
 * Faults the sandbox injects into regional API replies (not the control endpoints): fixed added latency, a share
 * of 500/503 replies, bursts of 429, dropped connections and replies slower than the client's timeout. Counted
 * faults ({@code failNext}, ...) fire first, then rates; the random source is seeded so runs repeat.
 */
public final class SandboxFaults {

    public enum Fault { NONE, ERROR_500, ERROR_503, RATE_LIMITED, DROP, DROP_AFTER_APPLYING, SLOW }

    private long latencyMillis;
    private double serverErrorRate;
    private double dropRate;
    private double slowRate;
    private long slowMillis = 15_000;
    private int next429;
    private int next5xx;
    private int nextSecretsFailures;
    private int nextDynamoDenials;
    private int nextDrops;
    private int nextSlow;
    private int nextLostReplies;
    private int nextDynamoFailures;
    private int nextDynamoLostReplies;
    private String html5xxBody;
    private Integer retryAfterSeconds;
    private final java.util.Set<String> failingApps = new java.util.HashSet<>();
    private boolean sqsUnavailable;
    private int failedEventEntries;
    private long eventsHangMillis;
    private final java.util.Map<String, java.util.Deque<Integer>> cannedStatuses = new java.util.HashMap<>();
    private Random random = new Random(42);

    public synchronized void reset() {
        latencyMillis = 0;
        serverErrorRate = dropRate = slowRate = 0;
        slowMillis = 15_000;
        next429 = next5xx = nextDrops = nextSlow = nextLostReplies = 0;
        nextDynamoFailures = nextDynamoLostReplies = nextSecretsFailures = nextDynamoDenials = 0;
        html5xxBody = null;
        retryAfterSeconds = null;
        failingApps.clear();
        sqsUnavailable = false;
        failedEventEntries = 0;
        eventsHangMillis = 0;
        cannedStatuses.clear();
        random = new Random(42);
    }

    public synchronized SandboxFaults latency(long millis) {
        latencyMillis = millis;
        return this;
    }

    public synchronized SandboxFaults serverErrorRate(double share) {
        serverErrorRate = share;
        return this;
    }

    public synchronized SandboxFaults dropRate(double share) {
        dropRate = share;
        return this;
    }

    public synchronized SandboxFaults slowRate(double share, long millis) {
        slowRate = share;
        slowMillis = millis;
        return this;
    }

    /** The next {@code count} API requests are answered 429, whatever the rate budget says. */
    public synchronized SandboxFaults rateLimitBurst(int count) {
        next429 = count;
        return this;
    }

    /** 429 replies of bursts carry {@code Retry-After} with this many seconds. */
    public synchronized SandboxFaults retryAfter(int seconds) {
        retryAfterSeconds = seconds;
        return this;
    }

    /** Every API request about this app (named by its name or its ID, whichever this gives) is answered 503, until reset. */
    public synchronized SandboxFaults failApp(String app) {
        failingApps.add(app);
        return this;
    }

    synchronized boolean appFails(String app) {
        return failingApps.contains(app);
    }

    /**
     * The next {@code count} DynamoDB requests are answered 500 InternalServerError without reaching DynamoDB (nothing
     * applied); give at least the client's attempts to make one call fail after its retries.
     */
    public synchronized SandboxFaults dynamoFailNext(int count) {
        nextDynamoFailures = count;
        return this;
    }

    /** The next {@code count} DynamoDB requests reach DynamoDB (applied), and their answer is replaced by a 500. */
    public synchronized SandboxFaults dynamoLoseNextReplies(int count) {
        nextDynamoLostReplies = count;
        return this;
    }

    /**
     * The next {@code count} Secrets Manager requests are answered 500 InternalServiceError, not carried out; give at
     * least the client's attempts to make one call fail after its retries.
     */
    public synchronized SandboxFaults secretsFailNext(int count) {
        nextSecretsFailures = count;
        return this;
    }

    synchronized boolean drawSecretsFailure() {
        if (nextSecretsFailures > 0) {
            nextSecretsFailures--;
            return true;
        }
        return false;
    }

    /**
     * The next {@code count} DynamoDB requests are refused with 400 AccessDeniedException without reaching DynamoDB, as
     * IAM refuses a role without the permission (the SDK does not retry it).
     */
    public synchronized SandboxFaults dynamoDenyNext(int count) {
        nextDynamoDenials = count;
        return this;
    }

    synchronized boolean drawDynamoDenial() {
        if (nextDynamoDenials > 0) {
            nextDynamoDenials--;
            return true;
        }
        return false;
    }

    synchronized boolean drawDynamoFailure() {
        if (nextDynamoFailures > 0) {
            nextDynamoFailures--;
            return true;
        }
        return false;
    }

    synchronized boolean drawDynamoLostReply() {
        if (nextDynamoLostReplies > 0) {
            nextDynamoLostReplies--;
            return true;
        }
        return false;
    }

    /** The next {@code count} PutEvents entries fail (a partial failure: the others of their call succeed). */
    public synchronized SandboxFaults failEventEntries(int count) {
        failedEventEntries = count;
        return this;
    }

    /** Every PutEvents call hangs this long before it is answered (EventBridge not answering), until reset. */
    public synchronized SandboxFaults hangEvents(java.time.Duration hang) {
        eventsHangMillis = hang.toMillis();
        return this;
    }

    synchronized long eventsHangMillis() {
        return eventsHangMillis;
    }

    /** Whether the next PutEvents entry fails; counts it down. */
    synchronized boolean drawEventEntryFailure() {
        if (failedEventEntries > 0) {
            failedEventEntries--;
            return true;
        }
        return false;
    }

    /** The SQS endpoint answers 500 to everything, until reset. */
    public synchronized SandboxFaults sqsUnavailable(boolean unavailable) {
        sqsUnavailable = unavailable;
        return this;
    }

    synchronized boolean sqsUnavailable() {
        return sqsUnavailable;
    }

    /** The next request of this operation (e.g. {@code domains.unlink}) is answered with this status, not carried out. */
    public synchronized SandboxFaults answerNext(String operation, int status) {
        cannedStatuses.computeIfAbsent(operation, k -> new java.util.ArrayDeque<>()).addLast(status);
        return this;
    }

    synchronized Integer cannedStatus(String operation) {
        java.util.Deque<Integer> statuses = cannedStatuses.get(operation);
        return statuses == null ? null : statuses.pollFirst();
    }

    synchronized Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public synchronized SandboxFaults failNext(int count) {
        next5xx = count;
        return this;
    }

    /** Failed replies carry an HTML error page instead of JSON, as a proxy in front of an API might send. */
    public synchronized SandboxFaults htmlErrorPages(String body) {
        html5xxBody = body;
        return this;
    }

    public synchronized SandboxFaults dropNext(int count) {
        nextDrops = count;
        return this;
    }

    /** The next {@code count} requests are carried out, then the connection drops before the reply: the ambiguous failure. */
    public synchronized SandboxFaults loseRepliesNext(int count) {
        nextLostReplies = count;
        return this;
    }

    public synchronized SandboxFaults slowNext(int count, long millis) {
        nextSlow = count;
        slowMillis = millis;
        return this;
    }

    synchronized long latencyMillis() {
        return latencyMillis;
    }

    synchronized long slowMillis() {
        return slowMillis;
    }

    synchronized String htmlErrorBody() {
        return html5xxBody;
    }

    /** Decides the fault, if any, for one incoming API request. */
    synchronized Fault draw() {
        // A lost reply first: with drops queued behind it, the change is applied and every retry then fails.
        if (nextLostReplies > 0) {
            nextLostReplies--;
            return Fault.DROP_AFTER_APPLYING;
        }
        if (next429 > 0) {
            next429--;
            return Fault.RATE_LIMITED;
        }
        if (next5xx > 0) {
            next5xx--;
            return Fault.ERROR_500;
        }
        if (nextDrops > 0) {
            nextDrops--;
            return Fault.DROP;
        }
        if (nextSlow > 0) {
            nextSlow--;
            return Fault.SLOW;
        }
        double roll = random.nextDouble();
        if (roll < serverErrorRate) {
            return random.nextBoolean() ? Fault.ERROR_500 : Fault.ERROR_503;
        }
        roll -= serverErrorRate;
        if (roll < dropRate) {
            return Fault.DROP;
        }
        roll -= dropRate;
        if (roll < slowRate) {
            return Fault.SLOW;
        }
        return Fault.NONE;
    }
}
