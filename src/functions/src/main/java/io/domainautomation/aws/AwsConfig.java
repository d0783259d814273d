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
}
