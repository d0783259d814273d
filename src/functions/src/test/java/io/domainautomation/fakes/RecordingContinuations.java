package io.domainautomation.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.ContinuationSender;

/** Keeps the hand-offs (the payloads a new invocation would receive), for the test or the simulator to deliver. */
public final class RecordingContinuations implements ContinuationSender {

    private final List<String> payloads = new ArrayList<>();
    private Faults faults = Faults.NONE;

    public void faults(Faults faults) {
        this.faults = faults;
    }

    /** The payloads handed on and not yet taken, oldest first; taking them empties the list. */
    public synchronized List<String> take() {
        List<String> taken = List.copyOf(payloads);
        payloads.clear();
        return taken;
    }

    @Override
    public synchronized Optional<String> handOff(Optional<String> function, String payloadJson) {
        faults.before("continuation.handOff");
        payloads.add(payloadJson);
        faults.after("continuation.handOff");
        return Optional.of(function.orElse("cleanup-stale"));
    }
}
