package io.domainautomation.functions.trigger;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.logic.AppName;
import io.domainautomation.logic.CanonicalRequest;
import io.domainautomation.logic.Hostname;
import io.domainautomation.logic.InvalidInput;

/**
 * set-canonical's two inputs: the body of {@code PUT /apps/{app}/canonical-domain}, {@code {"domain": "...",
 * "link": false}}, and a direct invocation, the same with {@code app}.
 */
public final class CanonicalRequests {

    public static final int MAX_BODY_CHARS = 4 * 1024;
    private static final Set<String> BODY_FIELDS = Set.of("domain", "link");
    private static final Set<String> DIRECT_FIELDS = Set.of("app", "domain", "link");

    /** A direct invocation: the app and what to make canonical. */
    public record Direct(String app, CanonicalRequest request) {
    }

    private CanonicalRequests() {
    }

    public static CanonicalRequest fromBody(ObjectMapper json, String body) throws InvalidInput {
        return read(JsonInput.readObject(json, body, "the request body", MAX_BODY_CHARS), BODY_FIELDS);
    }

    public static Direct fromDirectInvocation(JsonNode event) throws InvalidInput {
        if (event == null || !event.isObject()) {
            throw new InvalidInput("body", "expected {\"app\": \"...\", \"domain\": \"...\"}");
        }
        String app = AppName.parse("app", JsonInput.textOrNull(event, "app"));
        return new Direct(app, read(event, DIRECT_FIELDS));
    }

    private static CanonicalRequest read(JsonNode root, Set<String> allowed) throws InvalidInput {
        JsonInput.onlyFields(root, allowed);
        Hostname domain = Hostname.parse("domain", JsonInput.requiredText(root, "domain"));
        return new CanonicalRequest(domain, JsonInput.optionalBoolean(root, "link", false));
    }
}
