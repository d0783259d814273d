package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The condition keys the sandbox reads from a DynamoDB request, as IAM reads them: the partition key's value. */
class IamRequestsTest {

    private final IamRequests requests = new IamRequests("eu-west-3", "000000000000", new SecretsManagerState(Clock.systemUTC()));
    private final ObjectMapper json = new ObjectMapper();

    private Map<String, List<String>> keysOf(String operation, String body) throws Exception {
        JsonNode request = json.readTree(body);
        IamRequests.Call call = requests.json("DynamoDB_20120810." + operation, request);
        assertEquals(List.of("arn:aws:dynamodb:eu-west-3:000000000000:table/ledger"), call.resources());
        return call.context().keys();
    }

    @Test
    void aSingleItemCallsLeadingKeyIsItsItemsPartitionKey() throws Exception {
        Map<String, List<String>> budget = Map.of("dynamodb:LeadingKeys", List.of("BUDGET#ops"));
        assertEquals(budget, keysOf("GetItem", """
                {"TableName":"ledger","Key":{"pk":{"S":"BUDGET#ops"},"sk":{"S":"WINDOW"}},"ConsistentRead":true}"""));
        assertEquals(budget, keysOf("PutItem", """
                {"TableName":"ledger","Item":{"pk":{"S":"BUDGET#ops"},"sk":{"S":"WINDOW"},"v":{"N":"3"}},
                 "ConditionExpression":"v = :v"}"""));
        assertEquals(budget, keysOf("DeleteItem", """
                {"TableName":"ledger","Key":{"pk":{"S":"BUDGET#ops"},"sk":{"S":"WINDOW"}}}"""));
        assertEquals(budget, keysOf("UpdateItem", """
                {"TableName":"ledger","Key":{"pk":{"S":"BUDGET#ops"},"sk":{"S":"WINDOW"}},"UpdateExpression":"SET a = :a"}"""));
    }

    @Test
    void aQuerysLeadingKeyIsThePartitionItsKeyConditionNames() throws Exception {
        assertEquals(Map.of("dynamodb:LeadingKeys", List.of("STALE")), keysOf("Query", """
                {"TableName":"ledger","KeyConditionExpression":"pk = :pk AND begins_with(sk, :prefix)",
                 "ExpressionAttributeValues":{":pk":{"S":"STALE"},":prefix":{"S":"shop#"}}}"""));
    }

    @Test
    void aScanNamesNoPartitionAsInAws() throws Exception {
        assertEquals(IamPolicy.Context.NONE, contextOf("Scan", """
                {"TableName":"ledger"}"""));
        assertEquals(IamPolicy.Context.NONE, contextOf("DescribeTable", """
                {"TableName":"ledger"}"""));
    }

    @Test
    void aCallWhosePartitionIsNotReadHereIsNotKnownSoAConditionOnItAllowsNothing() throws Exception {
        assertEquals(IamPolicy.Context.UNREAD, contextOf("GetItem", """
                {"TableName":"ledger","Key":{"id":{"S":"x"}}}"""));
        assertEquals(IamPolicy.Context.UNREAD, contextOf("Query", """
                {"TableName":"ledger","KeyConditionExpression":"#p = :v","ExpressionAttributeNames":{"#p":"pk"},
                 "ExpressionAttributeValues":{":v":{"S":"STALE"}}}"""));
        assertEquals(IamPolicy.Context.UNREAD, contextOf("BatchGetItem", """
                {"RequestItems":{"ledger":{"Keys":[{"pk":{"S":"BUDGET#ops"},"sk":{"S":"WINDOW"}}]}}}"""));
    }

    private IamPolicy.Context contextOf(String operation, String body) throws Exception {
        return requests.json("DynamoDB_20120810." + operation, json.readTree(body)).context();
    }
}
