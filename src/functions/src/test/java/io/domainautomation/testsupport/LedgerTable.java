package io.domainautomation.testsupport;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import io.domainautomation.aws.LocalCredentials;

/** Empties the ledger's table between tests (the table itself stays, as template.yaml's does). */
public final class LedgerTable {

    private LedgerTable() {
    }

    /** As the operator (no function may scan the table, and none may delete what it did not write). */
    public static void clear(DynamoDbClient dynamo, String table) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            dynamo.scanPaginator(s -> s.tableName(table)).items().forEach(item -> dynamo.deleteItem(d -> d.tableName(table)
                    .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));
        }
    }

    public static int count(DynamoDbClient dynamo, String table, String skPrefix) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            return (int) dynamo.scanPaginator(s -> s.tableName(table)).items().stream()
                    .filter(item -> item.getOrDefault("sk", AttributeValue.fromS("")).s().startsWith(skPrefix)).count();
        }
    }

    /** An app's items ({@code APP#<app>}), as the operator reads them: strings (booleans "true"/"false", numbers). */
    public static java.util.List<Map<String, String>> itemsOf(DynamoDbClient dynamo, String table, String app) {
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            java.util.List<Map<String, String>> items = new java.util.ArrayList<>();
            for (Map<String, AttributeValue> item : dynamo.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("APP#" + app))).consistentRead(true))
                    .items()) {
                Map<String, String> plain = new java.util.LinkedHashMap<>();
                item.forEach((name, value) -> plain.put(name, value.s() != null ? value.s()
                        : value.bool() != null ? value.bool().toString() : value.n()));
                items.add(plain);
            }
            return items;
        }
    }
}
