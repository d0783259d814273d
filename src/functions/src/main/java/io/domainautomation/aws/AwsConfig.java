package io.domainautomation.aws;

import java.net.URI;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the AWS SDK clients reach AWS. Deployed, only the region (from the Lambda's {@code AWS_REGION}) matters. */
@ConfigMapping(prefix = "aws")
public interface AwsConfig {

    /** From {@code AWS_REGION}, which Lambda sets. */
    @WithDefault("eu-west-3")
    String region();

    /** A local endpoint speaking the AWS protocols (the sandbox in dev and test); absent when deployed. */
    Optional<URI> endpointOverride();

    /** Dummy static credentials for a local endpoint; deployed, the Lambda's environment credentials are used. */
    @WithDefault("false")
    boolean localCredentials();

    /**
     * One attempt of an AWS call ends after this ({@code AWS_API_CALL_ATTEMPT_TIMEOUT}), and the call with its SDK
     * retries after {@code api-call-timeout}: no call hangs past an invocation's deadline on a connection that stopped
     * answering (the SDK's own default is no limit at all).
     */
    @WithDefault("3s")
    java.time.Duration apiCallAttemptTimeout();

    @WithDefault("8s")
    java.time.Duration apiCallTimeout();
}
