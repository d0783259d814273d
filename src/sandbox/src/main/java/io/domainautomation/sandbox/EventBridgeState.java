package io.domainautomation.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.domainautomation.sandbox.SandboxRecords.ReceivedEvent;

/** The events EventBridge's PutEvents accepted, in order. Every method holds this object's monitor. */
final class EventBridgeState {

    private final List<ReceivedEvent> events = new ArrayList<>();

    synchronized void receiveEvent(ReceivedEvent event) {
        events.add(event);
    }

    /** Every event the sandbox's EventBridge endpoint accepted, in order. */
    synchronized List<ReceivedEvent> events() {
        return new ArrayList<>(events);
    }

    synchronized void clear() {
        events.clear();
    }
}
