package io.domainautomation.aws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * AWS SDK v2 clients, each built on first use only (they cost cold start), with the light URL-connection HTTP
 * client and the Lambda's environment credentials.
 */
@ApplicationScoped
public class AwsClients {

    private final AwsConfig config;

    AwsClients(AwsConfig config) {
        this.config = config;
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

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        AwsCredentialsProvider credentials = config.localCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local-access-key", "local-secret-key"))
                : EnvironmentVariableCredentialsProvider.create();
        builder.httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()))
                .credentialsProvider(credentials);
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }
}
