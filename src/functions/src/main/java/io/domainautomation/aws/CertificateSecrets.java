package io.domainautomation.aws;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import io.domainautomation.logic.port.CertificateStore;
import io.domainautomation.logic.port.ServiceFailure;

/**
 * The certificate secrets in Secrets Manager. A secret is managed when it carries the tag {@code scalingo:app}
 * (the app's name or ID) and, when the caller gives a name prefix ({@code ROTATION_SECRET_NAME_PREFIX}), its name
 * starts with it.
 * The optional tag {@code scalingo:domains} lists the domains it serves, separated by spaces; without it, the
 * secret serves every domain of the app its certificate covers. The {@code SecretString} is JSON:
 * {@code {"certificate": "<PEM chain, leaf first>", "privateKey": "<PEM key>"}}; always the AWSCURRENT version.
 * Every failed call is an {@link ServiceFailure}.
 */
@ApplicationScoped
public class CertificateSecrets implements CertificateStore {

    public static final String CERTIFICATE_FIELD = "certificate";
    public static final String PRIVATE_KEY_FIELD = "privateKey";

    private final Supplier<SecretsManagerClient> secretsManager;
    private final ObjectMapper json;

    @Inject
    CertificateSecrets(Instance<SecretsManagerClient> secretsManager, ObjectMapper json) {
        this(secretsManager::get, json);
    }

    /** On a client of one's own (a test's, retrying without pauses). */
    CertificateSecrets(Supplier<SecretsManagerClient> secretsManager, ObjectMapper json) {
        this.secretsManager = secretsManager;
        this.json = json;
    }

    /** Every managed secret, across ListSecrets pages. */
    @Override
    public List<ManagedSecret> listManaged(Optional<String> namePrefix) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().key(FilterNameStringType.TAG_KEY).values(APP_TAG).build());
        namePrefix.ifPresent(prefix -> filters.add(Filter.builder().key(FilterNameStringType.NAME).values(prefix).build()));
        List<ManagedSecret> secrets = new ArrayList<>();
        try {
            secretsManager.get().listSecretsPaginator(r -> r.filters(filters).maxResults(100))
                    // ListSecrets may lag behind a DeleteSecret for minutes: an entry with its DeletedDate is left out too
                    .forEach(page -> page.secretList().stream().filter(entry -> entry.deletedDate() == null)
                            .forEach(entry -> secrets.add(toManaged(entry.arn(), entry.name(), entry.tags(), false))));
        } catch (SdkException e) {
            throw AwsErrors.failure("Secrets Manager ListSecrets", e);
        }
        return secrets.stream().filter(ManagedSecret::managed).collect(Collectors.toList());
    }

    @Override
    public ManagedSecret describe(String secretId, Optional<String> namePrefix) {
        software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse description;
        try {
            description = secretsManager.get().describeSecret(r -> r.secretId(secretId));
        } catch (SdkException e) {
            throw AwsErrors.failure("Secrets Manager DescribeSecret", e);
        }
        ManagedSecret secret = toManaged(description.arn(), description.name(), description.tags(), description.deletedDate() != null);
        if (namePrefix.isPresent() && !secret.name().startsWith(namePrefix.get())) {
            return new ManagedSecret(secret.arn(), secret.name(), Optional.empty(), Optional.empty());
        }
        return secret;
    }

    @Override
    public Material read(String secretId) throws UnusableSecret {
        String secretString;
        GetSecretValueResponse value;
        try {
            value = secretsManager.get().getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT"));
            secretString = value.secretString();
        } catch (SdkException e) {
            throw AwsErrors.failure("Secrets Manager GetSecretValue", e);
        }
        if (secretString == null || secretString.isBlank()) {
            throw new UnusableSecret("the secret has no SecretString");
        }
        JsonNode fields;
        try {
            fields = json.readTree(secretString);
        } catch (IOException e) {
            throw new UnusableSecret("the SecretString is not JSON {\"" + CERTIFICATE_FIELD + "\": ..., \"" + PRIVATE_KEY_FIELD + "\": ...}");
        }
        if (fields == null || !fields.isObject()) {
            throw new UnusableSecret("the SecretString is not a JSON object");
        }
        String certificate = text(fields, CERTIFICATE_FIELD);
        String key = text(fields, PRIVATE_KEY_FIELD);
        return new Material(certificate, key, value.versionId(), value.createdDate());
    }

    private static String text(JsonNode fields, String name) throws UnusableSecret {
        JsonNode value = fields.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new UnusableSecret("the SecretString has no \"" + name + "\" field with PEM text");
        }
        return value.asText();
    }

    private static ManagedSecret toManaged(String arn, String name, List<Tag> tags, boolean scheduledForDeletion) {
        Map<String, String> byKey = tags == null ? Map.of()
                : tags.stream().collect(Collectors.toMap(Tag::key, t -> t.value() == null ? "" : t.value(), (a, b) -> a));
        Optional<String> app = Optional.ofNullable(byKey.get(APP_TAG)).map(String::trim).filter(a -> !a.isEmpty());
        Optional<List<String>> domains = Optional.ofNullable(byKey.get(DOMAINS_TAG)).map(String::trim)
                .filter(d -> !d.isEmpty()).map(d -> Arrays.stream(d.split("\\s+")).map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList());
        return new ManagedSecret(arn, name, app, domains, scheduledForDeletion);
    }
}
