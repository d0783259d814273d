package io.domainautomation.aws;

import java.util.Set;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import io.domainautomation.logic.port.ServiceFailure;

/**
 * The one place where the AWS SDK's exceptions become the project's own {@link ServiceFailure}: named by AWS' error code
 * (never by a message that could quote input), and classified once, for every caller, as worth trying again later
 * (no reply, throttling, a 5xx) or not (access denied, not found, invalid request: retrying cannot help).
 */
public final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "TooManyRequestsException",
            "RequestLimitExceeded", "ProvisionedThroughputExceededException", "RequestThrottled",
            "RequestThrottledException", "SlowDown", "LimitExceededException");

    private AwsErrors() {
    }

    /** {@code action} says what was being done, e.g. "read secret scalingo/acme" or "Secrets Manager ListSecrets". */
    public static ServiceFailure failure(String action, SdkException e) {
        String code = code(e);
        boolean isTransient = !(e instanceof AwsServiceException service) || service.statusCode() >= 500
                || service.statusCode() == 429 || THROTTLING.contains(code) || service.isThrottlingException();
        ServiceFailure.Kind kind = isTransient ? ServiceFailure.Kind.TRANSIENT
                : code.contains("NotFound") ? ServiceFailure.Kind.NOT_FOUND
                : code.contains("AccessDenied") || code.contains("Unauthorized") || code.contains("Forbidden")
                        ? ServiceFailure.Kind.DENIED
                        : ServiceFailure.Kind.REFUSED;
        return new ServiceFailure(action, code, kind, e);
    }

    static String code(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }
}
