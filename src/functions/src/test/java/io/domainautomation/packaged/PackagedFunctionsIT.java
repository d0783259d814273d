package io.domainautomation.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.sandbox.HttpApiEvents;
import io.domainautomation.sandbox.LocalDynamo;
import io.domainautomation.sandbox.SandboxServer;
import io.domainautomation.sandbox.SandboxState;
import io.domainautomation.sandbox.IamDecision;
import io.domainautomation.testsupport.IamAsDeployed;
import io.domainautomation.testsupport.LocalRuntimeApi;
import io.domainautomation.testsupport.PackagedFunction;
import io.domainautomation.testsupport.SqsEvents.Message;
import io.domainautomation.testsupport.SqsEvents;
import io.domainautomation.testsupport.TestCertificates;
import io.domainautomation.sandbox.SandboxDns;

/**
 * What template.yaml deploys, target/function.zip in the prod profile, started as Lambda starts it (runtime
 * interface client, handler string, local Runtime API), once per function, each with its real trigger event,
 * against the sandbox as its own server. No sandbox inside the artifact: it is a separate process here.
 */
class PackagedFunctionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tk-us-packaged-test-token";
    private static final String CONTAINER_AUTHORIZATION = "sandbox-container-authorization-" + java.util.UUID.randomUUID();
    private static SandboxState sandbox;
    private static IamAsDeployed iam;
    private static SandboxServer server;
    private static SandboxDns dns;
    private static Path taskRoot;
    private static LocalDynamo dynamo;
    private static final List<String> logs = new ArrayList<>();
    private static final java.util.Set<String> testsRun = new java.util.HashSet<>();

    @BeforeAll
    static void start() throws Exception {
        Path zip = Path.of(System.getProperty("packaged.function.zip", "target/function.zip"));
        assertTrue(Files.exists(zip), "the packaged artifact exists: " + zip);
        taskRoot = PackagedFunction.extract(zip, Path.of("target/packaged-function"));
        sandbox = new SandboxState();
        sandbox.rateLimit(1000, Duration.ofMinutes(1));
        sandbox.addApiToken(TOKEN);
        sandbox.putSecret("scalingo/api-token", "{\"token\":\"" + TOKEN + "\"}", Map.of());
        sandbox.addApp("acme");
        sandbox.seedDomain("acme", "www.acme.example", Instant.now(), "created", false);
        sandbox.seedDomain("acme", "old.acme.example", Instant.now().minus(Duration.ofDays(60)), "pending_dns", false);
        server = SandboxServer.start(sandbox, 0);
        dns = new SandboxDns(0);
        int dynamoPort;
        try (ServerSocket free = new ServerSocket(0)) {
            dynamoPort = free.getLocalPort();
        }
        dynamo = LocalDynamo.start(dynamoPort, "packaged-ledger");
        iam = IamAsDeployed.enforce(sandbox, "scalingo/api-token", "packaged-bus", "packaged-ledger", "link-on-signup-dlq", dynamo.url(),
                CONTAINER_AUTHORIZATION);
        dns.cname("www.acme.example", "acme.osc-fr1.scalingo.io").address("acme.osc-fr1.scalingo.io", "10.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        dns.close();
        if (dynamo != null) {
            dynamo.close();
        }
        for (String log : logs) {
            jsonLogRecords(log);
        }
        iamAsDeployedHeld();
        List<String> secrets = new ArrayList<>(sandbox.issuedBearers());
        secrets.add(TOKEN);
        for (String log : logs) {
            for (String secret : secrets) {
                assertFalse(log.contains(secret), "a secret in the packaged function's output");
            }
        }
    }

    /**
     * Over the whole run, under template.yaml's IAM: no call of a function was denied, and every action the template
     * grants a function was made by that function (a grant its code does not use is one too many).
     */
    private static void iamAsDeployedHeld() {
        List<IamDecision> decisions = sandbox.iamDecisions();
        assertEquals(List.of(), decisions.stream().filter(decision -> !decision.allowed()).toList(), "calls IAM denied");
        long tests = java.util.Arrays.stream(PackagedFunctionsIT.class.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Test.class)).count();
        if (testsRun.size() < tests) {
            // Some tests were left out (-Dit.test=...#one): what they would have used is not a grant too many.
            System.err.println("PackagedFunctionsIT: " + testsRun.size() + " of " + tests + " tests ran; unused grants not checked");
            return;
        }
        for (String export : IamAsDeployed.EXPORTS) {
            assertEquals(List.of(), iam.policies().unusedGrants(export, decisions), export + ": granted, never used in the run");
        }
    }

    private static Map<String, String> environment(String export) {
        Map<String, String> env = PackagedFunction.againstSandbox(server.url(), export);
        env.putAll(iam.environment(export));
        // Through the sandbox, which authorises each call against the function's policy and passes it on to dynalite.
        env.put("LEDGER_ENDPOINT_OVERRIDE", server.url());
        env.put("LEDGER_TABLE", "packaged-ledger");
        env.put("EVENTS_BUS_NAME", "packaged-bus");
        // every DNS lookup (the cleanup's, domain-status's, Domain Linked's diagnosis) asks the test's server
        env.put("DNS_RESOLVER", "127.0.0.1:" + dns.port());
        env.put("DNS_TIMEOUT", "1s");
        return env;
    }

    @BeforeEach
    void counted(TestInfo test) {
        testsRun.add(test.getDisplayName());
    }

    private static JsonNode run(String export, Map<String, String> extra, String... events) throws Exception {
        List<JsonNode> answers = runAll(export, extra, events);
        return answers.get(answers.size() - 1);
    }

    /**
     * The JVM's options as deployed: the function's JAVA_TOOL_OPTIONS in template.yaml, Globals merged (the tiered
     * compilation Lambda's guidance gives, the JDK's own POST resend turned off).
     */
    private static List<String> deployedJvmOptions(String export) {
        String options = iam.policies().environmentVariable(export, "JAVA_TOOL_OPTIONS")
                .orElseThrow(() -> new AssertionError(export + ": no JAVA_TOOL_OPTIONS in template.yaml"));
        return List.of(options.trim().split("\\s+"));
    }

    private static List<JsonNode> runAll(String export, Map<String, String> extra, String... events) throws Exception {
        return runAll(export, extra, new ArrayList<>(), events);
    }

    private static List<JsonNode> runAll(String export, Map<String, String> extra, List<String> requestIds, String... events)
            throws Exception {
        Map<String, String> env = environment(export);
        env.putAll(extra);
        Path log = Path.of("target/packaged-" + export + ".log");
        List<JsonNode> answers = new ArrayList<>();
        try (LocalRuntimeApi runtime = new LocalRuntimeApi();
                PackagedFunction function = PackagedFunction.start(taskRoot, runtime.address(), env, log,
                        deployedJvmOptions(export))) {
            for (String event : events) {
                LocalRuntimeApi.Answer answer = runtime.invoke(event, Duration.ofSeconds(60));
                assertFalse(answer.error(), export + " answered an error: " + answer.body() + "\n" + function.log());
                answers.add(JSON.readTree(answer.body()));
                requestIds.add(answer.requestId());
            }
            logs.add(function.log());
            assertFalse(function.log().contains("Scalingo sandbox listening"), "no sandbox inside the deployed artifact");
        }
        return answers;
    }

    @Test
    void linkOnSignupWithAnSqsBatchAndAnSnsWrappedRecord() throws Exception {
        ObjectNode sns = JSON.createObjectNode();
        sns.put("Type", "Notification");
        sns.put("MessageId", "5d2f1b1e-0000-4000-8000-000000000001");
        sns.put("TopicArn", "arn:aws:sns:eu-west-3:000000000000:customer-onboarding");
        sns.put("Message", SqsEvents.onboarding("acme", "sns.acme.example"));
        Message bad = Message.of("{\"app\": \"acme\"}");
        String dlq = server.url() + "/000000000000/link-on-signup-dlq";
        // With its certificate from Secrets Manager: the secret's tags are checked (DescribeSecret) before it is read.
        var issued = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=tls.acme.example", List.of("tls.acme.example"),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode certificate = JSON.createObjectNode();
        certificate.put("certificate", issued.certificatePem());
        certificate.put("privateKey", issued.privateKeyPem());
        sandbox.putSecret("scalingo-certs/acme-tls", certificate.toString(), Map.of("scalingo:app", "acme"));
        ObjectNode withCertificate = (ObjectNode) JSON.readTree(SqsEvents.onboarding("acme", "tls.acme.example"));
        withCertificate.put("tlsSecretId", "scalingo-certs/acme-tls");

        List<String> requestIds = new ArrayList<>();
        JsonNode answer = runAll("link-on-signup", Map.of("DEAD_LETTER_QUEUE_URL", dlq, "ROTATION_SECRET_NAME_PREFIX", "scalingo-certs/"),
                requestIds, SqsEvents.event(Message.of(SqsEvents.onboarding("acme", "new.acme.example")), Message.of(sns.toString()), bad,
                        Message.of(withCertificate.toString()))).get(0);

        assertEquals("{\"batchItemFailures\":[]}", answer.toString());
        assertEquals(Optional.of("/CN=tls.acme.example"), sandbox.certificateSubject("acme", "tls.acme.example"));
        assertTrue(sandbox.domainNames("acme").containsKey("new.acme.example"));
        assertTrue(sandbox.domainNames("acme").containsKey("sns.acme.example"));
        assertEquals("domain is required", sandbox.queue(dlq).get(0).attributes().get("failure-reason"));

        List<JsonNode> records = jsonLogRecords(Files.readString(Path.of("target/packaged-link-on-signup.log")));
        JsonNode linked = outcome(records, "new.acme.example");
        assertEquals("linked", linked.path("outcome").asText(), linked.toString());
        assertEquals("INFO", linked.path("level").asText());
        assertEquals("io.domainautomation.link-on-signup", linked.path("logger").asText());
        assertEquals(requestIds.get(0), linked.path("requestId").asText(), "the Lambda request id, at the top level");
        JsonNode rejected = records.stream().filter(r -> "rejected".equals(r.path("outcome").asText())).findFirst().orElseThrow();
        assertEquals("WARN", rejected.path("level").asText());
        assertEquals("domain is required", rejected.path("reason").asText());
        assertTrue(records.stream().anyMatch(r -> r.has("_aws") && r.has("DomainsLinked")), "the metrics are EMF lines");
        assertEquals(List.of("Domain Linked", "Domain Linked", "Domain Linked", "Domain Rejected"),
                sandbox.events().stream().filter(e -> e.eventBusName().equals("packaged-bus")).map(e -> e.detailType()).sorted().toList(),
                "the deployed artifact publishes its events (EventBridge, the real SDK)");
    }

    /**
     * Deployed, every line the function writes is one JSON object Lambda can filter by level and Logs Insights can
     * query: log records with an RFC 3339 timestamp, a level and a logger, or Embedded Metric Format documents.
     */
    private static List<JsonNode> jsonLogRecords(String log) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : log.lines().filter(line -> !line.isBlank()).toList()) {
            JsonNode record;
            try {
                record = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new AssertionError("a log line that is not JSON: " + line);
            }
            assertTrue(record.isObject(), line);
            if (!record.has("_aws")) {
                OffsetDateTime.parse(record.path("timestamp").asText());
                assertTrue(Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL").contains(record.path("level").asText()), line);
                assertFalse(record.path("logger").asText().isEmpty(), line);
            }
            records.add(record);
        }
        return records;
    }

    private static JsonNode outcome(List<JsonNode> records, String domain) {
        return records.stream().filter(r -> domain.equals(r.path("domain").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome line for " + domain + " in " + records));
    }

    /**
     * The deadline comes from the Lambda context: with 6 s left per invocation and a budget of one request a minute,
     * the second GET is a 503 within those seconds. Were the context ignored, the local timeout set here (10 minutes)
     * would let it wait a minute for its slot and answer 200.
     */
    @Test
    void theDeadlineIsTheLambdaContextsRemainingTime() throws Exception {
        Map<String, String> env = environment("set-canonical");
        env.putAll(Map.of("SCALINGO_RATE_LIMIT_REQUESTS", "1", "SCALINGO_RATE_LIMIT_INITIAL_SHARE", "1",
                "INVOCATION_LOCAL_TIMEOUT", "600s"));
        String get = HttpApiEvents.request("GET", "/apps/acme/canonical-domain", null);
        // 40 s in the context: room for a cold first invocation (the token's read, its exchange, then a request: each
        // sent only with its longest time left), far less than the 600 s of the local timeout and than the minute
        // until the one-request rate budget frees its next slot
        try (LocalRuntimeApi runtime = new LocalRuntimeApi(Duration.ofSeconds(40));
                PackagedFunction function = PackagedFunction.start(taskRoot, runtime.address(), env,
                        Path.of("target/packaged-deadline.log"), deployedJvmOptions("set-canonical"))) {
            JsonNode first = JSON.readTree(runtime.invoke(get, Duration.ofSeconds(60)).body());
            assertTrue(first.get("statusCode").asInt() < 500, first.toString());
            long started = System.nanoTime();
            JsonNode second = JSON.readTree(runtime.invoke(get, Duration.ofSeconds(60)).body());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(503, second.get("statusCode").asInt(), second.toString());
            assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "answered at once, not after waiting for the slot: "
                    + took.toMillis() + " ms");
            assertTrue(Integer.parseInt(second.get("headers").get("Retry-After").asText()) > 20);
            logs.add(function.log());
        }
    }

    /**
     * Offboarding through the deployed artifact, as link-on-signup's role: an unlink Scalingo refuses drops its tombstone
     * (DeleteItem) and is dead-lettered; a canonical domain is made non-canonical, unlinked, announced, and its tombstone
     * marked announced (UpdateItem).
     */
    @Test
    void offboardingWithSqsMessages() throws Exception {
        sandbox.addApp("leaving");
        sandbox.seedDomain("leaving", "gone.leaving.example", Instant.now().minus(Duration.ofDays(30)), "created", true);
        sandbox.seedDomain("leaving", "stuck.leaving.example", Instant.now().minus(Duration.ofDays(30)), "created", false);
        sandbox.faults().answerNext("domains.unlink", 404);
        String dlq = server.url() + "/000000000000/link-on-signup-dlq";
        Message stuck = Message.of("{\"action\":\"unlink\",\"app\":\"leaving\",\"domain\":\"stuck.leaving.example\"}");
        Message gone = Message.of("{\"action\":\"unlink\",\"app\":\"leaving\",\"domain\":\"gone.leaving.example\"}");

        List<JsonNode> answers = runAll("link-on-signup", Map.of("DEAD_LETTER_QUEUE_URL", dlq), SqsEvents.event(stuck),
                SqsEvents.event(gone));

        answers.forEach(answer -> assertEquals("{\"batchItemFailures\":[]}", answer.toString()));
        assertEquals(Map.of("stuck.leaving.example", false), sandbox.domainNames("leaving"));
        assertTrue(sandbox.queue(dlq).stream().anyMatch(m -> m.attributes().get("failure-reason").contains("refuses to unlink")));
        assertTrue(sandbox.events().stream().anyMatch(e -> e.eventBusName().equals("packaged-bus")
                && e.detailType().equals("Domain Removed") && e.detail().contains("gone.leaving.example")
                && e.detail().contains("\"reason\":\"offboarding\"")));
    }

    @Test
    void domainStatusWithAnApiGatewayV2Request() throws Exception {
        JsonNode answer = run("domain-status", Map.of(), HttpApiEvents.request("GET", "/apps/acme/domains/www.acme.example", null));
        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        JsonNode status = JSON.readTree(answer.get("body").asText());
        assertTrue(status.get("linked").asBoolean(), status.toString());
        assertEquals(true, status.at("/dns/checked").asBoolean(), status.toString());
        assertEquals(0, status.at("/dns/diagnosis").size(), "a CNAME to the app's host: nothing to fix: " + status);
        assertEquals(false, status.at("/cleanup/marked").asBoolean());
    }

    @Test
    void setCanonicalWithAnApiGatewayV2Request() throws Exception {
        JsonNode answer = run("set-canonical", Map.of(),
                HttpApiEvents.request("PUT", "/apps/acme/canonical-domain", "{\"domain\":\"www.acme.example\"}"));
        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        assertTrue(JSON.readTree(answer.get("body").asText()).get("canonical").asBoolean());
        assertEquals(Boolean.TRUE, sandbox.domainNames("acme").get("www.acme.example"));
    }

    @Test
    void rotationWithASecretChangeEventThenTheDailySchedule() throws Exception {
        var issued = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=www.acme.example", List.of("www.acme.example"),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode secret = JSON.createObjectNode();
        secret.put("certificate", issued.certificatePem());
        secret.put("privateKey", issued.privateKeyPem());
        sandbox.putSecret("scalingo-certs/acme-www", secret.toString(), Map.of("scalingo:app", "acme", "scalingo:domains", "www.acme.example"));
        String changed = """
                {"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.secretsmanager",
                 "account":"000000000000","time":"2026-11-26T10:00:00Z","region":"eu-west-3","resources":[],
                 "detail":{"eventSource":"secretsmanager.amazonaws.com","eventName":"PutSecretValue",
                   "requestParameters":{"secretId":"scalingo-certs/acme-www"},"responseElements":null}}""";
        String daily = "{\"scope\": \"all\"}";

        // A secret that fails its checks is announced once (Certificate Rejected); here the announcement cannot be
        // published, so its once-per-change record stays unconfirmed for the next run to announce it again.
        sandbox.putSecret("scalingo-certs/acme-broken", "{\"certificate\":\"not a certificate\",\"privateKey\":\"none\"}",
                Map.of("scalingo:app", "acme"));
        sandbox.faults().failEventEntries(10); // more than the publisher's attempts: it gives up on the events
        List<JsonNode> answers;
        try {
            answers = runAll("rotate-cert-from-secrets-manager", Map.of("ROTATION_SECRET_NAME_PREFIX", "scalingo-certs/"), changed, daily);
        } finally {
            sandbox.faults().reset();
        }

        assertEquals("rotated", entryOf(answers.get(0), "scalingo-certs/acme-www").get("outcome").asText(), answers.get(0).toString());
        assertEquals("unchanged", entryOf(answers.get(1), "scalingo-certs/acme-www").get("outcome").asText(), answers.get(1).toString());
        assertEquals("rejected", entryOf(answers.get(1), "scalingo-certs/acme-broken").get("outcome").asText(), answers.get(1).toString());
        assertEquals(Optional.of("/CN=www.acme.example"), sandbox.certificateSubject("acme", "www.acme.example"));

        // A daily run longer than its budget hands the rest on to the function itself (its live alias, as deployed).
        sandbox.addApp("beta");
        sandbox.seedDomain("beta", "www.beta.example", Instant.now(), "created", false);
        var betaIssued = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=www.beta.example", List.of("www.beta.example"),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
        ObjectNode betaSecret = JSON.createObjectNode();
        betaSecret.put("certificate", betaIssued.certificatePem());
        betaSecret.put("privateKey", betaIssued.privateKeyPem());
        sandbox.putSecret("scalingo-certs/beta-www", betaSecret.toString(), Map.of("scalingo:app", "beta"));
        while (sandbox.takeInvocation() != null) {
            // an earlier test's hand-offs are not this one's
        }
        JsonNode partial = run("rotate-cert-from-secrets-manager", Map.of("ROTATION_SECRET_NAME_PREFIX", "scalingo-certs/",
                "ROTATION_TIME_BUDGET", "1ms"), daily);
        assertTrue(partial.hasNonNull("continueAfter"), partial.toString());
        String[] handOff = sandbox.takeInvocation();
        assertEquals("local-rotate-cert:live", handOff[0], "handed on to itself, its live alias as the template names it");
        String key = issued.privateKeyPem().split("\n")[3];
        logs.forEach(l -> assertFalse(l.contains(key), "no private key in the output"));
    }

    private static JsonNode entryOf(JsonNode report, String secret) {
        for (JsonNode entry : report.get("entries")) {
            if (secret.equals(entry.path("secret").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no entry for " + secret + " in " + report);
    }

    @Test
    void cleanupWithTheScheduledEventIsADryRun() throws Exception {
        String scheduled = """
                {"version":"0","id":"2","detail-type":"Scheduled Event","source":"aws.scheduler","account":"000000000000",
                 "time":"2026-11-26T06:00:00Z","region":"eu-west-3","resources":[],"detail":{}}""";
        JsonNode answer = run("cleanup-stale", Map.of("CLEANUP_APPS_PREFIX", "acme"), scheduled);
        assertTrue(answer.get("done").asBoolean(), answer.toString());
        assertTrue(answer.get("dryRun").asBoolean());
        assertTrue(answer.get("appsScanned").asInt() >= 1);
        assertTrue(sandbox.domainNames("acme").containsKey("old.acme.example"), "a dry run removed nothing");
        List<JsonNode> records = jsonLogRecords(Files.readString(Path.of("target/packaged-cleanup-stale.log")));
        assertTrue(records.stream().anyMatch(r -> r.has("_aws") && r.path("ScansCompleted").asInt() == 1),
                "a scan that ended says so (ScanNotCompletedAlarm's metric)");
    }

    /**
     * The operator switches dry run on while a scan with removals is under way (a redeploy: the continuation runs in a
     * new process with the new configuration): the scan removes nothing more, whatever it started with.
     */
    @Test
    void dryRunSwitchedOnDuringAScanStopsItsRemovals() throws Exception {
        for (String app : List.of("switch-a", "switch-b")) {
            sandbox.addApp(app);
            sandbox.seedDomain(app, "gone." + app + ".example", Instant.now().minus(Duration.ofDays(30)), "pending_dns", false);
        }
        Map<String, String> removalsOn = Map.of("CLEANUP_DRY_RUN", "false", "CLEANUP_APPS_PREFIX", "switch-",
                "CLEANUP_CONFIRM_AFTER", "0s");
        JsonNode first = run("cleanup-stale", removalsOn, "{}");
        assertEquals(2, first.get("markedTotal").asInt(), first.toString());

        Map<String, String> oneAppPerInvocation = new HashMap<>(removalsOn);
        oneAppPerInvocation.put("CLEANUP_TIME_BUDGET", "1ms");
        JsonNode started = run("cleanup-stale", oneAppPerInvocation, "{}");
        assertFalse(started.get("done").asBoolean(), started.toString());
        assertFalse(started.get("dryRun").asBoolean());
        String[] continuation = sandbox.takeInvocation();
        assertEquals(Set.of("scanId", "step"), Set.copyOf(iterable(JSON.readTree(continuation[1]).fieldNames())));

        Map<String, String> switched = new HashMap<>(removalsOn);
        switched.put("CLEANUP_DRY_RUN", "true");
        JsonNode finished = run("cleanup-stale", switched, continuation[1]);
        assertTrue(finished.get("done").asBoolean(), finished.toString());
        assertTrue(finished.get("dryRun").asBoolean());
        assertEquals(2, finished.get("plannedRemovals").asInt(), "both confirmed, neither removed: " + finished);
        assertEquals(0, finished.get("removed").size());
        assertTrue(finished.get("errors").toString().contains("dry run switched on"), finished.toString());
        assertEquals(Set.of("gone.switch-a.example"), sandbox.domainNames("switch-a").keySet());
        assertEquals(Set.of("gone.switch-b.example"), sandbox.domainNames("switch-b").keySet());
    }

    private static <T> List<T> iterable(java.util.Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }

    @Test
    void onDemandInitReadsTheTokenAndExchangesABearerBeforeTheFirstEvent() throws Exception {
        sandbox.clearCounters();
        Path log = Path.of("target/packaged-on-demand-init.log");
        try (LocalRuntimeApi runtime = new LocalRuntimeApi();
                PackagedFunction function = PackagedFunction.start(taskRoot, runtime.address(), environment("set-canonical"), log,
                        deployedJvmOptions("set-canonical"))) {
            runtime.firstPoll().get(60, java.util.concurrent.TimeUnit.SECONDS);
            awaitCounter("auth.exchange", 1, function);
            assertEquals(1, sandbox.counter("secretsmanager.GetSecretValue"), "the token read once, in the init phase");
            assertEquals(0, sandbox.counter("secretsmanager.DescribeSecret"), "reading the token warmed the SDK already");

            LocalRuntimeApi.Answer answer = runtime.invoke(HttpApiEvents.request("GET", "/apps/acme/canonical-domain", null),
                    Duration.ofSeconds(60));

            assertFalse(answer.error(), answer.body());
            assertEquals(1, sandbox.counter("auth.exchange"), "the first invocation used the bearer of the init phase");
            assertEquals(1, sandbox.counter("secretsmanager.GetSecretValue"));
            logs.add(function.log());
        }
    }

    @Test
    void snapStartSnapshotHoldsNoSecretAndTheFunctionUsesContainerCredentialsAfterRestore() throws Exception {
        String authorizationToken = CONTAINER_AUTHORIZATION;
        sandbox.clearCounters();
        Map<String, String> env = snapStart(environment("link-on-signup"), authorizationToken);
        Path log = Path.of("target/packaged-snap-start.log");
        try (LocalRuntimeApi runtime = new LocalRuntimeApi();
                PackagedFunction function = PackagedFunction.start(taskRoot, runtime.address(), env, log,
                        deployedJvmOptions("link-on-signup"))) {
            runtime.snapshotPoint().get(60, java.util.concurrent.TimeUnit.SECONDS);
            Map<String, Integer> atSnapshot = sandbox.counters();
            assertEquals(0, atSnapshot.getOrDefault("secretsmanager.DescribeSecret", 0), "nothing reaches AWS before the snapshot: " + atSnapshot);
            assertEquals(0, atSnapshot.getOrDefault("secretsmanager.GetSecretValue", 0), "no token in the snapshot: " + atSnapshot);
            assertEquals(0, atSnapshot.getOrDefault("credentials.container", 0), "no role credentials in the snapshot: " + atSnapshot);
            assertEquals(0, atSnapshot.getOrDefault("auth.exchange", 0), "no bearer in the snapshot: " + atSnapshot);

            runtime.restore();
            LocalRuntimeApi.Answer answer = runtime.invoke(
                    SqsEvents.event(Message.of(SqsEvents.onboarding("acme", "restored.acme.example"))), Duration.ofSeconds(60));

            assertEquals("{\"batchItemFailures\":[]}", answer.body());
            assertTrue(sandbox.domainNames("acme").containsKey("restored.acme.example"));
            assertEquals(1, sandbox.counter("auth.exchange"), "one bearer, after the restore");
            assertTrue(sandbox.counter("credentials.container") >= 1);
            assertTrue(sandbox.signingKeys().contains(SandboxState.roleAccessKey("link-on-signup")), "signed with the role's container credentials");
            assertTrue(function.log().contains("restored from a SnapStart snapshot"), function.log());
            assertFalse(function.log().contains(authorizationToken), "the container authorization token is not logged");
            logs.add(function.log());
        }
    }

    @Test
    void noFunctionsSnapshotHoldsAConnectionAndEveryPrimingRanThrough() throws Exception {
        for (String export : IamAsDeployed.EXPORTS) {
            Map<String, String> env = snapStart(environment(export), CONTAINER_AUTHORIZATION);
            try (LocalRuntimeApi runtime = new LocalRuntimeApi();
                    PackagedFunction function = PackagedFunction.start(taskRoot, runtime.address(), env,
                            Path.of("target/packaged-snapshot-" + export + ".log"), deployedJvmOptions(export))) {
                runtime.snapshotPoint().get(60, java.util.concurrent.TimeUnit.SECONDS);
                int runtimeApi = Integer.parseInt(runtime.address().substring(runtime.address().lastIndexOf(':') + 1));

                List<Integer> connections = new ArrayList<>(function.connectedPorts());
                connections.removeIf(port -> port == runtimeApi);

                assertEquals(List.of(), connections, export + ": the snapshot would restore connections to these ports, dead by then"
                        + " (sandbox " + server.port() + ", ledger " + dynamo.url() + ")\n" + function.log());
                assertTrue(function.log().contains("cold-start priming before the snapshot took"), function.log());
                assertEquals(List.of(), function.log().lines().filter(line -> line.contains("cold-start priming:")).toList(),
                        export + ": a part of the priming did not run (its warning)");
            }
        }
    }

    private static Map<String, String> snapStart(Map<String, String> env, String authorizationToken) {
        return PackagedFunction.snapStart(env, server.port(), authorizationToken);
    }

    private static void awaitCounter(String counter, int expected, PackagedFunction function) throws Exception {
        for (int i = 0; i < 100 && sandbox.counter(counter) < expected; i++) {
            Thread.sleep(100);
        }
        assertEquals(expected, sandbox.counter(counter), counter + "\n" + function.log());
    }
}
