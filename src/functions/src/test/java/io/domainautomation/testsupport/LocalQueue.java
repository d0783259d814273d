package io.domainautomation.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small model of an SQS standard queue with a redrive policy, in logical time: a received message is invisible
 * until its visibility timeout passes, comes back if not deleted, and after {@code maxReceiveCount} receives goes
 * to the dead-letter queue instead of being delivered again.
 */
public final class LocalQueue {

    public static final class Entry {
        public final String messageId = UUID.randomUUID().toString();
        public final String body;
        int receiveCount;
        long visibleAt;

        Entry(String body) {
            this.body = body;
        }

        public int receiveCount() {
            return receiveCount;
        }
    }

    private final Map<String, Entry> messages = new LinkedHashMap<>();
    private final List<Entry> deadLetters = new ArrayList<>();
    private final int maxReceiveCount;
    private final long visibilityTimeout;
    private long now;

    public LocalQueue(int maxReceiveCount, long visibilityTimeout) {
        this.maxReceiveCount = maxReceiveCount;
        this.visibilityTimeout = visibilityTimeout;
    }

    public Entry send(String body) {
        Entry entry = new Entry(body);
        messages.put(entry.messageId, entry);
        return entry;
    }

    /** Up to {@code max} visible messages; each becomes invisible for the visibility timeout. */
    public List<Entry> receive(int max) {
        List<Entry> batch = new ArrayList<>();
        for (Entry entry : new ArrayList<>(messages.values())) {
            if (batch.size() == max) {
                break;
            }
            if (entry.visibleAt > now) {
                continue;
            }
            if (entry.receiveCount >= maxReceiveCount) {
                messages.remove(entry.messageId);
                deadLetters.add(entry);
                continue;
            }
            entry.receiveCount++;
            entry.visibleAt = now + visibilityTimeout;
            batch.add(entry);
        }
        return batch;
    }

    public void delete(String messageId) {
        messages.remove(messageId);
    }

    /** Moves logical time on (one tick per polling round). */
    public void tick(long by) {
        now += by;
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public int size() {
        return messages.size();
    }

    public List<Entry> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
