package io.domainautomation.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.Headers;

/**
 * DynamoDB through the sandbox: each call IAM allows is passed on, as signed, to a local DynamoDB (dynalite), and its
 * answer passed back unchanged (status, body, request id and checksum), so that the ledger's calls are authorised
 * like every other AWS call of the functions while dynalite stays the DynamoDB they talk to.
 */
final class DynamoForward {

    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "X-Amz-Target", "X-Amz-Date",
            "X-Amz-Security-Token", "Content-Type", "amz-sdk-invocation-id", "amz-sdk-request");
    private static final List<String> REPLY_HEADERS = List.of("x-amzn-RequestId", "x-amz-crc32");

    // HTTP/1.1 as dynalite speaks it (no h2c upgrade attempt on each new connection).
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile URI upstream;

    void upstream(URI dynamo) {
        upstream = dynamo;
    }

    Reply forward(Headers headers, String body) {
        URI target = upstream;
        if (target == null) {
            return new Reply(400, "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#UnknownOperationException\",\"Message\":"
                            + "\"this sandbox has no DynamoDB behind it (SandboxState.dynamoUpstream)\"}", Map.of());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve("/")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String name : REQUEST_HEADERS) {
            String value = headers.getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        try {
            HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> replyHeaders = new HashMap<>();
            for (String name : REPLY_HEADERS) {
                answer.headers().firstValue(name).ifPresent(value -> replyHeaders.put(name, value));
            }
            return new Reply(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.0"),
                    answer.body(), replyHeaders);
        } catch (IOException e) {
            return Reply.DROP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.DROP;
        }
    }
}
