package io.domainautomation.testsupport;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Empties the ledger's table between tests (the table itself stays, as template.yaml's does). */
public final class LedgerTable {

    private LedgerTable() {
    }

    public static void clear(DynamoDbClient dynamo, String table) {
        dynamo.scanPaginator(s -> s.tableName(table)).items().forEach(item -> dynamo.deleteItem(d -> d.tableName(table)
                .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));
    }

    public static int count(DynamoDbClient dynamo, String table, String skPrefix) {
        return (int) dynamo.scanPaginator(s -> s.tableName(table)).items().stream()
                .filter(item -> item.getOrDefault("sk", AttributeValue.fromS("")).s().startsWith(skPrefix)).count();
    }
}
