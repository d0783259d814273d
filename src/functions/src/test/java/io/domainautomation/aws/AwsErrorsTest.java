package io.domainautomation.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import io.domainautomation.logic.port.ServiceFailure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one classification of AWS errors: what may succeed later, and what needs someone to act. */
class AwsErrorsTest {

    @ParameterizedTest(name = "{0} {1} is {2}")
    @CsvSource({
            "400, AccessDeniedException, DENIED",
            "400, ResourceNotFoundException, NOT_FOUND",
            "400, InvalidParameterException, REFUSED",
            "400, ThrottlingException, TRANSIENT",
            "429, TooManyRequestsException, TRANSIENT",
            "500, InternalServiceError, TRANSIENT",
            "503, ServiceUnavailable, TRANSIENT" })
    void serviceErrorsAreClassifiedByStatusAndCode(int status, String code, ServiceFailure.Kind expected) {
        AwsServiceException error = AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("secret text quoted: tk-us-x").build())
                .build();
        ServiceFailure failure = AwsErrors.failure("Secrets Manager GetSecretValue", error);
        assertEquals(expected, failure.kind());
        assertEquals(expected == ServiceFailure.Kind.TRANSIENT, failure.isTransient());
        assertEquals(code, failure.code());
        assertEquals("Secrets Manager GetSecretValue: " + code, failure.getMessage());
        assertFalse(failure.getMessage().contains("tk-us-x"), "AWS' message, which may quote input, is left out");
    }

    @Test
    void noReplyAtAllIsTransient() {
        ServiceFailure failure = AwsErrors.failure("SQS SendMessage",
                SdkClientException.create("Unable to execute HTTP request: Connection refused"));
        assertTrue(failure.isTransient());
        assertEquals("SdkClientException", failure.code());
    }
}
