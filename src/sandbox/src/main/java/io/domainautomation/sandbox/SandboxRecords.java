package io.domainautomation.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    record SandboxSecret(String arn, String name, String secretString, String versionId, Map<String, String> tags,
            Instant createdAt, List<String> stages) {
    }

    /** One request as the sandbox saw it; never the Authorization header nor a body. */
    public record LoggedRequest(Instant at, String method, String path, String operation, int status) {
    }

    /** A message the sandbox's SQS endpoint received, with its string attributes. */
    public record QueuedMessage(String messageId, String body, Map<String, String> attributes) {
    }
}
