package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.domainautomation.aws.AwsLoopbackPriming.Service;
import io.domainautomation.functions.ColdStartPriming.FunctionPriming;

/** The priming table: each function's row names exactly the AWS services its code calls (TemplateTest checks IAM). */
class FunctionPrimingTest {

    @Test
    void eachFunctionPrimesTheAwsServicesItCalls() {
        assertEquals(EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE, Service.SQS),
                FunctionPriming.of("link-on-signup").awsServices());
        assertEquals(EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE), FunctionPriming.of("set-canonical").awsServices());
        Set<Service> ledger = EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE, Service.DYNAMODB);
        assertEquals(ledger, FunctionPriming.of("rotate-cert-from-secrets-manager").awsServices());
        assertEquals(ledger, FunctionPriming.of("cleanup-stale").awsServices());
    }

    @Test
    void anUnknownExportPrimesOnlyWhatEveryFunctionShares() {
        assertEquals(FunctionPriming.OTHER, FunctionPriming.of("no-such-function"));
        assertEquals(FunctionPriming.OTHER, FunctionPriming.of(""));
        assertEquals(EnumSet.of(Service.SECRETS_MANAGER, Service.EVENTBRIDGE), FunctionPriming.OTHER.awsServices());
        assertEquals(false, FunctionPriming.OTHER.keepsALedger());
        assertEquals(true, FunctionPriming.of("cleanup-stale").keepsALedger());
    }
}
