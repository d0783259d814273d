package io.domainautomation.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.domainautomation.testsupport.ProjectFiles;
import io.quarkus.funqy.Funq;
import io.smallrye.config.ConfigMapping;

/** template.yaml against the code it deploys, and against the rules the product promises. */
class TemplateTest {

    private static final String HANDLER = "io.domainautomation.functions.LambdaHandler::handleRequest";
    /** Scalingo's per-user limit, and the share of it the functions may use together: the rest is for people and tools. */
    private static final int SCALINGO_REQUESTS_PER_MINUTE = 60;
    private static final double SHARE_FOR_THE_FUNCTIONS = 0.9;
    /** Variables that configure the platform, not this code. */
    private static final Set<String> PLATFORM_VARIABLES = Set.of("DISABLE_SIGNAL_HANDLERS", "JAVA_TOOL_OPTIONS");
    /** Documented properties of AWS::Serverless::Function and AWS::Serverless::HttpApi (SAM specification). */
    private static final Set<String> SAM_FUNCTION_PROPERTIES = Set.of("Architectures", "AssumeRolePolicyDocument",
            "AutoPublishAlias", "AutoPublishAliasAllProperties", "AutoPublishCodeSha256", "CodeSigningConfigArn", "CodeUri",
            "DeadLetterQueue", "DeploymentPreference", "Description", "Environment", "EphemeralStorage", "EventInvokeConfig",
            "Events", "FileSystemConfigs", "FunctionName", "FunctionUrlConfig", "Handler", "ImageConfig", "ImageUri",
            "InlineCode", "KmsKeyArn", "Layers", "LoggingConfig", "MemorySize", "PackageType", "PermissionsBoundary",
            "Policies", "PropagateTags", "ProvisionedConcurrencyConfig", "RecursiveLoop", "ReservedConcurrentExecutions",
            "Role", "RolePath", "Runtime", "RuntimeManagementConfig", "SnapStart", "SourceKMSKeyArn", "Tags", "Timeout",
            "Tracing", "VersionDescription", "VersionDeletionPolicy", "VpcConfig");
    private static final Set<String> SAM_HTTP_API_PROPERTIES = Set.of("AccessLogSettings", "Auth", "CorsConfiguration",
            "DefaultRouteSettings", "DefinitionBody", "DefinitionUri", "Description", "DisableExecuteApiEndpoint", "Domain",
            "FailOnWarnings", "Name", "PropagateTags", "RouteSettings", "StageName", "StageVariables", "Tags");

    /** The project's metrics' namespace as the dashboard's !Sub names it (this test reads ${X} as X). */
    private static final String NAMESPACE = "ScalingoDomainAutomation/AWS::StackName";
    private static JsonNode template;
    private static Map<String, JsonNode> functions;

    @BeforeAll
    static void read() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.at("template.yaml").toFile());
        functions = new HashMap<>();
        template.get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.put(r.getKey(), r.getValue().get("Properties"));
            }
        });
    }

    @Test
    void everyExportNamesAnExistingFunqyFunctionAndAllFourAreDeployed() throws Exception {
        Set<String> funqs = funqyFunctions();
        assertEquals(Set.of("link-on-signup", "rotate-cert-from-secrets-manager", "set-canonical", "cleanup-stale",
                "domain-status"), funqs);
        Set<String> exported = new HashSet<>();
        functions.forEach((name, properties) -> {
            String export = properties.path("Environment").path("Variables").path("QUARKUS_FUNQY_EXPORT").asText();
            assertTrue(funqs.contains(export), name + " exports " + export + ", which is no @Funq");
            exported.add(export);
        });
        assertEquals(funqs, exported);
    }

    @Test
    void theHandlerWrapsFunqysStreamHandlerAndExists() throws Exception {
        JsonNode globals = template.path("Globals").path("Function");
        assertEquals(HANDLER, globals.path("Handler").asText());
        assertEquals("java21", globals.path("Runtime").asText());
        assertEquals("target/function.zip", globals.path("CodeUri").asText());
        functions.values().forEach(f -> assertTrue(f.path("Handler").isMissingNode(), "no function overrides the handler"));
        Class<?> handler = Class.forName(HANDLER.split("::")[0]);
        assertTrue(Stream.of(handler.getMethods()).anyMatch(m -> m.getName().equals("handleRequest")));
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        assertEquals("live", globals.path("AutoPublishAlias").asText());
        assertEquals("JSON", globals.path("LoggingConfig").path("LogFormat").asText());
    }

    @Test
    void everyVariableSetIsAPropertyTheCodeReadsAndTheRequiredOnesAreSet() throws Exception {
        Set<String> known = knownEnvironmentNames();
        Map<String, String> globals = variables(template.path("Globals").path("Function"));
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            Map<String, String> all = new HashMap<>(globals);
            all.putAll(variables(function.getValue()));
            for (String variable : all.keySet()) {
                assertTrue(known.contains(variable) || PLATFORM_VARIABLES.contains(variable),
                        function.getKey() + " sets " + variable + ", which no configuration property of the code reads");
            }
            assertTrue(all.containsKey("SCALINGO_API_TOKEN_SECRET_ID"), function.getKey() + " needs the token secret");
            assertFalse(all.containsKey("SCALINGO_API_TOKEN"), "the token itself is never an environment value");
        }
        assertTrue(variables(functions.get("LinkOnSignupFunction")).containsKey("DEAD_LETTER_QUEUE_URL"));
        assertTrue(variables(functions.get("CleanupStaleFunction")).containsKey("CLEANUP_DRY_RUN"));
    }

    @Test
    void theQueueRulesHold() {
        JsonNode resources = template.get("Resources");
        JsonNode queue = resources.get("OnboardingQueue").get("Properties");
        int functionTimeout = functions.get("LinkOnSignupFunction").get("Timeout").asInt();
        assertTrue(queue.get("VisibilityTimeout").asInt() >= 6 * functionTimeout, "visibility timeout at least 6x the timeout");
        assertTrue(queue.get("RedrivePolicy").get("maxReceiveCount").asInt() >= 5);
        JsonNode event = functions.get("LinkOnSignupFunction").get("Events").get("Onboarding").get("Properties");
        assertEquals("ReportBatchItemFailures", event.get("FunctionResponseTypes").get(0).asText());
        assertTrue(event.get("BatchSize").asInt() <= 10);
    }

    @Test
    void togetherTheFunctionsStayWithinScalingosRateLimit() {
        int total = 0;
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            JsonNode properties = function.getValue();
            int concurrency = properties.has("ReservedConcurrentExecutions") ? properties.get("ReservedConcurrentExecutions").asInt()
                    : properties.path("Events").path("Onboarding").path("Properties").path("ScalingConfig").path("MaximumConcurrency").asInt(0);
            assertTrue(concurrency > 0, function.getKey() + " has bounded concurrency");
            total += concurrency * Integer.parseInt(variables(properties).get("SCALINGO_RATE_LIMIT_REQUESTS"));
        }
        assertTrue(total <= SHARE_FOR_THE_FUNCTIONS * SCALINGO_REQUESTS_PER_MINUTE, "all containers together may send "
                + total + " requests a minute, more than " + SHARE_FOR_THE_FUNCTIONS + " of Scalingo's limit");
    }

    @Test
    void noStatementGrantsEverythingOnSecretsManager() {
        functions.forEach((name, properties) -> properties.path("Policies").forEach(policy -> policy.path("Statement").forEach(statement -> {
            List<String> actions = texts(statement.get("Action"));
            List<String> resources = texts(statement.get("Resource"));
            assertFalse(actions.stream().anyMatch(a -> a.equals("*") || a.endsWith(":*")), name + " grants a wildcard action");
            if (resources.contains("*")) {
                assertEquals(List.of("secretsmanager:ListSecrets"), actions,
                        name + ": only ListSecrets, which has no resource-level permission, may use *");
            }
        })));
    }

    /** A metric-math expression names only the metrics its own alarm defines (CloudFormation refuses others). */
    @Test
    void everyAlarmExpressionNamesItsOwnMetrics() {
        List<String> functionsOfMetricMath = List.of("FILL", "SUM", "MAX", "MIN", "AVG", "IF", "ABS", "RATE", "METRICS");
        template.get("Resources").fields().forEachRemaining(resource -> {
            JsonNode metrics = resource.getValue().path("Properties").path("Metrics");
            Set<String> ids = new HashSet<>();
            metrics.forEach(m -> ids.add(m.path("Id").asText()));
            metrics.forEach(m -> {
                if (m.has("Expression")) {
                    java.util.regex.Matcher name = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]*")
                            .matcher(m.get("Expression").asText());
                    while (name.find()) {
                        String id = name.group();
                        assertTrue(functionsOfMetricMath.contains(id) || ids.contains(id),
                                resource.getKey() + "'s expression names " + id + ", which it does not define: " + ids);
                    }
                }
            });
        });
    }

    /** domain-status answers a person: its DNS and Scalingo bounds fit in its invocation's time. */
    @Test
    void domainStatusFitsItsLookupsInItsTimeout() {
        JsonNode function = functions.get("DomainStatusFunction");
        Map<String, String> variables = variables(function);
        long dnsMillis = java.time.Duration.parse("PT" + variables.get("DNS_TIMEOUT").toUpperCase(Locale.ROOT)).toMillis();
        long requestMillis = Long.parseLong(variables.get("QUARKUS_REST_CLIENT_SCALINGO_API_CONNECT_TIMEOUT"))
                + Long.parseLong(variables.get("QUARKUS_REST_CLIENT_SCALINGO_API_READ_TIMEOUT"));
        long deadlineMillis = (function.path("Timeout").asLong() - 1) * 1000; // less the invocation's margin
        // the list, then three DNS worst cases (4 queries each): both fit, with room for the ledger's quick reads
        assertTrue(requestMillis + 3 * 4 * dnsMillis <= deadlineMillis - 2000, "DNS is asked within the deadline after the list");
    }

    @Test
    void everyFunctionMayReadTheTokenSecretAndNothingMoreOnIt() {
        assertEquals(5, functions.size());
        functions.forEach((name, properties) -> {
            List<String> actions = new ArrayList<>();
            properties.path("Policies").forEach(policy -> policy.path("Statement").forEach(statement -> {
                if (texts(statement.get("Resource")).contains("ScalingoApiTokenSecretArn")) {
                    actions.addAll(texts(statement.get("Action")));
                }
            }));
            // Read only: nothing describes it any more (the priming sends nothing to AWS before a snapshot).
            assertEquals(Set.of("secretsmanager:GetSecretValue"), Set.copyOf(actions), name);
        });
    }

    @Test
    void guardsAreOnByDefault() {
        assertEquals("true", template.get("Parameters").get("CleanupDryRun").get("Default").asText());
        assertEquals(1, functions.get("CleanupStaleFunction").get("ReservedConcurrentExecutions").asInt());
        JsonNode api = template.get("Resources").get("CanonicalHttpApi").get("Properties");
        assertEquals("AWS_IAM", api.get("Auth").get("DefaultAuthorizer").asText());
        functions.get("SetCanonicalFunction").get("Events").forEach(e -> {
            assertEquals("HttpApi", e.get("Type").asText());
            assertEquals("2.0", e.get("Properties").get("PayloadFormatVersion").asText());
        });
    }

    @Test
    void samResourcesUseOnlyDocumentedProperties() {
        template.get("Resources").fields().forEachRemaining(r -> {
            String type = r.getValue().path("Type").asText();
            Set<String> allowed = type.equals("AWS::Serverless::Function") ? SAM_FUNCTION_PROPERTIES
                    : type.equals("AWS::Serverless::HttpApi") ? SAM_HTTP_API_PROPERTIES : null;
            if (allowed != null) {
                r.getValue().path("Properties").fieldNames().forEachRemaining(p ->
                        assertTrue(allowed.contains(p), r.getKey() + ": " + p + " is no documented property of " + type));
            }
        });
        template.path("Globals").path("Function").fieldNames().forEachRemaining(p -> assertTrue(SAM_FUNCTION_PROPERTIES.contains(p), p));
    }

    @Test
    void theOutputsAreThere() {
        Set<String> outputs = new HashSet<>();
        template.get("Outputs").fieldNames().forEachRemaining(outputs::add);
        assertEquals(Set.of("OnboardingQueueUrl", "DeadLetterQueueUrl", "OnboardingQueueArn", "DeadLetterQueueArn",
                "HttpApiUrl", "DashboardUrl", "CleanupLedgerTableName", "EventBusName", "AsyncFailuresQueueUrl"), outputs, "what infra/OPERATIONS.md and README use");
    }

    /** Every function publishes its lifecycle events on the domain bus (Globals give its name), and may nowhere else. */
    @Test
    void everyFunctionMayPublishOnTheDomainBusOnly() {
        JsonNode policy = template.path("Resources").path("PublishDomainEventsPolicy");
        assertEquals("AWS::IAM::ManagedPolicy", policy.path("Type").asText());
        JsonNode statements = policy.path("Properties").path("PolicyDocument").path("Statement");
        assertEquals(1, statements.size());
        assertEquals("events:PutEvents", statements.get(0).path("Action").asText());
        JsonNode resource = statements.get(0).path("Resource");
        assertEquals("CreateEventBus", resource.get(0).asText());
        assertEquals("DomainEventBus.Arn", resource.get(1).asText());
        assertTrue(resource.get(2).asText().endsWith(":event-bus/${EventBusName}"), resource.toString());
        assertTrue(variables(template.path("Globals").path("Function")).containsKey("EVENTS_BUS_NAME"));
        functions.forEach((name, function) -> {
            List<String> attached = new ArrayList<>();
            function.path("Policies").forEach(p -> attached.add(p.asText()));
            // domain-status only reads: it publishes nothing
            assertEquals(!name.equals("DomainStatusFunction"), attached.contains("PublishDomainEventsPolicy"),
                    name + " publishes its events, and only the functions that have events");
            assertFalse(function.toString().contains("events:"), name + " has no other EventBridge permission");
        });
    }

    /** An event no function could publish is alarmed, for every function, and the operations guide says what to do. */
    @Test
    void unpublishedEventsOfEveryFunctionAreAlarmed() throws IOException {
        JsonNode alarm = template.path("Resources").path("EventsUnpublishedAlarm").path("Properties");
        Set<String> functionsCounted = new HashSet<>();
        alarm.path("Metrics").forEach(m -> {
            if (m.has("MetricStat")) {
                assertEquals("EventsUnpublished", m.at("/MetricStat/Metric/MetricName").asText());
                functionsCounted.add(m.at("/MetricStat/Metric/Dimensions/0/Value").asText());
            }
        });
        assertEquals(Set.of("link-on-signup", "rotate-cert-from-secrets-manager", "set-canonical", "cleanup-stale"), functionsCounted);
        assertEquals(0, alarm.path("Threshold").asInt());
        assertTrue(Files.readString(ProjectFiles.at("infra/OPERATIONS.md")).contains("## EventsUnpublishedAlarm"));
    }

    /**
     * The ledger's table has the keys the code and the local dynalite table use, keeps its history (point-in-time
     * recovery, retained on stack deletion), expires what no longer matters, and cleanup-stale and the rotation may
     * call on it exactly the DynamoDB operations their adapters make, nothing more, and the others nothing.
     */
    @Test
    void theCleanupLedgerTableAndItsPermissions() throws IOException {
        JsonNode table = template.path("Resources").path("CleanupLedgerTable");
        assertEquals("AWS::DynamoDB::Table", table.path("Type").asText());
        // Kept after the first create (tombstones are what a restore needs), no orphan from a failed first create.
        assertEquals("RetainExceptOnCreate", table.path("DeletionPolicy").asText());
        assertEquals("Retain", table.path("UpdateReplacePolicy").asText());
        JsonNode properties = table.path("Properties");
        // Not in the template: it would stop a failed first create's rollback from deleting the table (deploy.md
        // turns it on after the first deploy).
        assertTrue(properties.path("DeletionProtectionEnabled").isMissingNode(), "no deletion protection in the template");
        assertEquals("PAY_PER_REQUEST", properties.path("BillingMode").asText());
        assertEquals("[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]",
                properties.path("KeySchema").toString());
        assertTrue(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertEquals("expiresAt", properties.path("TimeToLiveSpecification").path("AttributeName").asText());
        String sandboxTable = Files.readString(ProjectFiles.at("src/sandbox/src/main/java/io/domainautomation/sandbox/LocalDynamo.java"));
        assertTrue(sandboxTable.contains("{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}"),
                "dynalite's table has the same keys");

        Map<String, List<String>> adapters = Map.of(
                "CleanupStaleFunction", List.of("DynamoDbLedger.java", "DynamoDbTombstones.java", "DynamoDbBudgetStore.java"),
                "RotateCertFunction", List.of("DynamoDbDeployments.java", "DynamoDbBudgetStore.java"),
                "LinkOnSignupFunction", List.of("DynamoDbLinks.java", "DynamoDbTombstones.java", "DynamoDbBudgetStore.java",
                        "DynamoDbOwnershipProofs.java",
                        "DynamoDbProofReads.java"),
                "SetCanonicalFunction", List.of("DynamoDbCanonicals.java", "DynamoDbBudgetStore.java"),
                "DomainStatusFunction", List.of("DynamoDbCleanupRecords.java", "DynamoDbProofReads.java"));
        for (Map.Entry<String, List<String>> adapter : adapters.entrySet()) {
            StringBuilder code = new StringBuilder();
            for (String file : adapter.getValue()) {
                code.append(Files.readString(ProjectFiles.at("src/functions/src/main/java/io/domainautomation/aws/" + file)));
            }
            Set<String> used = new HashSet<>();
            java.util.regex.Matcher call = java.util.regex.Pattern.compile("dynamo\\.get\\(\\)\\s*\\.(\\w+)\\(").matcher(code);
            while (call.find()) {
                used.add("dynamodb:" + Character.toUpperCase(call.group(1).charAt(0)) + call.group(1).substring(1));
            }
            JsonNode function = functions.get(adapter.getKey());
            Set<String> granted = new HashSet<>();
            for (JsonNode policy : function.path("Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    for (JsonNode action : statement.path("Action")) {
                        if (action.asText().startsWith("dynamodb:")) {
                            granted.add(action.asText());
                            assertEquals("CleanupLedgerTable.Arn", statement.path("Resource").asText(), "only on the ledger's table");
                        }
                    }
                }
            }
            assertEquals(used, granted, adapter.getKey() + " may call exactly what " + adapter.getValue() + " calls");
            assertEquals("CleanupLedgerTable", function.path("Environment").path("Variables").path("LEDGER_TABLE").asText());
        }
        functions.forEach((name, function) -> assertFalse(!adapters.containsKey(name)
                && function.toString().contains("dynamodb:"), name + " has no business with the ledger"));
    }

    /**
     * The routes keep the app in the path, so an IAM policy can grant execute-api:Invoke on one app's routes only
     * (the route ARN ends with METHOD/apps/APP/canonical-domain), as infra/examples/set-canonical-one-app-policy.json
     * does; and every route is IAM-authorised.
     */
    @Test
    void setCanonicalRoutesLetAPolicyGrantOneAppOnly() throws IOException {
        Set<String> routes = new HashSet<>();
        functions.get("SetCanonicalFunction").path("Events").forEach(event -> {
            if (event.path("Type").asText().equals("HttpApi")) {
                routes.add(event.path("Properties").path("Method").asText() + " " + event.path("Properties").path("Path").asText());
            }
        });
        assertEquals(Set.of("GET /apps/{app}/canonical-domain", "PUT /apps/{app}/canonical-domain",
                "DELETE /apps/{app}/canonical-domain"), routes);
        JsonNode policy = new ObjectMapper().readTree(ProjectFiles.at("infra/examples/set-canonical-one-app-policy.json").toFile());
        Set<String> granted = new HashSet<>();
        policy.get("Statement").forEach(statement -> statement.get("Resource").forEach(resource -> {
            java.util.regex.Matcher arn = java.util.regex.Pattern
                    .compile("arn:aws:execute-api:[a-z0-9-]+:[0-9]{12}:[a-z0-9]+/[^/]+/(GET|PUT|DELETE)/apps/([a-z0-9-]+)/canonical-domain")
                    .matcher(resource.asText());
            assertTrue(arn.matches(), "a route ARN of one app: " + resource.asText());
            granted.add(arn.group(1) + " /apps/{app}/canonical-domain");
            assertEquals("shop-prod", arn.group(2));
        }));
        assertEquals(routes, granted, "the example grants each route, for one app");
        assertEquals("AWS_IAM", template.get("Resources").get("CanonicalHttpApi").get("Properties").path("Auth")
                .path("DefaultAuthorizer").asText());
    }

    /**
     * Every custom metric on the operators' dashboard is one the code emits, in its namespace and with its dimensions
     * (read from the sources' emit and count calls), so no widget stays empty after a rename; every function has its
     * errors, durations and throttles.
     */
    @Test
    void theDashboardShowsOnlyMetricsTheCodeEmits() throws IOException {
        Map<String, Set<String>> emitted = emittedMetrics();
        assertTrue(emitted.keySet().containsAll(List.of("DomainsLinked", "MessagesRejected", "CertificateDaysToExpiry",
                "StaleDomainsRemoved", "ConfigurationErrors")), "the scan found the metrics: " + emitted);
        String body = template.get("Resources").get("OperationsDashboard").get("Properties").get("DashboardBody").asText()
                .replaceAll("\\$\\{([^}]+)\\}", "$1");
        JsonNode widgets = new ObjectMapper().readTree(body).get("widgets");
        Set<String> shown = new HashSet<>();
        Map<String, Set<String>> lambdaMetrics = new HashMap<>();
        for (JsonNode widget : widgets) {
            for (JsonNode metric : widget.path("properties").path("metrics")) {
                if (metric.get(0).isObject()) {
                    java.util.regex.Matcher search = java.util.regex.Pattern
                            .compile("SEARCH\\('\\{" + java.util.regex.Pattern.quote(NAMESPACE) + ",([A-Za-z,]+)\\} MetricName=\"(\\w+)\"").matcher(metric.get(0).get("expression").asText());
                    assertTrue(search.find(), "a SEARCH of the project's namespace: " + metric);
                    assertEquals(Set.of(search.group(1).split(",")), emitted.get(search.group(2)), search.group(2) + "'s dimensions");
                    shown.add(search.group(2));
                    continue;
                }
                String namespace = metric.get(0).asText();
                String name = metric.get(1).asText();
                Set<String> dimensions = new HashSet<>();
                for (int i = 2; i + 1 < metric.size() && metric.get(i).isTextual(); i += 2) {
                    dimensions.add(metric.get(i).asText());
                }
                if (namespace.equals(NAMESPACE)) {
                    assertTrue(emitted.containsKey(name), name + " is not emitted by the code");
                    assertEquals(emitted.get(name), dimensions, name + "'s dimensions");
                    shown.add(name);
                } else if (namespace.equals("AWS/Lambda")) {
                    lambdaMetrics.computeIfAbsent(name, k -> new HashSet<>()).add(metric.get(3).asText());
                }
            }
        }
        assertTrue(shown.containsAll(List.of("DomainsLinked", "DomainsAlreadyLinked", "MessagesRejected", "MessagesRetried",
                "MinCertificateDaysToExpiry", "CertificateDaysToExpiry", "CertificatesRotated", "RotationProblems",
                "StaleCandidates", "StaleDomainsRemoved", "ConfigurationErrors")), "shown: " + shown);
        for (String metric : List.of("Errors", "Duration", "Throttles")) {
            assertEquals(4, lambdaMetrics.getOrDefault(metric, Set.of()).size(), metric + " for each of the four functions");
        }
    }

    /** Metric name to dimension names, from the {@code metrics.emit(...)} and {@code count(...)} calls of the sources. */
    private static Map<String, Set<String>> emittedMetrics() throws IOException {
        Map<String, Set<String>> emitted = new HashMap<>();
        java.util.regex.Pattern emit = java.util.regex.Pattern.compile("emit\\(\"(\\w+)\",[^;]*?Map\\.of\\(([^;]*)\\)\\);", java.util.regex.Pattern.DOTALL);
        java.util.regex.Pattern count = java.util.regex.Pattern.compile("\\bcount\\(([^;]*?)\\);");
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"(\\w+)\"");
        try (Stream<Path> sources = Files.walk(ProjectFiles.at("src/functions/src/main/java"))) {
            for (Path source : (Iterable<Path>) sources.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String code = Files.readString(source);
                java.util.regex.Matcher call = emit.matcher(code);
                while (call.find()) {
                    Set<String> dimensions = new HashSet<>();
                    literal.matcher(call.group(2)).results().forEach(m -> dimensions.add(m.group(1)));
                    emitted.put(call.group(1), dimensions);
                }
                if (code.contains("private void count(String metric)")) {
                    java.util.regex.Matcher counted = count.matcher(code);
                    while (counted.find()) {
                        literal.matcher(counted.group(1)).results().forEach(m -> emitted.put(m.group(1), Set.of("Function")));
                    }
                }
            }
        }
        return emitted;
    }

    @Test
    void twoStacksInOneAccountAndRegionDoNotCollideOnScheduleNames() {
        functions.forEach((name, properties) -> properties.path("Events").fields().forEachRemaining(event -> {
            if (event.getValue().path("Type").asText().equals("ScheduleV2")) {
                String scheduleName = event.getValue().path("Properties").path("Name").asText();
                assertTrue(scheduleName.contains("${AWS::StackName}"), name + "'s schedule is named after the stack: " + scheduleName);
            }
        }));
    }

    @Test
    void theDeadLetterQueueKeepsMessagesLongerThanTheSourceQueue() {
        JsonNode resources = template.get("Resources");
        int source = resources.get("OnboardingQueue").get("Properties").get("MessageRetentionPeriod").asInt();
        int dead = resources.get("OnboardingDeadLetterQueue").get("Properties").get("MessageRetentionPeriod").asInt();
        assertTrue(dead > source, "a redriven message keeps its first enqueue time: DLQ " + dead + " s, source " + source + " s");
    }

    @Test
    void asynchronousFunctionsAreAlarmedOnDroppedEventsNotOnThrottles() {
        JsonNode resources = template.get("Resources");
        String throttles = resources.get("ThrottlesAlarm").toString();
        String dropped = resources.get("AsyncEventsDroppedAlarm").toString();
        for (String asynchronous : List.of("RotateCertFunction", "CleanupStaleFunction")) {
            assertFalse(throttles.contains(asynchronous), asynchronous + "'s throttles are retried by Lambda, no failure");
            assertTrue(dropped.contains(asynchronous) && dropped.contains("AsyncEventsDropped"));
        }
        for (String synchronous : List.of("LinkOnSignupFunction", "SetCanonicalFunction", "DomainStatusFunction")) {
            assertTrue(throttles.contains(synchronous));
        }
    }

    /**
     * Asynchronous work that fails for good is kept, not only counted: the rotation and the cleanup send what Lambda
     * gave up on to a queue, every schedule and rule has a dead-letter queue, each of those queues is watched by
     * FailedDeliveriesAlarm, and OPERATIONS.md says how to replay them.
     */
    @Test
    void failuresOfAsynchronousWorkAreKeptAlarmedAndReplayable() throws IOException {
        JsonNode resources = template.get("Resources");
        Set<String> kept = new HashSet<>();
        for (String asynchronous : List.of("RotateCertFunction", "CleanupStaleFunction")) {
            JsonNode onFailure = functions.get(asynchronous).path("EventInvokeConfig").path("DestinationConfig").path("OnFailure");
            assertEquals("SQS", onFailure.path("Type").asText(), asynchronous + " keeps its failed invocations");
            kept.add(onFailure.path("Destination").asText().replace(".Arn", ""));
            functions.get(asynchronous).path("Events").fields().forEachRemaining(event -> {
                String type = event.getValue().path("Type").asText();
                if (type.equals("ScheduleV2") || type.equals("EventBridgeRule") || type.equals("Schedule")) {
                    JsonNode deadLetters = event.getValue().path("Properties").path("DeadLetterConfig");
                    // A queue declared here (Arn), not one SAM makes (Type: SQS), which keeps 4 days and goes with the stack.
                    assertTrue(deadLetters.path("Arn").asText().endsWith(".Arn"),
                            asynchronous + "." + event.getKey() + " has a dead-letter queue declared in the template: " + deadLetters);
                    kept.add(deadLetters.path("Arn").asText().replace(".Arn", ""));
                }
            });
        }
        resources.fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Events::Rule")) {
                resource.getValue().path("Properties").path("Targets").forEach(target -> {
                    assertTrue(target.path("DeadLetterConfig").has("Arn"), resource.getKey() + "'s target has a dead-letter queue");
                    kept.add(target.path("DeadLetterConfig").path("Arn").asText().replace(".Arn", ""));
                });
            }
        });
        assertEquals(Set.of("AsyncFailuresQueue", "RotationScheduleFailuresQueue", "SecretEventFailuresQueue", "CleanupScheduleFailuresQueue"),
                kept);
        Set<String> watched = new HashSet<>();
        resources.path("FailedDeliveriesAlarm").path("Properties").path("Metrics").forEach(metric -> {
            if (metric.has("MetricStat")) {
                watched.add(metric.at("/MetricStat/Metric/Dimensions/0/Value").asText().replace(".QueueName", ""));
            }
        });
        assertEquals(kept, watched, "FailedDeliveriesAlarm watches every failure queue");
        Set<String> queues = new HashSet<>(kept);
        queues.add("OnboardingDeadLetterQueue");
        for (String queue : queues) {
            JsonNode declared = resources.path(queue);
            assertEquals("AWS::SQS::Queue", declared.path("Type").asText(), queue);
            assertEquals("RetainExceptOnCreate", declared.path("DeletionPolicy").asText(),
                    queue + ": deleting the stack does not drop messages waiting for a replay");
            assertEquals("Retain", declared.path("UpdateReplacePolicy").asText(), queue);
            assertEquals(1209600, declared.path("Properties").path("MessageRetentionPeriod").asInt(), queue + " keeps 14 days");
            assertTrue(declared.path("Properties").path("SqsManagedSseEnabled").asBoolean(), queue + " is encrypted");
        }
        String operations = Files.readString(ProjectFiles.at("infra/OPERATIONS.md"));
        assertTrue(operations.contains("## FailedDeliveriesAlarm"), "OPERATIONS.md says how to replay");
        for (String queue : kept) {
            assertTrue(operations.contains(queue), "OPERATIONS.md names " + queue);
        }
    }

    /**
     * A dead-letter queue nobody may send to keeps nothing. After SAM's transform (what CloudFormation is given): each
     * schedule's role, which SAM makes, may send to its queue, and each rule's queue has a policy letting EventBridge
     * send for exactly that rule (whose logical id SAM makes from the function's event name).
     */
    @Test
    void everyDeadLetterQueueMayBeSentToByItsSender() throws Exception {
        SamTransform.assumePresent();
        List<String> senders = SamTransform.lines("dead-letter-senders", ProjectFiles.at("template.yaml"), "ReleaseId=" + "c".repeat(64));
        assertEquals(List.of(
                "CleanupStaleFunctionDaily -> CleanupScheduleFailuresQueue: allowed by CleanupStaleFunctionDailyRole",
                "RotateCertFunctionDaily -> RotationScheduleFailuresQueue: allowed by RotateCertFunctionDailyRole",
                "RotateCertFunctionSecretLabelUpdated -> SecretEventFailuresQueue: allowed by RotateCertFunctionSecretLabelUpdatedQueuePolicy",
                "RotationCloudTrailRule -> AsyncFailuresQueue: allowed by AsyncFailuresQueuePolicy"), senders);
    }

    @Test
    void theExpiryAlarmIsQuietWithoutCertificatesAndARotationThatStopsIsAlarmedApart() {
        JsonNode resources = template.get("Resources");
        assertEquals("notBreaching", resources.get("CertificateExpiryAlarm").get("Properties").get("TreatMissingData").asText());
        JsonNode notRun = resources.get("RotationNotRunAlarm").get("Properties");
        // Completed runs over every secret, not any invocation (a secret-change event is no daily watch).
        assertEquals("FullRunsCompleted", notRun.get("MetricName").asText());
        assertEquals("breaching", notRun.get("TreatMissingData").asText());
        assertEquals(2, notRun.get("EvaluationPeriods").asInt(), "two days without a completed run");
        // The cleanup alike: a scan whose invocations all fail reports no ScanOverdue, and must still be seen.
        JsonNode notCompleted = resources.get("ScanNotCompletedAlarm").get("Properties");
        assertEquals("ScansCompleted", notCompleted.get("MetricName").asText());
        assertEquals("breaching", notCompleted.get("TreatMissingData").asText());
        assertEquals(86400 * 2, notCompleted.get("Period").asInt() * notCompleted.get("EvaluationPeriods").asInt());
    }

    @Test
    void samconfigParameterOverridesAreAllAcceptedBySamCli() throws IOException {
        String samconfig = java.nio.file.Files.readString(ProjectFiles.at("infra/samconfig.toml"));
        java.util.regex.Matcher override = java.util.regex.Pattern.compile("\"([A-Za-z0-9]+)=([^\"]*)\"").matcher(samconfig);
        int seen = 0;
        while (override.find()) {
            seen++;
            assertFalse(override.group(2).isEmpty(), override.group(1) + "= has an empty value, which SAM CLI rejects");
            assertTrue(template.get("Parameters").has(override.group(1)), override.group(1) + " is a template parameter");
        }
        assertTrue(seen > 0, "samconfig.toml sets parameter overrides");
    }

    private static Map<String, String> variables(JsonNode properties) {
        Map<String, String> variables = new HashMap<>();
        properties.path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue().asText()));
        return variables;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node == null) {
            return texts;
        }
        if (node.isArray()) {
            node.forEach(n -> texts.add(n.asText()));
        } else {
            texts.add(node.asText());
        }
        return texts;
    }

    private static List<Class<?>> applicationClasses() throws IOException {
        Path root = Path.of("target/classes");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("io/domainautomation"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                try {
                    classes.add(Class.forName(name, false, TemplateTest.class.getClassLoader()));
                } catch (ClassNotFoundException | NoClassDefFoundError skipped) {
                    // generated or optional classes
                }
            }
        }
        return classes;
    }

    private static Set<String> funqyFunctions() throws IOException {
        Set<String> names = new HashSet<>();
        for (Class<?> type : applicationClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                Funq funq = method.getAnnotation(Funq.class);
                if (funq != null) {
                    names.add(funq.value().isEmpty() ? method.getName() : funq.value());
                }
            }
        }
        return names;
    }

    /** Every property the code reads (@ConfigProperty, @ConfigMapping), in environment-variable form. */
    private static Set<String> knownEnvironmentNames() throws IOException {
        Set<String> properties = new HashSet<>(Set.of("quarkus.funqy.export"));
        for (Class<?> type : applicationClasses()) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            if (mapping != null) {
                collectMapping(mapping.prefix(), type, properties);
            }
            for (var field : type.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property != null) {
                    properties.add(property.name());
                }
            }
            for (var constructor : type.getDeclaredConstructors()) {
                for (Parameter parameter : constructor.getParameters()) {
                    ConfigProperty property = parameter.getAnnotation(ConfigProperty.class);
                    if (property != null) {
                        properties.add(property.name());
                    }
                }
            }
        }
        Set<String> environment = new HashSet<>();
        properties.forEach(p -> environment.add(p.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
        return environment;
    }

    private static void collectMapping(String prefix, Class<?> type, Set<String> properties) {
        for (Method method : type.getDeclaredMethods()) {
            String name = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == type) {
                collectMapping(name, method.getReturnType(), properties);
            } else {
                properties.add(name);
            }
        }
    }
}
