package io.domainautomation.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the sandbox stores. Mutable where the real platform mutates. */
public final class SandboxRecords {
    private SandboxRecords() {
    }

    record SandboxApp(String id, String name, Instant createdAt) {
        String baseUrl(String region) {
            return "https://" + name + "." + region + ".scalingo.io";
        }
    }

    static final class SandboxDomain {
        final String id;
        final String appId;
        final String name;
        final Instant createdAt;
        String tlscertSubject;
        String tlskeyDescription;
        Instant validity;
        boolean canonical;
        boolean letsencryptEnabled = true;
        String letsencryptStatus;
        String acmeDnsFqdn;
        String acmeDnsValue;
        /** Until when the Let's Encrypt certificate is valid, when one was issued. */
        Instant letsencryptValidity;
        /** Scalingo refuses to unlink a domain still CNAME-ed to the app (a 404). */
        boolean stillCnamed;

        SandboxDomain(String id, String appId, String name, Instant createdAt) {
            this.id = id;
            this.appId = appId;
            this.name = name;
            this.createdAt = createdAt;
        }

        boolean ssl() {
            return tlscertSubject != null;
        }
    }

    /** An event PutEvents accepted, as EventBridge would deliver its fields. */
    public record ReceivedEvent(String eventId, String eventBusName, String source, String detailType, String detail,
            List<String> resources, Instant receivedAt) {
    }

    /** One version of a secret, with its staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING, custom). */
    record SecretVersion(String versionId, String secretString, List<String> stages, Instant createdAt) {
    }

    /**
     * A secret: its tags and versions. What callers read by default is the AWSCURRENT version. {@code deletedAt} is
     * when DeleteSecret scheduled its deletion (null: not scheduled).
     */
    record SandboxSecret(String arn, String name, Map<String, String> tags, Instant createdAt, List<SecretVersion> versions,
            Instant deletedAt) {

        boolean scheduledForDeletion() {
            return deletedAt != null;
        }

        SecretVersion current() {
            return version(null, "AWSCURRENT").orElseThrow();
        }

        Optional<SecretVersion> version(String versionId, String stage) {
            return versions.stream().filter(v -> (versionId == null || v.versionId().equals(versionId))
                    && (stage == null || v.stages().contains(stage))).findFirst();
        }

        String secretString() {
            return current().secretString();
        }

        String versionId() {
            return current().versionId();
        }

        List<String> stages() {
            return current().stages();
        }
    }

    /** One request as the sandbox saw it; never the Authorization header nor a body. */
    public record LoggedRequest(Instant at, String method, String path, String operation, int status) {
    }

    /** A message the sandbox's SQS endpoint received, with its string attributes. */
    /** @param delaySeconds the message's SendMessage DelaySeconds (0 when none was asked) */
    public record QueuedMessage(String messageId, String body, Map<String, String> attributes, int delaySeconds) {
    }
}
