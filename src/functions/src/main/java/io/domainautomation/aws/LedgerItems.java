package io.domainautomation.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.port.ServiceFailure;

/** What the ledger's adapters share: item keys, attribute values, and how a failed DynamoDB call is reported. */
final class LedgerItems {

    private LedgerItems() {
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        key.put("pk", s(pk));
        key.put("sk", s(sk));
        return key;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** A string attribute as written; absent or empty (how an unset field is stored) is null. */
    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null || value.s().isEmpty() ? null : value.s();
    }

    /** Runs one DynamoDB call; a conditional check that fails is the caller's to handle, any other failure classified. */
    static <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException conditionFailed) {
            throw conditionFailed;
        } catch (SdkException e) {
            ServiceFailure failure = AwsErrors.failure("ledger: " + action, e);
            throw new LedgerUnavailable(failure.getMessage(), failure.isTransient(), failure);
        }
    }
}
