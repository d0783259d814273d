package io.domainautomation.fakes;

/**
 * The faults a port was given, with the last one it met remembered (where, and what was thrown): what a fidelity run's
 * mirror reads to inject the same fault at the real adapter's wire.
 */
public final class RecordedFaults implements Faults {

    private volatile Faults faults = Faults.NONE;
    private InMemoryScalingo.FaultSeen last = new InMemoryScalingo.FaultSeen(InMemoryScalingo.FaultPhase.NONE, null);

    public void use(Faults faults) {
        this.faults = faults;
    }

    /** The last fault met since the last call of this, and forgets it. */
    public synchronized InMemoryScalingo.FaultSeen take() {
        InMemoryScalingo.FaultSeen seen = last;
        last = new InMemoryScalingo.FaultSeen(InMemoryScalingo.FaultPhase.NONE, null);
        return seen;
    }

    @Override
    public void before(String call) {
        try {
            faults.before(call);
        } catch (RuntimeException | Error e) {
            remember(InMemoryScalingo.FaultPhase.BEFORE, e);
            throw e;
        }
    }

    @Override
    public void after(String call) {
        try {
            faults.after(call);
        } catch (RuntimeException | Error e) {
            remember(InMemoryScalingo.FaultPhase.AFTER, e);
            throw e;
        }
    }

    private synchronized void remember(InMemoryScalingo.FaultPhase phase, Throwable thrown) {
        last = new InMemoryScalingo.FaultSeen(phase, thrown);
    }
}
