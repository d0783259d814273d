package io.domainautomation.functions.trigger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.logic.InvalidInput;

/**
 * API Gateway HTTP API (payload format 2.0) events and responses, in the types of {@code aws-lambda-java-events}:
 * what a route needs from a request (method, path, body, the IAM caller the gateway authenticated) and the response
 * envelope API Gateway expects.
 */
public final class HttpApi {

    private HttpApi() {
    }

    /** HTTP API v2 events carry {@code requestContext.http}; a direct invocation does not. */
    public static boolean isHttpApiEvent(JsonNode event) {
        return event != null && event.path("requestContext").path("http").isObject();
    }

    /**
     * The parts of the event a route reads, into the library's type by its builders: Jackson's bean introspection
     * of these eight nested classes would cost a cold container some 30 ms on its first request.
     */
    public static APIGatewayV2HTTPEvent event(JsonNode event) {
        JsonNode context = event.path("requestContext");
        JsonNode http = context.path("http");
        JsonNode iam = context.path("authorizer").path("iam");
        Map<String, String> pathParameters = new LinkedHashMap<>();
        event.path("pathParameters").fields().forEachRemaining(p -> pathParameters.put(p.getKey(), p.getValue().asText()));
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(text(event, "rawPath"))
                .withBody(text(event, "body"))
                .withIsBase64Encoded(event.path("isBase64Encoded").asBoolean(false))
                .withPathParameters(pathParameters)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(text(context, "requestId"))
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(text(http, "method")).withPath(text(http, "path")).build())
                        .withAuthorizer(iam.isObject() ? APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                                        .withUserArn(text(iam, "userArn")).withCallerId(text(iam, "callerId")).build())
                                .build() : null)
                        .build())
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    public static String method(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getMethod() == null ? "" : http.getMethod().toUpperCase(Locale.ROOT);
    }

    public static String path(APIGatewayV2HTTPEvent event) {
        if (event.getRawPath() != null) {
            return event.getRawPath();
        }
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getPath() == null ? "" : http.getPath();
    }

    public static Optional<String> pathParameter(APIGatewayV2HTTPEvent event, String name) {
        return Optional.ofNullable(event.getPathParameters()).map(parameters -> parameters.get(name));
    }

    /** A path segment percent-decoded; a malformed escape is the caller's mistake in {@code field}. */
    public static String decoded(String field, String pathSegment) throws InvalidInput {
        try {
            return URLDecoder.decode(pathSegment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new InvalidInput(field, "the path holds a malformed percent-escape");
        }
    }

    /** The body as text, decoded when the gateway sent it base64-encoded. */
    public static String body(APIGatewayV2HTTPEvent event) throws InvalidInput {
        String body = event.getBody();
        if (body == null || !event.getIsBase64Encoded()) {
            return body;
        }
        try {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidInput("body", "the request body is marked base64-encoded but is not base64");
        }
    }

    public static Optional<String> requestId(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event.getRequestContext()).map(APIGatewayV2HTTPEvent.RequestContext::getRequestId);
    }

    /** The IAM principal API Gateway authenticated (the route uses IAM authorisation), or {@code unauthenticated}. */
    public static String caller(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        var iam = context == null || context.getAuthorizer() == null ? null : context.getAuthorizer().getIam();
        if (iam == null) {
            return "unauthenticated";
        }
        return iam.getUserArn() != null ? iam.getUserArn() : iam.getCallerId() != null ? iam.getCallerId() : "unauthenticated";
    }

    /** A JSON response, as the JSON API Gateway reads (absent fields left out rather than sent as null). */
    public static ObjectNode response(ObjectMapper json, int status, JsonNode body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("content-type", "application/json");
        all.putAll(headers);
        APIGatewayV2HTTPResponse response = APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(all)
                .withBody(body.toString()).withIsBase64Encoded(false).build();
        ObjectNode node = json.createObjectNode();
        node.put("statusCode", response.getStatusCode());
        response.getHeaders().forEach(node.putObject("headers")::put);
        node.put("body", response.getBody());
        node.put("isBase64Encoded", response.getIsBase64Encoded());
        return node;
    }
}
