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
}
