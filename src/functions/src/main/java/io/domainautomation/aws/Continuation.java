package io.domainautomation.aws;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

import io.domainautomation.logic.port.ContinuationSender;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * Hands the rest of a long job to a new invocation of a function (asynchronous Lambda Invoke, so this one can end
 * within its time budget). The Lambda client is built on first use only.
 */
@ApplicationScoped
public class Continuation implements ContinuationSender {

    private final Instance<LambdaClient> lambda;
    private final Optional<String> ownName;

    Continuation(Instance<LambdaClient> lambda, @ConfigProperty(name = "AWS_LAMBDA_FUNCTION_NAME") Optional<String> ownName) {
        this.lambda = lambda;
        this.ownName = ownName;
    }

    /** Builds the Lambda client a hand-off uses (no request): what a first hand-off would pay, paid before. */
    public void warm() {
        lambda.get().serviceClientConfiguration();
    }

    /**
     * @return where it was handed, or empty when no function is known (a local run: the caller continues by hand)
     * @throws ServiceFailure when Lambda did not take the invocation
     */
    @Override
    public Optional<String> handOff(Optional<String> configuredFunction, String payloadJson) {
        Optional<String> target = configuredFunction.or(() -> ownName).filter(name -> !name.isBlank());
        if (target.isEmpty()) {
            return Optional.empty();
        }
        try {
            lambda.get().invoke(r -> r.functionName(target.get()).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(payloadJson)));
        } catch (SdkException e) {
            throw AwsErrors.failure("hand the scan on to " + target.get() + " (Lambda Invoke)", e);
        }
        return target;
    }
}
