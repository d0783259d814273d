package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import io.domainautomation.testsupport.ProjectFiles;

/**
 * The sandbox's IAM: template.yaml's policies read as CloudFormation and IAM would (short-form tags, parameters,
 * conditions, managed policies of the template), evaluated as IAM does, and a denied call answered as AWS answers it.
 */
class TemplateIamTest {

    private static final String CERTS = "arn:aws:secretsmanager:eu-west-3:000000000000:secret:scalingo-certs/prod/acme-AbCdEf";
    private static final String TOKEN = "arn:aws:secretsmanager:eu-west-3:000000000000:secret:scalingo/api-token-XyZ123";

    private static TemplateIam template(StackBinding stack) throws IOException {
        return TemplateIam.read(ProjectFiles.at("template.yaml"), stack);
    }

    private static StackBinding stack() {
        return StackBinding.of("prod").parameter("ScalingoApiTokenSecretArn", TOKEN).physicalName("CleanupLedgerTable", "prod-ledger")
                .physicalName("OnboardingDeadLetterQueue", "prod-dlq");
    }

    @ParameterizedTest(name = "{0} {1} on {2}: {3}")
    @CsvSource({
        // The certificate secrets: link-on-signup reads and checks the tags of the one a message names; the rotation too.
        "link-on-signup, secretsmanager:GetSecretValue, " + CERTS + ", true",
        "link-on-signup, secretsmanager:DescribeSecret, " + CERTS + ", true",
        "rotate-cert-from-secrets-manager, secretsmanager:DescribeSecret, " + CERTS + ", true",
        "set-canonical, secretsmanager:GetSecretValue, " + CERTS + ", false",
        "cleanup-stale, secretsmanager:GetSecretValue, " + CERTS + ", false",
        // Everyone reads the token, nobody writes it.
        "set-canonical, secretsmanager:GetSecretValue, " + TOKEN + ", true",
        "set-canonical, secretsmanager:PutSecretValue, " + TOKEN + ", false",
        // Only the rotation lists (no resource-level permission: *).
        "rotate-cert-from-secrets-manager, secretsmanager:ListSecrets, *, true",
        "cleanup-stale, secretsmanager:ListSecrets, *, false",
        // The ledger: the cleanup queries, the rotation does not.
        "cleanup-stale, dynamodb:Query, arn:aws:dynamodb:eu-west-3:000000000000:table/prod-ledger, true",
        "rotate-cert-from-secrets-manager, dynamodb:Query, arn:aws:dynamodb:eu-west-3:000000000000:table/prod-ledger, false",
        "cleanup-stale, dynamodb:Scan, arn:aws:dynamodb:eu-west-3:000000000000:table/prod-ledger, false",
        "cleanup-stale, dynamodb:Query, arn:aws:dynamodb:eu-west-3:000000000000:table/other-ledger, false",
        // Each long run hands on to itself only.
        "cleanup-stale, lambda:InvokeFunction, arn:aws:lambda:eu-west-3:000000000000:function:prod-cleanup-stale:live, true",
        "cleanup-stale, lambda:InvokeFunction, arn:aws:lambda:eu-west-3:000000000000:function:prod-rotate-cert:live, false",
        "rotate-cert-from-secrets-manager, lambda:InvokeFunction, arn:aws:lambda:eu-west-3:000000000000:function:prod-rotate-cert:live, true",
        "rotate-cert-from-secrets-manager, lambda:InvokeFunction, arn:aws:lambda:eu-west-3:000000000000:function:prod-rotate-cert, false",
        "rotate-cert-from-secrets-manager, lambda:InvokeFunction, arn:aws:lambda:eu-west-3:000000000000:function:prod-rotate-cert:7, false",
        // The domain bus, made by the stack (EventBusName empty by default), and nothing else.
        "set-canonical, events:PutEvents, arn:aws:events:eu-west-3:000000000000:event-bus/prod-domain-events, true",
        "set-canonical, events:PutEvents, arn:aws:events:eu-west-3:000000000000:event-bus/default, false",
        // link-on-signup's dead-letter queue.
        "link-on-signup, sqs:SendMessage, arn:aws:sqs:eu-west-3:000000000000:prod-dlq, true",
        "cleanup-stale, sqs:SendMessage, arn:aws:sqs:eu-west-3:000000000000:prod-dlq, false",
        // Action names are not case-sensitive in IAM.
        "link-on-signup, SecretsManager:getSecretValue, " + CERTS + ", true",
    })
    void theTemplateGrantsEachFunctionWhatItNeeds(String export, String action, String resource, boolean allowed) throws IOException {
        assertEquals(allowed, template(stack()).allows(export, action, resource));
    }

    /** The proof of ownership's re-checks go to the onboarding queue: granted to link-on-signup with OwnershipProof txt only. */
    @Test
    void theOnboardingQueueMayBeSentToByLinkOnSignupOnlyWhenItAsksForProofOfOwnership() throws IOException {
        String onboarding = "arn:aws:sqs:eu-west-3:000000000000:prod-onboarding";
        StackBinding withQueue = stack().physicalName("OnboardingQueue", "prod-onboarding");
        assertFalse(template(withQueue).allows("link-on-signup", "sqs:SendMessage", onboarding), "OwnershipProof none (default)");
        TemplateIam proving = template(withQueue.parameter("OwnershipProof", "txt"));
        assertTrue(proving.allows("link-on-signup", "sqs:SendMessage", onboarding));
        assertTrue(proving.allows("link-on-signup", "sqs:SendMessage", "arn:aws:sqs:eu-west-3:000000000000:prod-dlq"),
                "the dead-letter queue's grant beside it");
        for (String other : List.of("set-canonical", "cleanup-stale", "rotate-cert-from-secrets-manager", "domain-status")) {
            assertFalse(proving.allows(other, "sqs:SendMessage", onboarding), other);
        }
    }

    /** The condition keys of a call on the item(s) of this partition. */
    private static Map<String, List<String>> partition(String pk) {
        return Map.of("dynamodb:LeadingKeys", List.of(pk));
    }

    /**
     * The shared rate budget (RateBudget shared, the default) is read and written by the four functions that take from
     * it, in the ledger table or in another stack's (RateBudgetTable), and only its item (BUDGET#<account>): in another
     * stack's table, no other item of that stack's ledger; domain-status keeps its static share.
     */
    @Test
    void theSharedRateBudgetsItemIsGrantedToTheFunctionsThatTakeFromItAndNothingElseOfAnotherStacksTable() throws IOException {
        String other = "arn:aws:dynamodb:eu-west-3:000000000000:table/fr1-ledger";
        List<String> takers = List.of("set-canonical", "link-on-signup", "rotate-cert-from-secrets-manager", "cleanup-stale");
        TemplateIam inOtherTable = template(stack().parameter("RateBudgetTable", "fr1-ledger").parameter("RateBudgetAccount", "ops"));
        TemplateIam fixed = template(stack().parameter("RateBudgetTable", "fr1-ledger").parameter("RateBudgetAccount", "ops")
                .parameter("RateBudget", "fixed"));
        for (String export : takers) {
            for (String action : List.of("dynamodb:GetItem", "dynamodb:PutItem")) {
                // unnamed, the account is the token secret's ARN (SCALINGO_BUDGET_ACCOUNT)
                assertTrue(template(stack()).allows(export, action, "arn:aws:dynamodb:eu-west-3:000000000000:table/prod-ledger",
                        partition("BUDGET#" + TOKEN)), export + " " + action + " on the ledger");
                assertTrue(inOtherTable.allows(export, action, other, partition("BUDGET#ops")), export + " " + action + " on RateBudgetTable");
                assertFalse(inOtherTable.allows(export, action, other, partition("APP#shop-id")),
                        export + " " + action + ": another item of the other stack's ledger");
                assertFalse(inOtherTable.allows(export, action, other, partition("BUDGET#someone-else")),
                        export + " " + action + ": another account's budget");
                assertFalse(fixed.allows(export, action, other, partition("BUDGET#ops")), "RateBudget fixed: " + export);
            }
            assertFalse(inOtherTable.allows(export, "dynamodb:DeleteItem", other, partition("BUDGET#ops")), "only reads and whole writes");
            assertFalse(inOtherTable.allows(export, "dynamodb:Query", other, partition("BUDGET#ops")), "only reads and whole writes");
            assertFalse(inOtherTable.allows(export, "dynamodb:PutItem", "arn:aws:dynamodb:eu-west-3:000000000000:table/fr2-ledger",
                    partition("BUDGET#ops")));
        }
        assertFalse(inOtherTable.allows("domain-status", "dynamodb:GetItem", other, partition("BUDGET#ops")),
                "domain-status takes nothing from it");
    }

    /**
     * RateBudgetPolicy on its own (the functions' other statements grant the stack's own ledger anyway): the item it
     * grants is the one the functions use, BUDGET# and their SCALINGO_BUDGET_ACCOUNT, named or by default the token
     * secret's ARN, and no other.
     */
    @Test
    void theBudgetPolicysItemIsTheOneTheFunctionsAreConfiguredToUse() throws IOException {
        String ledger = "arn:aws:dynamodb:eu-west-3:000000000000:table/prod-ledger";
        for (StackBinding stack : List.of(stack(), stack().parameter("RateBudgetAccount", "ops"),
                stack().parameter("RateBudgetAccount", "ops").parameter("RateBudgetTable", "fr1-ledger"))) {
            TemplateIam template = template(stack);
            IamPolicy budget = template.managedPolicy("RateBudgetPolicy");
            String table = template.environmentVariable("cleanup-stale", "LEDGER_BUDGET_TABLE").filter(t -> !t.isEmpty())
                    .map(t -> "arn:aws:dynamodb:eu-west-3:000000000000:table/" + t).orElse(ledger);
            for (String export : List.of("set-canonical", "link-on-signup", "rotate-cert-from-secrets-manager", "cleanup-stale")) {
                String account = template.environmentVariable(export, "SCALINGO_BUDGET_ACCOUNT").orElseThrow();
                for (String action : List.of("dynamodb:GetItem", "dynamodb:PutItem")) {
                    assertEquals(IamPolicy.Decision.ALLOWED, budget.decide(action, table,
                            new IamPolicy.Context(partition("BUDGET#" + account))), export + " " + action + " " + account);
                    assertEquals(IamPolicy.Decision.IMPLICITLY_DENIED, budget.decide(action, table,
                            new IamPolicy.Context(partition("BUDGET#" + account + "-other"))), "another account's budget");
                    assertEquals(IamPolicy.Decision.IMPLICITLY_DENIED, budget.decide(action, table,
                            new IamPolicy.Context(partition("APP#" + account))), "another item");
                }
            }
        }
        assertEquals(TOKEN, template(stack()).environmentVariable("cleanup-stale", "SCALINGO_BUDGET_ACCOUNT").orElseThrow(),
                "unnamed, the account is the token secret's ARN");
    }

    /** Every function's JVM starts with the JDK's own POST resend off (BufferedBodyConnections), before anything loads. */
    @Test
    void everyFunctionsJvmStartsWithTheJdksOwnPostResendOff() throws IOException {
        TemplateIam template = template(stack());
        for (String export : template.exports()) {
            String options = template.environmentVariable(export, "JAVA_TOOL_OPTIONS").orElseThrow();
            assertTrue(List.of(options.split(" ")).contains("-Dsun.net.http.retryPost=false"), export + ": " + options);
        }
    }

    /** IAM's condition operators as the sandbox evaluates them, and ForAllValues' empty set (true, as in AWS). */
    @Test
    void conditionsAreEvaluatedAsIamDoes() {
        IamPolicy.Condition forAll = new IamPolicy.Condition("ForAllValues:StringEquals", "dynamodb:LeadingKeys", List.of("a", "b"));
        assertTrue(forAll.holds(List.of("a")));
        assertTrue(forAll.holds(List.of("a", "b")));
        assertFalse(forAll.holds(List.of("a", "c")), "every value must match");
        assertTrue(forAll.holds(List.of()), "no value: ForAllValues holds, as in AWS");
        IamPolicy.Condition plain = new IamPolicy.Condition("StringEquals", "dynamodb:LeadingKeys", List.of("a"));
        assertFalse(plain.holds(List.of()), "a plain operator needs the key");
        assertTrue(plain.holds(List.of("a")));
        IamPolicy.Condition like = new IamPolicy.Condition("StringLike", "dynamodb:LeadingKeys", List.of("BUDGET#*"));
        assertTrue(like.holds(List.of("BUDGET#ops")));
        assertFalse(like.holds(List.of("APP#ops")));
        assertThrows(IllegalArgumentException.class,
                () -> new IamPolicy.Condition("NumericLessThan", "dynamodb:LeadingKeys", List.of("3600")), "an operator not evaluable here");
        assertThrows(IllegalArgumentException.class,
                () -> new IamPolicy.Condition("StringEquals", "aws:ResourceTag/team", List.of("a")), "a key not read here");
        IamPolicy denyUnlessBudget = new IamPolicy("arn:p", List.of(
                new IamPolicy.Statement(true, List.of("dynamodb:*"), false, List.of("*"), false),
                new IamPolicy.Statement(false, List.of("dynamodb:PutItem"), false, List.of("*"), false,
                        List.of(new IamPolicy.Condition("StringLike", "dynamodb:LeadingKeys", List.of("APP#*"))))));
        assertEquals(IamPolicy.Decision.EXPLICITLY_DENIED, denyUnlessBudget.decide("dynamodb:PutItem", "t",
                new IamPolicy.Context(partition("APP#x"))));
        assertEquals(IamPolicy.Decision.ALLOWED, denyUnlessBudget.decide("dynamodb:PutItem", "t",
                new IamPolicy.Context(partition("BUDGET#x"))));
        assertThrows(IllegalStateException.class, () -> denyUnlessBudget.decide("dynamodb:PutItem", "t", IamPolicy.Context.UNREAD),
                "a Deny whose condition cannot be read is not guessed");
        IamPolicy budgetOnly = new IamPolicy("arn:p", List.of(new IamPolicy.Statement(true, List.of("dynamodb:*"), false, List.of("*"),
                false, List.of(forAll))));
        assertEquals(IamPolicy.Decision.ALLOWED, budgetOnly.decide("dynamodb:DescribeTable", "t", IamPolicy.Context.NONE),
                "ForAllValues on a key the request does not carry holds, as in AWS (why RateBudgetPolicy grants two item actions only)");
        assertEquals(IamPolicy.Decision.IMPLICITLY_DENIED, budgetOnly.decide("dynamodb:BatchGetItem", "t", IamPolicy.Context.UNREAD),
                "an Allow whose condition cannot be read allows nothing");
    }

    /** A shared table without the account's name would hold a second budget of the whole cap: refused, as CloudFormation would. */
    @Test
    void aBudgetTableWithoutItsAccountsNameIsRefused() throws IOException {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> template(stack().parameter("RateBudgetTable", "fr1-ledger").parameter("RateBudgetAccount", "")));
        assertTrue(refused.getMessage().contains("RateBudgetTable needs RateBudgetAccount"), refused.getMessage());
        assertTrue(template(stack().parameter("RateBudgetTable", "fr1-ledger").parameter("RateBudgetAccount", "scalingo-ops"))
                .allows("cleanup-stale", "dynamodb:PutItem", "arn:aws:dynamodb:eu-west-3:000000000000:table/fr1-ledger",
                        partition("BUDGET#scalingo-ops")));
    }

    @Test
    void parametersAndConditionsAreThoseOfTheStack() throws IOException {
        TemplateIam sharedBus = template(stack().parameter("EventBusName", "shared").parameter("CertificateSecretPrefix", "team-a/"));
        assertTrue(sharedBus.allows("set-canonical", "events:PutEvents", "arn:aws:events:eu-west-3:000000000000:event-bus/shared"));
        assertFalse(sharedBus.allows("set-canonical", "events:PutEvents", "arn:aws:events:eu-west-3:000000000000:event-bus/prod-domain-events"));
        assertTrue(sharedBus.allows("link-on-signup", "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-3:000000000000:secret:team-a/acme-AbCdEf"));
        assertFalse(sharedBus.allows("link-on-signup", "secretsmanager:GetSecretValue", CERTS));
        assertEquals("prod-cleanup-stale", sharedBus.functionName("cleanup-stale"));
        assertEquals(List.of("link-on-signup", "rotate-cert-from-secrets-manager", "set-canonical", "cleanup-stale", "domain-status"),
                sharedBus.exports().stream().sorted((a, b) -> order(a) - order(b)).toList());
    }

    private static int order(String export) {
        return List.of("link-on-signup", "rotate-cert-from-secrets-manager", "set-canonical", "cleanup-stale", "domain-status")
                .indexOf(export);
    }

    /** A grant is unused per action and per resource: a second resource nobody calls is one grant too many. */
    @Test
    void aGrantIsUsedOnlyByACallOnThatResource(@TempDir Path dir) throws IOException {
        Path samTemplate = dir.resolve("template.yaml");
        Files.writeString(samTemplate, """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      FunctionName: !Sub ${AWS::StackName}-f
                      Environment:
                        Variables:
                          QUARKUS_FUNQY_EXPORT: f
                          CONTINUATION_FUNCTION: !Sub ${AWS::StackName}-f:live
                      Policies:
                        - Statement:
                            - Effect: Allow
                              Action: [sqs:SendMessage, sqs:GetQueueUrl]
                              Resource: [arn:aws:sqs:eu-west-3:000000000000:a, arn:aws:sqs:eu-west-3:000000000000:b]
                """);
        TemplateIam iam = TemplateIam.read(samTemplate, StackBinding.of("s"));
        List<IamDecision> decisions = List.of(
                new IamDecision("f", "sqs:SendMessage", "arn:aws:sqs:eu-west-3:000000000000:a", true),
                new IamDecision("f", "sqs:SendMessage", "arn:aws:sqs:eu-west-3:000000000000:b", true),
                new IamDecision("f", "sqs:GetQueueUrl", "arn:aws:sqs:eu-west-3:000000000000:a", true),
                new IamDecision("g", "sqs:GetQueueUrl", "arn:aws:sqs:eu-west-3:000000000000:b", true));
        assertEquals(List.of("sqs:GetQueueUrl on arn:aws:sqs:eu-west-3:000000000000:b"), iam.unusedGrants("f", decisions),
                "another function's call uses none of this one's grants");
        assertEquals(java.util.Optional.of("s-f:live"), iam.environmentVariable("f", "CONTINUATION_FUNCTION"));
        assertEquals(java.util.Optional.empty(), iam.environmentVariable("f", "NOT_SET"));
    }

    @Test
    void aParameterWithoutDefaultMustBeGiven() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> template(StackBinding.of("prod")));
        assertTrue(missing.getMessage().contains("ScalingoApiTokenSecretArn"), missing.getMessage());
    }

    @Test
    void whatCannotBeEvaluatedExactlyIsRefusedNotGuessed(@TempDir Path dir) throws IOException {
        Path samTemplate = dir.resolve("template.yaml");
        Files.writeString(samTemplate, """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Environment:
                        Variables:
                          QUARKUS_FUNQY_EXPORT: f
                      Policies:
                        - SQSSendMessagePolicy:
                            QueueName: q
                """);
        assertThrows(IllegalArgumentException.class, () -> TemplateIam.read(samTemplate, StackBinding.of("s")));
        Files.writeString(samTemplate, """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Environment:
                        Variables:
                          QUARKUS_FUNQY_EXPORT: f
                      Policies:
                        - Statement:
                            - Effect: Allow
                              Action: s3:GetObject
                              Resource: "*"
                              Condition:
                                StringEquals: {"aws:ResourceTag/team": "a"}
                """);
        assertThrows(IllegalArgumentException.class, () -> TemplateIam.read(samTemplate, StackBinding.of("s")));
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "secretsmanager:Get*, secretsmanager:GetSecretValue, true",
        "secretsmanager:Get*, secretsmanager:ListSecrets, false",
        "dynamodb:?etItem, dynamodb:GetItem, true",
        "dynamodb:?etItem, dynamodb:PutItem, false",
        "*, anything:AtAll, true",
    })
    void actionsMatchWithIamsWildcards(String pattern, String action, boolean matches) {
        assertEquals(matches, IamPolicy.wildcard(pattern, action, true));
    }

    @Test
    void anExplicitDenyWinsAndNotActionInverts() {
        IamPolicy policy = new IamPolicy("arn:aws:sts::0:assumed-role/r/f", List.of(
                new IamPolicy.Statement(true, List.of("secretsmanager:*"), false, List.of("*"), false),
                new IamPolicy.Statement(false, List.of("secretsmanager:DeleteSecret"), false, List.of("arn:secret:a*"), false),
                new IamPolicy.Statement(true, List.of("sqs:*"), true, List.of("arn:q"), false)));
        assertEquals(IamPolicy.Decision.ALLOWED, policy.decide("secretsmanager:DeleteSecret", "arn:secret:b"));
        assertEquals(IamPolicy.Decision.EXPLICITLY_DENIED, policy.decide("secretsmanager:DeleteSecret", "arn:secret:abc"));
        assertEquals(IamPolicy.Decision.ALLOWED, policy.decide("sns:Publish", "arn:q"), "NotAction sqs:* allows the rest");
        assertEquals(IamPolicy.Decision.IMPLICITLY_DENIED, policy.decide("sqs:SendMessage", "arn:q"));
        assertTrue(policy.denial("sqs:SendMessage", "arn:q", IamPolicy.Decision.IMPLICITLY_DENIED)
                .endsWith("because no identity-based policy allows the sqs:SendMessage action"));
    }

    @Test
    void aDeniedCallIsAnsweredAsAwsAnswersIt() throws Exception {
        SandboxState state = new SandboxState();
        state.putSecret("scalingo-certs/acme", "{}", Map.of("scalingo:app", "acme"));
        state.putSecret("scalingo/api-token", "tk", Map.of());
        state.enforceIam(template(StackBinding.of("local").parameter("ScalingoApiTokenSecretArn", state.secretArn("scalingo/api-token").orElseThrow())
                .parameter("CertificateSecretPrefix", "scalingo-certs/")
                .physicalName("CleanupLedgerTable", "t").physicalName("OnboardingDeadLetterQueue", "q")));
        try (SandboxServer server = SandboxServer.start(state, 0);
                SecretsManagerClient asSetCanonical = secrets(server, SandboxState.localAccessKey("set-canonical"));
                SecretsManagerClient asLinkOnSignup = secrets(server, SandboxState.localAccessKey("link-on-signup"));
                SecretsManagerClient operator = secrets(server, "AKIAOPERATOR");
                LambdaClient cleanup = LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.EU_WEST_3)
                        .endpointOverride(URI.create(server.url())).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(SandboxState.localAccessKey("cleanup-stale"), "s"))).build()) {
            SecretsManagerException denied = assertThrows(SecretsManagerException.class,
                    () -> asSetCanonical.describeSecret(r -> r.secretId("scalingo-certs/acme")));
            assertEquals(400, denied.statusCode());
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            String arn = state.secretArn("scalingo-certs/acme").orElseThrow();
            assertEquals("User: arn:aws:sts::000000000000:assumed-role/local-SetCanonicalFunctionRole/local-set-canonical is not"
                    + " authorized to perform: secretsmanager:DescribeSecret on resource: " + arn
                    + " because no identity-based policy allows the secretsmanager:DescribeSecret action",
                    denied.awsErrorDetails().errorMessage());

            assertEquals("{}", asLinkOnSignup.getSecretValue(r -> r.secretId("scalingo-certs/acme")).secretString());
            assertEquals("tk", asSetCanonical.getSecretValue(r -> r.secretId("scalingo/api-token")).secretString());
            assertEquals(2, operator.listSecrets().secretList().size(), "keys of no function are the operator's tooling");

            LambdaException invoke = assertThrows(LambdaException.class, () -> cleanup.invoke(r -> r.functionName("local-rotate-cert")
                    .qualifier("live").invocationType(InvocationType.EVENT).payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{}"))));
            assertEquals(403, invoke.statusCode());
            assertEquals("AccessDeniedException", invoke.awsErrorDetails().errorCode());
            assertTrue(invoke.getMessage().contains("lambda:InvokeFunction on resource: "
                    + "arn:aws:lambda:eu-west-3:000000000000:function:local-rotate-cert:live"), invoke.getMessage());
            cleanup.invoke(r -> r.functionName("local-cleanup-stale").qualifier("live").invocationType(InvocationType.EVENT)
                    .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{}")));

            List<IamDecision> decisions = state.iamDecisions();
            assertTrue(decisions.contains(new IamDecision("set-canonical", "secretsmanager:DescribeSecret", arn, false)), decisions.toString());
            assertTrue(decisions.stream().noneMatch(d -> d.export().equals("AKIAOPERATOR")), "the operator's calls are not the stack's");
        }
    }

    private static SecretsManagerClient secrets(SandboxServer server, String accessKey) {
        return SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.EU_WEST_3)
                .endpointOverride(URI.create(server.url()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "s"))).build();
    }
}
