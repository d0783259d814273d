package io.domainautomation.fakes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.domainautomation.logic.ownership.Rechecks;

/** The re-checks sent to the onboarding queue, in memory; a fault makes a send fail (or its reply get lost). */
public final class RecordingRechecks implements Rechecks {

    public record Sent(String body, String recheckId, Duration delay) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public synchronized void schedule(String body, String recheckId, Duration delay) {
        faults.before("rechecks.schedule");
        sent.add(new Sent(body, recheckId, delay));
        faults.after("rechecks.schedule");
    }

    /** AWS_API_CALL_TIMEOUT as deployed. */
    @Override
    public Duration longest() {
        return SignupWorld.ONE_AWS_CALL;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Takes the re-checks sent so far (the queue delivers them), in order. */
    public synchronized List<Sent> take() {
        List<Sent> taken = List.copyOf(sent);
        sent.clear();
        return taken;
    }
}
