package io.domainautomation.functions.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.rotation.RotationScope;

/** Triggers as AWS delivers them: EventBridge events from CloudTrail, scheduled events, Scheduler inputs. */
class RotationTriggersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-3:111122223333:secret:scalingo-certs/shop-AbCdEf";

    static String cloudTrailEvent(String eventName, String requestParameters, String additional) {
        return """
                {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"AWS API Call via CloudTrail",
                 "source":"aws.secretsmanager","account":"111122223333","time":"2026-11-26T10:00:00Z","region":"eu-west-3",
                 "resources":[],
                 "detail":{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/ops/alice"},
                   "eventTime":"2026-11-26T10:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"%s",
                   "awsRegion":"eu-west-3","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15",
                   "requestParameters":%s,"responseElements":null,"additionalEventData":%s,
                   "requestID":"0c1a7c4d-1111-2222-3333-444455556666","eventID":"a1b2c3d4-0000-1111-2222-333344445555",
                   "readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}}
                """.formatted(eventName, requestParameters, additional);
    }

    private static RotationScope parse(String json) throws Exception {
        return RotationTriggers.parse(JSON.readTree(json), false);
    }

    /** Secrets Manager's own event (no CloudTrail trail needed), as the shared reference gives its shape. */
    static String secretLabelUpdated(String label) {
        return """
                {"version":"0","id":"1f7e2a44-9d1c-4b6e-8d5f-3a2b1c0d9e8f","detail-type":"Secret Label Updated",
                 "source":"aws.secretsmanager","account":"111122223333","time":"2026-11-26T10:00:00Z","region":"eu-west-3",
                 "resources":["%s"],
                 "detail":{"name":"scalingo-certs/shop","labelUpdated":"%s","versionId":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"}}
                """.formatted(SECRET_ARN, label);
    }

    @Test
    void theNativeSecretLabelUpdatedEventChecksThatSecretOnly() throws Exception {
        RotationScope trigger = parse(secretLabelUpdated("AWSCURRENT"));
        assertEquals(RotationScope.Scope.SECRET, trigger.scope());
        assertEquals(Optional.of(SECRET_ARN), trigger.secretId());
        assertEquals("secret-label-updated:a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", trigger.source());
        InvalidInput other = assertThrows(InvalidInput.class, () -> parse(secretLabelUpdated("staging")));
        assertTrue(other.getMessage().contains("only a new AWSCURRENT version"), other.getMessage());
    }

    @Test
    void putSecretValueChecksThatSecretOnly() throws Exception {
        RotationScope trigger = parse(cloudTrailEvent("PutSecretValue",
                "{\"secretId\":\"" + SECRET_ARN + "\",\"clientRequestToken\":\"tok\"}", "null"));
        assertEquals(RotationScope.Scope.SECRET, trigger.scope());
        assertEquals(Optional.of(SECRET_ARN), trigger.secretId());
        assertEquals("secret-change:PutSecretValue", trigger.source());
    }

    @Test
    void updateSecretVersionStageAndRotationSucceededNameTheirSecret() throws Exception {
        assertEquals(Optional.of("scalingo-certs/shop"), parse(cloudTrailEvent("UpdateSecretVersionStage",
                "{\"secretId\":\"scalingo-certs/shop\",\"versionStage\":\"AWSCURRENT\",\"moveToVersionId\":\"v2\"}", "null")).secretId());
        String rotation = """
                {"version":"0","id":"e1","detail-type":"AWS Service Event via CloudTrail","source":"aws.secretsmanager",
                 "account":"111122223333","time":"2026-11-26T10:00:00Z","region":"eu-west-3","resources":[],
                 "detail":{"eventVersion":"1.08","userIdentity":{"accountId":"111122223333","invokedBy":"secretsmanager.amazonaws.com"},
                   "eventTime":"2026-11-26T10:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"RotationSucceeded",
                   "awsRegion":"eu-west-3","sourceIPAddress":"secretsmanager.amazonaws.com","userAgent":"secretsmanager.amazonaws.com",
                   "requestParameters":null,"responseElements":null,
                   "additionalEventData":{"SecretId":"%s"},"eventType":"AwsServiceEvent"}}
                """.formatted(SECRET_ARN);
        RotationScope trigger = parse(rotation);
        assertEquals(Optional.of(SECRET_ARN), trigger.secretId());
        assertEquals("secret-change:RotationSucceeded", trigger.source());
    }

    @Test
    void schedulesCheckEverything() throws Exception {
        String scheduledRule = """
                {"version":"0","id":"53dc4d37","detail-type":"Scheduled Event","source":"aws.events","account":"111122223333",
                 "time":"2026-11-26T06:00:00Z","region":"eu-west-3","resources":["arn:aws:events:eu-west-3:111122223333:rule/daily"],"detail":{}}
                """;
        assertEquals(RotationScope.Scope.ALL, parse(scheduledRule).scope());
        assertEquals(RotationScope.Scope.ALL, parse("{\"scope\":\"all\"}").scope());
        assertTrue(parse("{\"scope\":\"all\",\"dryRun\":true}").dryRun());
    }

    @Test
    void manualInvocations() throws Exception {
        assertEquals(Optional.of("scalingo-certs/shop"), parse("{\"secretId\":\"scalingo-certs/shop\"}").secretId());
        RotationScope byDomain = parse("{\"app\":\"shop-prod\",\"domain\":\"WWW.shop.example.\",\"dryRun\":true}");
        assertEquals(RotationScope.Scope.DOMAIN, byDomain.scope());
        assertEquals("www.shop.example", byDomain.domain().get().ascii());
        assertTrue(byDomain.dryRun());
        assertFalse(parse("{\"secretId\":\"x\"}").dryRun());
        assertTrue(RotationTriggers.parse(JSON.readTree("{\"secretId\":\"x\"}"), true).dryRun(), "the configured default applies");
    }

    @Test
    void unrecognisedTriggersAreRejectedClearly() {
        for (String bad : new String[] { "{}", "{\"dryRun\":\"yes\",\"scope\":\"all\"}", "{\"secretId\":\"\"}",
                "{\"app\":\"shop\"}", "[1]" }) {
            assertThrows(InvalidInput.class, () -> parse(bad), bad);
        }
        JsonNode noSecret = null;
        try {
            noSecret = JSON.readTree(cloudTrailEvent("PutSecretValue", "{}", "null"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        JsonNode event = noSecret;
        InvalidInput error = assertThrows(InvalidInput.class, () -> RotationTriggers.parse(event, false));
        assertEquals("detail", error.field());
    }
}
