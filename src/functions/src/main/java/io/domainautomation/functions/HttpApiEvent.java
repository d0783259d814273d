package io.domainautomation.functions;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an API Gateway HTTP API (payload format 2.0) event that a route needs: method, path, path
 * parameters, body, request id, and the IAM caller the gateway authenticated.
 */
record HttpApiEvent(String method, String path, JsonNode pathParameters, String body, String requestId, String caller) {

    /** API Gateway v2 events carry {@code version: "2.0"} and {@code requestContext.http}. */
    static boolean isHttpApiEvent(JsonNode event) {
        return event != null && event.path("requestContext").path("http").isObject();
    }

    static HttpApiEvent from(JsonNode event) {
        JsonNode context = event.path("requestContext");
        JsonNode http = context.path("http");
        String method = http.path("method").asText("").toUpperCase(java.util.Locale.ROOT);
        String path = event.path("rawPath").asText(http.path("path").asText(""));
        String body = event.path("body").isTextual() ? event.get("body").asText() : null;
        if (body != null && event.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                body = "\u0000not base64";
            }
        }
        JsonNode iam = context.path("authorizer").path("iam");
        String caller = iam.path("userArn").asText(null);
        if (caller == null) {
            caller = iam.path("callerId").asText(null);
        }
        return new HttpApiEvent(method, path, event.path("pathParameters"), body,
                context.path("requestId").asText(null), caller == null ? "unauthenticated" : caller);
    }
}
