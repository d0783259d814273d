package io.domainautomation.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What each AWS request the sandbox serves asks IAM for: the action and the resources, named as AWS names them (the
 * secret's full ARN, the bus', queue's, table's and function's ARNs), and how AWS answers a denied call on each
 * protocol.
 */
final class IamRequests {

    /** One call's question to IAM, with the condition keys read from the request. */
    record Call(String action, List<String> resources, IamPolicy.Context context) {
        Call(String action, List<String> resources) {
            this(action, resources, IamPolicy.Context.NONE);
        }
    }

    /**
     * The partition key attribute of the project's tables (the ledger's, the budget's: {@code pk}); the sandbox reads
     * {@code dynamodb:LeadingKeys} as that attribute's values.
     */
    static final String PARTITION_KEY = "pk";
    private static final java.util.regex.Pattern PARTITION_CONDITION = java.util.regex.Pattern
            .compile("(?:^|[\\s(])" + PARTITION_KEY + "\\s*=\\s*(:[A-Za-z0-9_]+)");

    private final String region;
    private final String account;
    private final SecretsManagerState secrets;

    IamRequests(String region, String account, SecretsManagerState secrets) {
        this.region = region;
        this.account = account;
        this.secrets = secrets;
    }

    /** A JSON-protocol call ({@code X-Amz-Target}): Secrets Manager, EventBridge, SQS, DynamoDB. */
    Call json(String target, JsonNode body) {
        String operation = target.substring(target.indexOf('.') + 1);
        JsonNode request = body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body;
        if (target.startsWith("secretsmanager.")) {
            String action = "secretsmanager:" + operation;
            return switch (operation) {
                case "ListSecrets" -> new Call(action, List.of("*"));
                case "CreateSecret" -> new Call(action, List.of(secretArn(request.path("Name").asText(""))));
                default -> new Call(action, List.of(secretArn(request.path("SecretId").asText(""))));
            };
        }
        if (target.startsWith("AWSEvents.")) {
            Set<String> buses = new LinkedHashSet<>();
            request.path("Entries").forEach(entry -> buses.add(busArn(entry.path("EventBusName").asText("default"))));
            if (buses.isEmpty()) {
                buses.add(busArn(request.path("EventBusName").asText("default")));
            }
            return new Call("events:" + operation, new ArrayList<>(buses));
        }
        if (target.startsWith("AmazonSQS.")) {
            String url = request.path("QueueUrl").asText("");
            return new Call("sqs:" + operation, List.of("arn:aws:sqs:" + region + ":" + account + ":" + url.substring(url.lastIndexOf('/') + 1)));
        }
        if (target.startsWith("DynamoDB_")) {
            Set<String> tables = new LinkedHashSet<>();
            if (request.hasNonNull("TableName")) {
                tables.add(tableArn(request.get("TableName").asText()));
            }
            request.path("RequestItems").fieldNames().forEachRemaining(table -> tables.add(tableArn(table)));
            request.path("TransactItems").forEach(item -> item.fields().forEachRemaining(
                    operationOf -> tables.add(tableArn(operationOf.getValue().path("TableName").asText()))));
            return new Call("dynamodb:" + operation, tables.isEmpty() ? List.of("*") : new ArrayList<>(tables),
                    leadingKeys(operation, request));
        }
        return new Call(target, List.of("*"));
    }

    /**
     * {@code dynamodb:LeadingKeys} of a single-item call or a query (the partition key of its item, or the one its key
     * condition names), as IAM reads it; absent, as in AWS, from the calls that name no partition (a scan, a table's
     * description); not known for the calls this sandbox does not read it from (batches, transactions, PartiQL, a key
     * condition naming its attribute through an alias: a condition on it then matches nothing, see IamPolicy).
     */
    private static IamPolicy.Context leadingKeys(String operation, JsonNode request) {
        JsonNode value = switch (operation) {
            case "GetItem", "DeleteItem", "UpdateItem" -> request.path("Key").path(PARTITION_KEY);
            case "PutItem" -> request.path("Item").path(PARTITION_KEY);
            case "Query" -> {
                java.util.regex.Matcher named = PARTITION_CONDITION.matcher(request.path("KeyConditionExpression").asText(""));
                yield named.find() ? request.path("ExpressionAttributeValues").path(named.group(1))
                        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            case "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
                    "BatchExecuteStatement", "ExecuteTransaction" -> com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            default -> null; // names no partition
        };
        if (value == null) {
            return IamPolicy.Context.NONE;
        }
        JsonNode text = value.path("S");
        return text.isTextual() ? new IamPolicy.Context(java.util.Map.of("dynamodb:LeadingKeys", List.of(text.asText())))
                : IamPolicy.Context.UNREAD;
    }

    /** Lambda's Invoke: {@code /2015-03-31/functions/{name, partial or full ARN, maybe :qualifier}/invocations}. */
    Call lambdaInvoke(String functionInPath, Optional<String> qualifier) {
        String name = functionInPath.startsWith("arn:") ? functionInPath.substring(functionInPath.indexOf(":function:") + ":function:".length())
                : functionInPath;
        String arn = "arn:aws:lambda:" + region + ":" + account + ":function:" + name + qualifier.map(q -> ":" + q).orElse("");
        return new Call("lambda:InvokeFunction", List.of(arn));
    }

    /** The secret's full ARN, as IAM evaluates it: a name or an ARN of a secret that exists, else what it would be. */
    private String secretArn(String idOrName) {
        return secrets.secret(idOrName).map(SandboxRecords.SandboxSecret::arn)
                .orElse(idOrName.startsWith("arn:") ? idOrName : "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + idOrName);
    }

    private String busArn(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn : "arn:aws:events:" + region + ":" + account + ":event-bus/" + nameOrArn;
    }

    private String tableArn(String name) {
        return name.startsWith("arn:") ? name : "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
    }

    /** AWS' answer to a denied JSON-protocol call: 400 and the service's AccessDenied type. */
    static Reply deniedJson(String target, String message) {
        String type = target.startsWith("DynamoDB_") || target.startsWith("AmazonSQS.")
                ? "com.amazon.coral.service#AccessDeniedException" : "AccessDeniedException";
        String contentType = target.startsWith("DynamoDB_") || target.startsWith("AmazonSQS.") ? "application/x-amz-json-1.0"
                : "application/x-amz-json-1.1";
        String body = "{\"__type\":\"" + type + "\",\"Message\":" + quoted(message) + "}";
        return new Reply(400, contentType, body, target.startsWith("AmazonSQS.")
                ? Map.of("x-amzn-query-error", "AccessDenied;Sender") : Map.of());
    }

    /** AWS' answer to a denied Invoke: 403, AccessDeniedException in the header and the body. */
    static Reply deniedRestJson(String message) {
        return new Reply(403, Reply.JSON, "{\"Type\":\"User\",\"Message\":" + quoted(message) + "}",
                Map.of("x-amzn-ErrorType", "AccessDeniedException"));
    }

    private static String quoted(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }
}
