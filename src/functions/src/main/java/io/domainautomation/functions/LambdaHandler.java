package io.domainautomation.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.quarkus.funqy.lambda.FunqyStreamHandler;

/**
 * The handler template.yaml names: Funqy's own, after noting when this invocation must have answered (the Lambda
 * context's remaining time) and its request id (which outcome lines carry), neither of which Funqy hands to a
 * function. A container runs one invocation at a time, so the last one noted is the current one, whichever thread
 * of the worker pool asks (a thread-local logging context would not follow the work onto those threads).
 */
public class LambdaHandler implements RequestStreamHandler {

    /** The current invocation's request id, when it started on the monotonic clock, and how long Lambda gave it. */
    record Invocation(String requestId, long startedNanos, long remainingMillis) {
    }

    private static volatile Invocation current;

    static {
        // first, before any HTTP connection: the JDK reads this switch once (BufferedBodyConnections)
        io.domainautomation.aws.BufferedBodyConnections.noSilentResends();
        TlsWarmUp.startUnlessSnapStart(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    private final FunqyStreamHandler funqy = new FunqyStreamHandler();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        current = new Invocation(context.getAwsRequestId(), System.nanoTime(), context.getRemainingTimeInMillis());
        funqy.handleRequest(input, output, context);
    }

    /** The invocation under way, when running under Lambda's runtime (null in dev mode and tests). */
    static Invocation current() {
        return current;
    }
}
