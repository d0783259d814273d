package io.domainautomation.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import io.domainautomation.aws.LocalCredentials;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The sandbox's Secrets Manager as AWS documents it, through the real AWS SDK: a secret scheduled for deletion
 * (DeleteSecret with a recovery window) is listed only when asked, described with its DeletedDate, refuses its value
 * and every change but RestoreSecret, and its name cannot be taken; a staging label held by another version moves
 * only when the call names that version; tags are added and removed without a new version.
 */
@QuarkusTest
class SandboxSecretsManagerTest {

    @Inject
    SecretsManagerClient secretsManager;

    @Test
    void aSecretScheduledForDeletionIsHiddenRefusedAndRestorable() {
        String name = "sandbox-test/" + UUID.randomUUID();
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            String arn = secretsManager.createSecret(r -> r.name(name).secretString("{\"v\":1}")
                    .tags(Tag.builder().key("scalingo:app").value("shop").build())).arn();
            assertThrows(software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException.class,
                    () -> secretsManager.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(3L)), "a window of 7 to 30 days");

            secretsManager.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(7L));

            assertNotNull(secretsManager.describeSecret(r -> r.secretId(name)).deletedDate());
            assertEquals(List.of(), names(false, name), "not listed by default");
            assertEquals(List.of(name), names(true, name), "listed when planned deletions are asked for");
            assertThrows(InvalidRequestException.class, () -> secretsManager.getSecretValue(r -> r.secretId(name)));
            assertThrows(InvalidRequestException.class, () -> secretsManager.putSecretValue(r -> r.secretId(name).secretString("{}")));
            assertThrows(InvalidRequestException.class, () -> secretsManager.tagResource(r -> r.secretId(name)
                    .tags(Tag.builder().key("k").value("v").build())));
            assertThrows(InvalidRequestException.class, () -> secretsManager.createSecret(r -> r.name(name).secretString("{}")),
                    "its name is still taken");
            assertThrows(InvalidRequestException.class, () -> secretsManager.deleteSecret(r -> r.secretId(name)),
                    "scheduled once");

            assertEquals(arn, secretsManager.restoreSecret(r -> r.secretId(name)).arn());
            assertNull(secretsManager.describeSecret(r -> r.secretId(name)).deletedDate());
            assertEquals("{\"v\":1}", secretsManager.getSecretValue(r -> r.secretId(name)).secretString());

            secretsManager.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
            assertEquals(List.of(), names(true, name), "gone at once");
            String again = secretsManager.createSecret(r -> r.name(name).secretString("{\"v\":2}")).arn();
            assertNotEquals(arn, again, "a secret created again has a new ARN");
        }
    }

    @Test
    void aLabelHeldByAnotherVersionMovesOnlyWhenTheCallNamesIt() {
        String name = "sandbox-test/" + UUID.randomUUID();
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            String first = secretsManager.createSecret(r -> r.name(name).secretString("{\"v\":1}")).versionId();
            String second = secretsManager.putSecretValue(r -> r.secretId(name).secretString("{\"v\":2}")).versionId();

            assertThrows(InvalidParameterException.class, () -> secretsManager.updateSecretVersionStage(r -> r.secretId(name)
                    .versionStage("AWSCURRENT").moveToVersionId(first)));
            assertEquals(second, secretsManager.getSecretValue(r -> r.secretId(name)).versionId(), "nothing moved");

            secretsManager.updateSecretVersionStage(r -> r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(first)
                    .removeFromVersionId(second));
            assertEquals("{\"v\":1}", secretsManager.getSecretValue(r -> r.secretId(name)).secretString());
            assertEquals(List.of("AWSPREVIOUS"), secretsManager.describeSecret(r -> r.secretId(name)).versionIdsToStages().get(second));
        }
    }

    @Test
    void tagsAreAddedAndRemovedWithoutANewVersion() {
        String name = "sandbox-test/" + UUID.randomUUID();
        try (LocalCredentials.Scope operator = LocalCredentials.callerIs(LocalCredentials.OPERATOR)) {
            String version = secretsManager.createSecret(r -> r.name(name).secretString("{}")
                    .tags(Tag.builder().key("scalingo:app").value("shop").build(),
                            Tag.builder().key("scalingo:domains").value("www.shop.example").build())).versionId();
            secretsManager.untagResource(r -> r.secretId(name).tagKeys("scalingo:domains"));
            secretsManager.tagResource(r -> r.secretId(name).tags(Tag.builder().key("scalingo:app").value("SHOP").build()));
            var described = secretsManager.describeSecret(r -> r.secretId(name));
            assertEquals(List.of("scalingo:app=SHOP"), described.tags().stream().map(t -> t.key() + "=" + t.value()).toList());
            assertEquals(java.util.Set.of(version), described.versionIdsToStages().keySet());
        }
    }

    private List<String> names(boolean includePlannedDeletion, String name) {
        return secretsManager.listSecrets(r -> r.includePlannedDeletion(includePlannedDeletion)
                .filters(f -> f.key("name").values(name))).secretList().stream().map(s -> s.name()).toList();
    }
}
