package io.domainautomation.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.domainautomation.sandbox.SandboxRecords.QueuedMessage;

/** SQS's queues, by URL: the messages SendMessage received, oldest first. Every method holds this object's monitor. */
final class SqsState {

    private final Map<String, List<QueuedMessage>> queues = new TreeMap<>();

    synchronized void enqueue(String queueUrl, QueuedMessage message) {
        queues.computeIfAbsent(queueUrl, k -> new ArrayList<>()).add(message);
    }

    /** Messages sent to a queue since the last reset, oldest first. */
    synchronized List<QueuedMessage> queue(String queueUrl) {
        return new ArrayList<>(queues.getOrDefault(queueUrl, List.of()));
    }

    /** Every queue the sandbox's SQS endpoint received messages for, with its messages. */
    synchronized Map<String, List<QueuedMessage>> queues() {
        Map<String, List<QueuedMessage>> copy = new TreeMap<>();
        queues.forEach((url, messages) -> copy.put(url, new ArrayList<>(messages)));
        return copy;
    }

    synchronized void clear() {
        queues.clear();
    }
}
