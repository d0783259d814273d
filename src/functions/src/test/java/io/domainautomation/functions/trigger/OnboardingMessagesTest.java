package io.domainautomation.functions.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LinkRequest;

/** Onboarding messages as the SQS queue delivers them, plain or inside an SNS notification. */
class OnboardingMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultsApply() throws InvalidInput {
        LinkRequest request = (LinkRequest) OnboardingMessages.parse(JSON, "{\"app\":\"shop-prod\",\"domain\":\"WWW.Shop.Example.\"}");
        assertEquals("shop-prod", request.app());
        assertEquals("www.shop.example", request.domain().ascii());
        assertFalse(request.canonical());
        assertTrue(request.letsencrypt());
        assertEquals(Optional.empty(), request.tlsSecretId());
    }

    @Test
    void everyFieldIsRead() throws InvalidInput {
        LinkRequest request = (LinkRequest) OnboardingMessages.parse(JSON, """
                {"app":"shop-prod","domain":"shop.example","canonical":true,"letsencrypt":false,
                 "tlsSecretId":"arn:aws:secretsmanager:eu-west-3:123456789012:secret:certs/shop-AbCdEf",
                 "requestId":"signup-2026-11-28/0042"}""");
        assertEquals(java.util.Optional.of("signup-2026-11-28/0042"), request.requestId());
        InvalidInput spaced = org.junit.jupiter.api.Assertions.assertThrows(InvalidInput.class, () -> OnboardingMessages.parse(JSON,
                "{\"app\":\"shop-prod\",\"domain\":\"shop.example\",\"requestId\":\"with space\"}"));
        assertEquals("requestId", spaced.field());
        assertTrue(request.canonical());
        assertFalse(request.letsencrypt());
        assertEquals(Optional.of("arn:aws:secretsmanager:eu-west-3:123456789012:secret:certs/shop-AbCdEf"), request.tlsSecretId());
    }

    @Test
    void anSnsNotificationIsUnwrapped() throws InvalidInput {
        ObjectNode sns = new ObjectMapper().createObjectNode();
        sns.put("Type", "Notification");
        sns.put("MessageId", "b1e5c3a0-0000-4000-8000-000000000001");
        sns.put("TopicArn", "arn:aws:sns:eu-west-3:123456789012:customer-onboarding");
        sns.put("Message", "{\"app\":\"blog\",\"domain\":\"blog.example.org\",\"canonical\":true}");
        sns.put("Timestamp", "2026-11-26T10:00:00.000Z");
        LinkRequest request = (LinkRequest) OnboardingMessages.parse(JSON, sns.toString());
        assertEquals("blog", request.app());
        assertEquals("blog.example.org", request.domain().ascii());
        assertTrue(request.canonical());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "''|body|message body is empty",
            "not json|body|is not valid JSON",
            "[1,2]|body|must be a JSON object",
            "\"text\"|body|must be a JSON object",
            "{}|app|app is required",
            "{\"domain\":\"a.example\"}|app|app is required",
            "{\"app\":\"shop\"}|domain|domain is required",
            "{\"app\":42,\"domain\":\"a.example\"}|app|app must be a string",
            "{\"app\":\"\",\"domain\":\"a.example\"}|app|app must not be blank",
            "{\"app\":\"Shop Prod\",\"domain\":\"a.example\"}|app|is not a Scalingo app name",
            "{\"app\":\"shop\",\"domain\":[\"a.example\"]}|domain|domain must be a string",
            "{\"app\":\"shop\",\"domain\":\"a.example\",\"canonical\":\"yes\"}|canonical|canonical must be true or false",
            "{\"app\":\"shop\",\"domain\":\"a.example\",\"letsencrypt\":1}|letsencrypt|letsencrypt must be true or false",
            "{\"app\":\"shop\",\"domain\":\"a.example\",\"canonnical\":true}|canonnical|unknown field",
            "{\"app\":\"shop\",\"domain\":\"a.example\",\"tlsSecretId\":\"has spaces in it\"}|tlsSecretId|not a Secrets Manager",
            "{\"app\":\"shop\",\"domain\":\"https://a.example\"}|domain|without a scheme",
            "{\"Type\":\"Notification\",\"TopicArn\":\"arn\",\"Message\":\"nope\"}|body|SNS Message is not valid JSON" })
    void rejectedWithTheFieldAndReason(String body, String field, String reason) {
        InvalidInput error = assertThrows(InvalidInput.class, () -> OnboardingMessages.parse(JSON, body));
        assertEquals(field, error.field());
        assertTrue(error.getMessage().contains(reason), "\"" + error.getMessage() + "\" should say " + reason);
    }

    @Test
    void aHugeBodyIsRejectedBeforeParsing() {
        String huge = "{\"app\":\"shop\",\"domain\":\"" + "a".repeat(OnboardingMessages.MAX_BODY_CHARS) + "\"}";
        InvalidInput error = assertThrows(InvalidInput.class, () -> OnboardingMessages.parse(JSON, huge));
        assertTrue(error.getMessage().contains("at most " + OnboardingMessages.MAX_BODY_CHARS), error.getMessage());
    }
}
