package io.domainautomation.aws;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import io.domainautomation.logic.port.DeadLetters;

/**
 * Sends a message that can never be processed to the dead-letter queue, with the reason as message attributes,
 * so it is kept for a human and not retried against the Scalingo API. Configured with
 * {@code DEAD_LETTER_QUEUE_URL}; the SQS client is built on first use only.
 */
@ApplicationScoped
public class DeadLetterQueue implements DeadLetters {

    private static final int MAX_ATTRIBUTE_CHARS = 1024;

    private final Optional<String> queueUrl;
    private final Instance<SqsClient> sqs;

    DeadLetterQueue(@ConfigProperty(name = "dead-letter-queue-url") Optional<String> queueUrl, Instance<SqsClient> sqs) {
        this.queueUrl = queueUrl.filter(url -> !url.isBlank());
        this.sqs = sqs;
    }

    /**
     * @throws DeadLetterFailure when the queue is not configured or SQS refuses: the caller must then let the
     *         message be redelivered instead of acknowledging it.
     */
    @Override
    public void send(String function, String sourceMessageId, String body, String field, String reason) {
        if (queueUrl.isEmpty()) {
            throw new DeadLetterFailure("no dead-letter queue configured (DEAD_LETTER_QUEUE_URL)");
        }
        Map<String, MessageAttributeValue> attributes = Map.of(
                "failure-reason", text(reason),
                "failed-field", text(field == null ? "-" : field),
                "source-message-id", text(sourceMessageId == null ? "-" : sourceMessageId),
                "function", text(function));
        try {
            sqs.get().sendMessage(m -> m.queueUrl(queueUrl.get())
                    .messageBody(body == null || body.isEmpty() ? "<empty>" : body)
                    .messageAttributes(attributes));
        } catch (SdkException e) {
            throw new DeadLetterFailure("the dead-letter queue refused the message: " + AwsErrors.failure("SQS SendMessage", e).code());
        }
    }

    private static MessageAttributeValue text(String value) {
        String bounded = value.length() <= MAX_ATTRIBUTE_CHARS ? value : value.substring(0, MAX_ATTRIBUTE_CHARS);
        return MessageAttributeValue.builder().dataType("String").stringValue(bounded).build();
    }

    public static class DeadLetterFailure extends DeadLetters.Unsent {
        public DeadLetterFailure(String message) {
            super(message);
        }
    }
}
