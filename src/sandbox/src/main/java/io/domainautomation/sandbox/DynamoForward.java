package io.domainautomation.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

/**
 * DynamoDB through the sandbox: each call IAM allows is passed on, as signed, to a local DynamoDB (dynalite), and its
 * answer passed back unchanged (status, body, request id and checksum), so that the ledger's calls are authorised
 * like every other AWS call of the functions while dynalite stays the DynamoDB they talk to.
 * <p>
 * One thing dynalite lacks is added here: {@code ReturnValuesOnConditionCheckFailure=ALL_OLD} on a single-item write
 * (PutItem, UpdateItem, DeleteItem), whose refusal carries the item that failed the condition. dynalite accepts the
 * parameter and ignores it; the sandbox reads the item (consistently) after the refusal and adds it to the refusal as
 * DynamoDB does ({@code "Item"} beside the message, the CRC32 header recomputed). DynamoDB does this atomically; here
 * a write asking for the item holds a lock of its own (fair: in the order they came) until its answer and that read
 * are back, which every other write passed on shares (they go side by side among themselves), so no write through the
 * sandbox falls between a refusal and the item it shows (a write made to dynalite directly, not through the sandbox,
 * could). A write that cannot have its lock within {@link #LOCK_WAIT}, or a refusal whose item cannot be read (the
 * read bounded at {@link #OWN_CALL}), is answered as DynamoDB answers an internal error: never a refusal without an
 * item that is there (DynamoDB never answers so, and the adapter takes it for "no item"); the write, refused or
 * never passed on, was not applied, and the SDK sends it again.
 */
final class DynamoForward {

    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems");
    private static final Set<String> SINGLE_ITEM_WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem");
    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    private final ObjectMapper json = new ObjectMapper();
    /**
     * Held alone by a write asking for the item (ALL_OLD), until its answer and the refused item's read are back; shared
     * by every other write passed on.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock writes =
            new java.util.concurrent.locks.ReentrantReadWriteLock(true);
    /** The longest a write waits for its lock (the SDK's budget calls give up after a second). */
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);
    /** The longest the sandbox's own reads (the refused item, the key names) take. */
    static final Duration OWN_CALL = Duration.ofSeconds(2);
    /** Each table's key attributes (DescribeTable, once), by DynamoDB and table. */
    private final Map<String, List<String>> keyNames = new ConcurrentHashMap<>();
    private static final String NOT_APPLIED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
            + "\"message\":\"the sandbox could not answer this write as DynamoDB would: not applied\"}";

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
        String operation = operation(headers.getFirst("X-Amz-Target"));
        if (!WRITES.contains(operation)) {
            return send(target, headers, null, body, Duration.ofSeconds(10));
        }
        JsonNode request = SINGLE_ITEM_WRITES.contains(operation) ? parsed(body) : null;
        boolean oldItem = request != null && "ALL_OLD".equals(request.path("ReturnValuesOnConditionCheckFailure").asText());
        java.util.concurrent.locks.Lock lock = oldItem ? writes.writeLock() : writes.readLock();
        try {
            if (!lock.tryLock(LOCK_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return notApplied();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.DROP;
        }
        try {
            Reply answer = send(target, headers, null, body, Duration.ofSeconds(10));
            return oldItem ? withOldItem(target, headers, operation, request, answer) : answer;
        } finally {
            lock.unlock();
        }
    }

    private static Reply notApplied() {
        return new Reply(500, "application/x-amz-json-1.0", NOT_APPLIED, Map.of());
    }

    private JsonNode parsed(String body) {
        try {
            return json.readTree(body);
        } catch (IOException | RuntimeException unreadable) {
            return null; // passed on as it is: dynalite answers it
        }
    }

    private static String operation(String target) {
        return target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
    }

    /**
     * A refused condition of a write that asked for the item (ALL_OLD), answered as DynamoDB does: the item that failed
     * the condition added to the refusal (none when there is no item); an internal error when the item cannot be read
     * (the write was refused: not applied). Anything else passed back unchanged.
     */
    private Reply withOldItem(URI target, Headers headers, String operation, JsonNode request, Reply answer) {
        if (answer.status() != 400 || answer.body() == null || !answer.body().contains("#ConditionalCheckFailedException")) {
            return answer;
        }
        try {
            String table = request.path("TableName").asText();
            JsonNode source = operation.equals("PutItem") ? request.path("Item") : request.path("Key");
            ObjectNode key = json.createObjectNode();
            for (String name : keyNames(target, headers, table)) {
                key.set(name, source.get(name));
            }
            ObjectNode get = json.createObjectNode().put("TableName", table).put("ConsistentRead", true);
            get.set("Key", key);
            Reply read = send(target, headers, TARGET_PREFIX + "GetItem", json.writeValueAsString(get), OWN_CALL);
            if (read.status() != 200) {
                keyNames.remove(target + " " + table); // a table made again with other keys, perhaps: described again
                return notApplied();
            }
            JsonNode item = json.readTree(read.body()).get("Item");
            if (item == null) {
                return answer; // no item: DynamoDB's refusal has none either
            }
            ObjectNode refusal = (ObjectNode) json.readTree(answer.body());
            refusal.set("Item", item);
            String shown = json.writeValueAsString(refusal);
            Map<String, String> replyHeaders = new HashMap<>(answer.headers());
            CRC32 crc = new CRC32();
            crc.update(shown.getBytes(StandardCharsets.UTF_8));
            replyHeaders.put("x-amz-crc32", Long.toString(crc.getValue()));
            return new Reply(answer.status(), answer.contentType(), shown, replyHeaders);
        } catch (IOException | RuntimeException unreadable) {
            return notApplied();
        }
    }

    private List<String> keyNames(URI target, Headers headers, String table) throws IOException {
        List<String> known = keyNames.get(target + " " + table);
        if (known != null) {
            return known;
        }
        Reply described = send(target, headers, TARGET_PREFIX + "DescribeTable",
                json.writeValueAsString(json.createObjectNode().put("TableName", table)), OWN_CALL);
        if (described.status() != 200) {
            throw new IOException("DescribeTable " + table + ": " + described.status());
        }
        List<String> names = new ArrayList<>();
        json.readTree(described.body()).path("Table").path("KeySchema").forEach(k -> names.add(k.path("AttributeName").asText()));
        if (names.isEmpty()) {
            throw new IOException("DescribeTable " + table + ": no key schema");
        }
        keyNames.put(target + " " + table, List.copyOf(names));
        return names;
    }

    /**
     * One call to dynalite with the caller's headers ({@code operation} instead of the caller's target when not null:
     * dynalite checks a signature's form, not its value).
     */
    private Reply send(URI target, Headers headers, String operation, String body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve("/")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String name : REQUEST_HEADERS) {
            String value = name.equals("X-Amz-Target") && operation != null ? operation : headers.getFirst(name);
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
