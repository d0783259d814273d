package io.domainautomation.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.domainautomation.sandbox.SandboxRecords.LoggedRequest;

/**
 * What the sandbox answered, across every service: a counter per operation (counted and read lock-free) and the
 * redacted log of the Scalingo API's requests (the last 10,000, under this object's monitor).
 */
final class SandboxCounters {

    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Deque<LoggedRequest> requestLog = new ArrayDeque<>();

    void count(String operation) {
        counters.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many requests of one operation were answered (e.g. {@code domains.link}, {@code auth.exchange}). */
    int counter(String operation) {
        AtomicInteger counter = counters.get(operation);
        return counter == null ? 0 : counter.get();
    }

    Map<String, Integer> counters() {
        Map<String, Integer> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Forgets every counter and the request log. */
    synchronized void clear() {
        counters.clear();
        requestLog.clear();
    }

    synchronized void log(LoggedRequest request) {
        requestLog.addLast(request);
        if (requestLog.size() > 10_000) {
            requestLog.pollFirst();
        }
    }

    synchronized List<LoggedRequest> requestLog() {
        return new ArrayList<>(requestLog);
    }
}
