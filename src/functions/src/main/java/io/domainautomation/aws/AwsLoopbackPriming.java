package io.domainautomation.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Runs the AWS SDK's request path for the operations the functions make (Secrets Manager, DynamoDB, EventBridge, and
 * SQS for link-on-signup's dead-letter queue), before a SnapStart snapshot, against a server on loopback started for
 * that and stopped before the snapshot: each operation's request marshalling, SigV4 signing, the HTTP client, the
 * response's unmarshalling, and an error reply through the SDK's exception mapping.
 * The first invocation after a restore then finds that code loaded and initialised. The clients are built by
 * {@link AwsClients#build}, as the real ones are, but point at the loopback server with made-up
 * credentials; the server answers made-up values, so no secret is read and nothing is written, and it asks for each
 * connection to be closed, so none is kept for the snapshot.
 */
public final class AwsLoopbackPriming {

    /** The AWS services whose operations a function calls. */
    public enum Service {
        SECRETS_MANAGER, DYNAMODB, EVENTBRIDGE, SQS
    }

    /** What a priming did: the operations its server answered, in order, on which port (closed when returned). */
    public record Outcome(List<String> operationsAnswered, int port) {
    }

    private static final Logger LOG = Logger.getLogger(AwsLoopbackPriming.class);
    private static final String MISSING = "cold-start-priming/missing";
    private static final String CONFLICT = "cold-start-priming-conflict";
    private static final String ARN = "arn:aws:secretsmanager:eu-west-3:000000000000:secret:cold-start-priming-AbCdEf";
    private static final String VERSION = "00000000-0000-4000-8000-000000000000";
    private static final String ITEM = """
            {"pk":{"S":"APP#example"},"sk":{"S":"cold-start-priming"},"count":{"N":"1"},"flag":{"BOOL":true},
            "names":{"L":[{"S":"www.example.com"}]},"detail":{"M":{"phase":{"S":"priming"}}}}""";
    private static final String SECRET = """
            {"ARN":"%s","Name":"cold-start-priming","Tags":[{"Key":"scalingo:app","Value":"example"}],
            "VersionIdsToStages":{"%s":["AWSCURRENT"]},"SecretVersionsToStages":{"%s":["AWSCURRENT"]},
            "LastChangedDate":1767225600.0}""".formatted(ARN, VERSION, VERSION);
    private static final String SECRET_VALUE = """
            {"ARN":"%s","Name":"cold-start-priming","VersionId":"%s","SecretString":"made up for the priming",
            "VersionStages":["AWSCURRENT"],"CreatedDate":1767225600.0}""".formatted(ARN, VERSION);
    private static final Map<String, String> ANSWERS = Map.of(
            "secretsmanager.GetSecretValue", SECRET_VALUE,
            "secretsmanager.DescribeSecret", SECRET,
            "secretsmanager.ListSecrets", "{\"SecretList\":[" + SECRET + "]}",
            "DynamoDB_20120810.GetItem", "{\"Item\":" + ITEM + "}",
            "DynamoDB_20120810.PutItem", "{}",
            "DynamoDB_20120810.UpdateItem", "{\"Attributes\":" + ITEM + "}",
            "DynamoDB_20120810.DeleteItem", "{}",
            "DynamoDB_20120810.Query", "{\"Items\":[" + ITEM + "],\"Count\":1,\"ScannedCount\":1}",
            "AWSEvents.PutEvents", "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"" + VERSION + "\"}]}");

    private final HttpServer server;
    private final List<String> answered = Collections.synchronizedList(new ArrayList<>());

    private AwsLoopbackPriming() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** Primes the given services' operations, then stops the server; a failure is logged, never fatal (only slower). */
    public static Outcome run(String region, Set<Service> services) {
        AwsLoopbackPriming priming = null;
        try {
            priming = new AwsLoopbackPriming();
            priming.exercise(Region.of(region), services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cold-start priming: the AWS SDK's path was not primed (%s)", e.toString());
        } finally {
            if (priming != null) {
                priming.server.stop(0);
            }
        }
        return priming == null ? new Outcome(List.of(), 0)
                : new Outcome(List.copyOf(priming.answered), priming.server.getAddress().getPort());
    }

    private void exercise(Region region, Set<Service> services) {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        if (services.contains(Service.SECRETS_MANAGER)) {
            try (SecretsManagerClient secrets = configure(SecretsManagerClient.builder(), region, endpoint).build()) {
                secrets.getSecretValue(r -> r.secretId("cold-start-priming").versionStage("AWSCURRENT")).secretString();
                secrets.describeSecret(r -> r.secretId("cold-start-priming")).tags();
                secrets.listSecretsPaginator(r -> r.filters(Filter.builder().key(FilterNameStringType.TAG_KEY).values("scalingo:app")
                        .build()).maxResults(100)).forEach(page -> page.secretList().forEach(entry -> entry.tags()));
                expectFailure(() -> secrets.getSecretValue(r -> r.secretId(MISSING)), ResourceNotFoundException.class);
            }
        }
        if (services.contains(Service.DYNAMODB)) {
            try (DynamoDbClient dynamo = configure(DynamoDbClient.builder(), region, endpoint).build()) {
                Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("APP#example"),
                        "sk", AttributeValue.fromS("cold-start-priming"));
                dynamo.getItem(g -> g.tableName("cold-start-priming").key(key).consistentRead(true)).item();
                dynamo.putItem(p -> p.tableName("cold-start-priming").item(Map.of("pk", AttributeValue.fromS("APP#example"),
                        "sk", AttributeValue.fromS("cold-start-priming"), "count", AttributeValue.fromN("1"),
                        "flag", AttributeValue.fromBool(true), "names", AttributeValue.fromL(List.of(AttributeValue.fromS("a"))),
                        "detail", AttributeValue.fromM(Map.of("phase", AttributeValue.fromS("priming"))))));
                dynamo.updateItem(u -> u.tableName("cold-start-priming").key(key).updateExpression("SET #c = :c")
                        .conditionExpression("attribute_exists(pk)").expressionAttributeNames(Map.of("#c", "count"))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromN("2"))).returnValues(ReturnValue.ALL_NEW)).attributes();
                dynamo.query(q -> q.tableName("cold-start-priming").keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("APP#example"))).consistentRead(true)).items();
                dynamo.deleteItem(d -> d.tableName("cold-start-priming").key(key));
                expectFailure(() -> dynamo.putItem(p -> p.tableName(CONFLICT).item(key).conditionExpression("attribute_not_exists(pk)")),
                        ConditionalCheckFailedException.class);
            }
        }
        if (services.contains(Service.SQS)) {
            try (SqsClient sqs = configure(SqsClient.builder(), region, endpoint).build()) {
                // The dead-letter path up to an error reply: an answer would need the MD5 of the body and attributes.
                expectFailure(() -> sqs.sendMessage(m -> m.queueUrl(endpoint + "/000000000000/cold-start-priming")
                        .messageBody("made up for the priming").messageAttributes(Map.of("reason",
                                MessageAttributeValue.builder().dataType("String").stringValue("priming").build()))),
                        QueueDoesNotExistException.class);
            }
        }
        if (services.contains(Service.EVENTBRIDGE)) {
            try (EventBridgeClient events = configure(EventBridgeClient.builder(), region, endpoint).build()) {
                events.putEvents(r -> r.entries(e -> e.eventBusName("cold-start-priming").source("cold-start-priming")
                        .detailType("Cold Start Priming").detail("{\"priming\":true}"))).entries();
            }
        }
    }

    private static void expectFailure(Runnable call, Class<? extends SdkException> expected) {
        try {
            call.run();
            throw new IllegalStateException("the error reply was taken for an answer");
        } catch (SdkException e) {
            if (!expected.isInstance(e)) {
                throw e;
            }
        }
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, Region region, URI endpoint) {
        return AwsClients.build(builder, region,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("cold-start-priming", "made-up")), Optional.of(endpoint));
    }

    private void answer(HttpExchange exchange) throws IOException {
        String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = 200;
        String body = ANSWERS.get(target);
        if (request.contains(MISSING)) {
            status = 400;
            body = "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find the specified secret.\"}";
        } else if (request.contains(CONFLICT)) {
            status = 400;
            body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                    + "\"message\":\"The conditional request failed\"}";
        } else if (target.equals("AmazonSQS.SendMessage")) {
            status = 400;
            body = "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}";
            exchange.getResponseHeaders().add("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
        } else if (body == null) {
            status = 400;
            body = "{\"__type\":\"UnknownOperationException\",\"message\":\"not primed: " + target + "\"}";
        }
        answered.add(target);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean json10 = target.startsWith("DynamoDB") || target.startsWith("AmazonSQS");
        exchange.getResponseHeaders().add("Content-Type", json10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", VERSION);
        // No connection may outlive the priming into the snapshot: the client closes it instead of keeping it alive.
        exchange.getResponseHeaders().add("Connection", "close");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
