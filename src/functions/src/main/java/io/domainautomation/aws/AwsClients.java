package io.domainautomation.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * AWS SDK v2 clients, each built on first use only (they cost cold start), with the light URL-connection HTTP
 * client and the Lambda's credentials.
 */
@ApplicationScoped
public class AwsClients {

    private final AwsConfig config;
    private final LedgerConfig ledger;
    /**
     * One provider for every client: with SnapStart, the first call after a restore fetches the role's credentials
     * once for all of them (the token read, the ledger, the events), instead of once per client.
     */
    private AwsCredentialsProvider credentials;

    AwsClients(AwsConfig config, LedgerConfig ledger) {
        this.config = config;
        this.ledger = ledger;
    }

    @Produces
    @Singleton
    SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder()).build();
    }

    @Produces
    @Singleton
    SqsClient sqs() {
        return configure(SqsClient.builder()).build();
    }

    @Produces
    @Singleton
    LambdaClient lambda() {
        return configure(LambdaClient.builder()).build();
    }

    @Produces
    @Singleton
    EventBridgeClient eventBridge() {
        return configure(EventBridgeClient.builder()).build();
    }

    /** The ledger's table: DynamoDB itself, or locally the sandbox, which authorises the call and passes it on to dynalite. */
    @Produces
    @Singleton
    DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), ledger.endpointOverride()).build();
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        return configure(builder, config.endpointOverride());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, Optional<URI> endpoint) {
        build(builder, Region.of(config.region()), credentials(), endpoint, config.apiCallAttemptTimeout());
        builder.overrideConfiguration(o -> o.apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                .apiCallTimeout(config.apiCallTimeout()));
        return builder;
    }

    private synchronized AwsCredentialsProvider credentials() {
        if (credentials == null) {
            credentials = config.localCredentials() ? new LocalCredentials() : lambdaCredentials(System.getenv());
        }
        return credentials;
    }

    /** AWS_API_CALL_ATTEMPT_TIMEOUT's default (AwsConfig), for clients built without the configuration. */
    static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

    /** {@link #build(AwsClientBuilder, Region, AwsCredentialsProvider, Optional, Duration)} with the default attempt timeout. */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B build(B builder, Region region,
            AwsCredentialsProvider credentials, Optional<URI> endpoint) {
        return build(builder, region, credentials, endpoint, DEFAULT_ATTEMPT_TIMEOUT);
    }

    /**
     * How every AWS client here is built: the light URL-connection HTTP client (its request bodies buffered, its reads
     * bounded by the attempt's timeout, see {@link BufferedBodyConnections}), a region, credentials, an endpoint.
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B build(B builder, Region region,
            AwsCredentialsProvider credentials, Optional<URI> endpoint, Duration attemptTimeout) {
        builder.httpClient(UrlConnectionHttpClient.create(new BufferedBodyConnections(attemptTimeout)))
                .region(region)
                .credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * Without SnapStart, Lambda puts the role's credentials in the environment. With SnapStart it does not: a
     * snapshot would carry them past their expiry, so it offers them at a local container-credentials endpoint
     * instead, which this provider asks again before they expire (after a restore too). Only these two sources: the
     * SDK's whole default chain costs cold start for nothing here.
     */
    static AwsCredentialsProvider lambdaCredentials(Map<String, String> environment) {
        if (environment.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            return ContainerCredentialsProvider.builder().build();
        }
        return EnvironmentVariableCredentialsProvider.create();
    }
}
