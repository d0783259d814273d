package io.domainautomation.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lambda's asynchronous invocations, recorded by Invoke for the test or benchmark to run, oldest first. Every method
 * holds this object's monitor.
 */
final class LambdaState {

    private final Deque<String[]> invocations = new ArrayDeque<>();

    synchronized void recordInvocation(String function, String payload) {
        invocations.addLast(new String[] { function, payload });
    }

    /** The oldest asynchronous invocation not yet taken, as {function, payload}; null when none. */
    synchronized String[] takeInvocation() {
        return invocations.pollFirst();
    }

    synchronized void clear() {
        invocations.clear();
    }
}
