package io.domainautomation.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * API Gateway HTTP API events, payload format 2.0, shaped as AWS documents them for a route with IAM
 * authorisation (requestContext.authorizer.iam): what the local gateway and the tests hand to set-canonical.
 */
public final class HttpApiEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The caller the tests' events carry. */
    public static final String CALLER_ARN = "arn:aws:iam::111122223333:user/platform-bot";

    private HttpApiEvents() {
    }

    public static String request(String method, String path, String body) {
        return request(method, path, body, false, CALLER_ARN);
    }

    public static String request(String method, String path, String body, boolean base64) {
        return request(method, path, body, base64, CALLER_ARN);
    }

    public static String request(String method, String path, String body, boolean base64, String callerArn) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        boolean status = path.matches("/apps/[^/]+/domains/[^/]+");
        String app = path.matches("/apps/[^/]+/canonical-domain") || status ? path.split("/")[2] : null;
        event.put("routeKey", app == null ? "$default"
                : status ? method + " /apps/{app}/domains/{domain}" : method + " /apps/{app}/canonical-domain");
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headers.put("accept", "application/json");
        headers.put("content-type", "application/json");
        headers.put("host", "abc123.execute-api.eu-west-3.amazonaws.com");
        headers.put("user-agent", "curl/8.5.0");
        headers.put("x-amz-date", "20261126T100000Z");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "111122223333");
        context.put("apiId", "abc123");
        ObjectNode iam = context.putObject("authorizer").putObject("iam");
        iam.put("accessKey", "AKIAIOSFODNN7EXAMPLE");
        iam.put("accountId", "111122223333");
        iam.put("callerId", "AIDACKCEVSQ6C2EXAMPLE");
        iam.putNull("cognitoIdentity");
        iam.put("principalOrgId", "o-example");
        iam.put("userArn", callerArn);
        iam.put("userId", "AIDACKCEVSQ6C2EXAMPLE");
        context.put("domainName", "abc123.execute-api.eu-west-3.amazonaws.com");
        context.put("domainPrefix", "abc123");
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.10");
        http.put("userAgent", "curl/8.5.0");
        context.put("requestId", "req-" + UUID.randomUUID());
        context.put("routeKey", event.get("routeKey").asText());
        context.put("stage", "$default");
        context.put("time", "26/Nov/2026:10:00:00 +0000");
        context.put("timeEpoch", 1764151200000L);
        if (app != null) {
            ObjectNode parameters = event.putObject("pathParameters");
            parameters.put("app", app);
            if (status) {
                parameters.put("domain", path.split("/")[4]);
            }
        }
        if (body != null) {
            event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        }
        event.put("isBase64Encoded", base64);
        return event.toString();
    }
}
