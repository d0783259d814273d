package io.domainautomation.fakes;

import java.util.ArrayList;
import java.util.List;

import io.domainautomation.logic.port.DeadLetters;

/** The dead-letter queue in memory: every message kept, with its reason; a fault makes a send fail as SQS would. */
public final class RecordingDeadLetters implements DeadLetters {

    public record Kept(String sourceMessageId, String body, String field, String reason) {
    }

    private final List<Kept> kept = new ArrayList<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized void send(String function, String sourceMessageId, String body, String field, String reason) {
        faults.before("deadLetters.send");
        kept.add(new Kept(sourceMessageId, body, field, reason));
    }

    public synchronized List<Kept> kept() {
        return List.copyOf(kept);
    }
}
