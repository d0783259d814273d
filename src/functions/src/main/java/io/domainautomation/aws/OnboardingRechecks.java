package io.domainautomation.aws;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.domainautomation.logic.ownership.Rechecks;
import io.domainautomation.logic.port.ServiceFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A proof of ownership's re-check: the onboarding message sent again to its own queue ({@code ONBOARDING_QUEUE_URL}),
 * delayed ({@code DelaySeconds}, at most 15 minutes), with the re-check's id as the {@value Rechecks#ATTRIBUTE}
 * message attribute. A new message, not the old one made invisible: the queue's maxReceiveCount would otherwise send
 * a request waiting days for its proof to the dead-letter queue.
 */
@ApplicationScoped
public class OnboardingRechecks implements Rechecks {

    private static final int LONGEST_DELAY_SECONDS = 900;

    private final Optional<String> queueUrl;
    private final Instance<SqsClient> sqs;
    private final AwsConfig aws;

    OnboardingRechecks(@ConfigProperty(name = "onboarding-queue-url") Optional<String> queueUrl, Instance<SqsClient> sqs,
            AwsConfig aws) {
        this.queueUrl = queueUrl.filter(url -> !url.isBlank());
        this.sqs = sqs;
        this.aws = aws;
    }

    @Override
    public void schedule(String body, String recheckId, Duration delay) {
        if (queueUrl.isEmpty()) {
            throw new Unsent("no onboarding queue configured (ONBOARDING_QUEUE_URL), which OWNERSHIP_PROOF=txt needs", true);
        }
        int seconds = (int) Math.max(0, Math.min(LONGEST_DELAY_SECONDS, delay.toSeconds()));
        try {
            sqs.get().sendMessage(m -> m.queueUrl(queueUrl.get()).messageBody(body).delaySeconds(seconds)
                    .messageAttributes(Map.of(ATTRIBUTE, MessageAttributeValue.builder().dataType("String")
                            .stringValue(recheckId).build())));
        } catch (SdkException e) {
            ServiceFailure failure = AwsErrors.failure("SQS SendMessage", e);
            throw new Unsent("the onboarding queue refused the re-check: " + failure.code(),
                    failure.kind() == ServiceFailure.Kind.DENIED || failure.kind() == ServiceFailure.Kind.NOT_FOUND);
        }
    }

    @Override
    public Duration longest() {
        return aws.apiCallTimeout();
    }
}
