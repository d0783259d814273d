package io.domainautomation.fakes;

/**
 * Where an in-memory port lets a test or the simulator inject a fault: {@link #before} may throw (the call failed and
 * changed nothing), {@link #after} may throw once the change was applied (the reply was lost). Each port throws its
 * own failure type, so what reaches the service is what the real adapter would raise.
 */
public interface Faults {

    Faults NONE = new Faults() {
    };

    /** @param call the port and operation, e.g. {@code "scalingo.unlinkDomain"} */
    default void before(String call) {
    }

    default void after(String call) {
    }
}
