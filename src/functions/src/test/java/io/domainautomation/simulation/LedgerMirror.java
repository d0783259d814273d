package io.domainautomation.simulation;

import java.util.function.Function;
import java.util.function.Supplier;

import io.domainautomation.fakes.InMemoryScalingo.FaultSeen;
import io.domainautomation.logic.LedgerUnavailable;

/**
 * How a fidelity run mirrors one ledger call: made on the in-memory model the simulation injects its faults into (its
 * answer is what the core gets) and on the DynamoDB adapter, through the sandbox (signed as the function that makes
 * it) to dynalite, which meets the same fault at the wire: a failure before the write fails every attempt there (a
 * ledger refusing the function, the model's non-transient failure, is an AccessDeniedException there); a
 * reply lost after the write is lost there too and the SDK's retry meets the change (its answer not compared: the
 * model says "unknown", the adapter may learn more); a process killed before a call makes no real call, killed after
 * one makes it. Every other answer is compared.
 */
public final class LedgerMirror {

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedAtTheWire;
        public long deniedAtTheWire;
        public long lostAtTheWire;
        public long notMadeKilled;
        public long madeThenKilled;
        public long storedCompared;

        public void add(Counts other) {
            compared += other.compared;
            failedAtTheWire += other.failedAtTheWire;
            deniedAtTheWire += other.deniedAtTheWire;
            lostAtTheWire += other.lostAtTheWire;
            notMadeKilled += other.notMadeKilled;
            madeThenKilled += other.madeThenKilled;
            storedCompared += other.storedCompared;
        }
    }

    private final MirroredLedger.WireFaults wire;
    private final int attempts;
    private final Function<Object, String> answerText;
    private final Counts counts = new Counts();

    /**
     * @param attempts how many requests the real client makes for one call at most (its retries included)
     * @param answerText an answer as both sides can be compared by
     */
    public LedgerMirror(MirroredLedger.WireFaults wire, int attempts, Function<Object, String> answerText) {
        this.wire = wire;
        this.attempts = attempts;
        this.answerText = answerText;
    }

    public Counts counts() {
        return counts;
    }

    public <T> T call(String call, Supplier<FaultSeen> lastFault, Supplier<T> onModel, Supplier<T> onReal,
            Function<Supplier<Object>, Object> asCaller) {
        lastFault.get();
        T answer = null;
        RuntimeException failed = null;
        Error killed = null;
        try {
            answer = onModel.get();
        } catch (RuntimeException e) {
            failed = e;
        } catch (Error e) {
            killed = e; // the process ended (the simulation's Killed)
        }
        FaultSeen fault = lastFault.get();
        switch (fault.phase()) {
            case BEFORE -> {
                if (killed != null) {
                    counts.notMadeKilled++;
                } else {
                    // a ledger refusing the function (the model's non-transient failure) is denied at the wire
                    boolean denied = failed instanceof LedgerUnavailable unavailable && !unavailable.isTransient();
                    if (denied) {
                        wire.denyNext(attempts);
                        counts.deniedAtTheWire++;
                    } else {
                        wire.failNext(attempts);
                    }
                    String real = outcome(onReal, asCaller);
                    wire.clear();
                    counts.failedAtTheWire++;
                    if (!real.equals(text(null, failed))) {
                        throw new MirroredLedger.Divergence(call + ": failed at the wire on every attempt, the real ledger"
                                + " answered " + real + " where the model fails with " + text(null, failed));
                    }
                }
            }
            case AFTER -> {
                if (killed == null) {
                    wire.loseNextReply();
                    counts.lostAtTheWire++;
                } else {
                    counts.madeThenKilled++;
                }
                outcome(onReal, asCaller);
                wire.clear();
            }
            case NONE -> {
                if (killed != null) {
                    throw killed; // not the ledger's: nothing to mirror
                }
                counts.compared++;
                compare(call, text(answer, failed), outcome(onReal, asCaller));
            }
            default -> throw new IllegalStateException(fault.phase().name());
        }
        if (killed != null) {
            throw killed;
        }
        if (failed != null) {
            throw failed;
        }
        return answer;
    }

    private String outcome(Supplier<?> call, Function<Supplier<Object>, Object> asCaller) {
        try {
            return text(asCaller.apply(() -> call.get()), null);
        } catch (RuntimeException e) {
            return text(null, e);
        }
    }

    private String text(Object answer, RuntimeException failure) {
        if (failure instanceof LedgerUnavailable unavailable) {
            return "LedgerUnavailable transient=" + unavailable.isTransient();
        }
        if (failure != null) {
            return failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        return answerText.apply(answer);
    }

    static void compare(String call, String model, String real) {
        if (!model.equals(real)) {
            throw new MirroredLedger.Divergence("ledger " + call + ":\n  model: " + model + "\n  real:  " + real);
        }
    }
}
