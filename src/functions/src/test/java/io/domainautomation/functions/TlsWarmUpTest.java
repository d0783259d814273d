package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TlsWarmUpTest {

    @Test
    void notOutsideLambdaNorForASnapshot() {
        assertTrue(TlsWarmUp.startUnlessSnapStart(null).isEmpty(), "outside Lambda");
        assertTrue(TlsWarmUp.startUnlessSnapStart("").isEmpty(), "outside Lambda");
        assertTrue(TlsWarmUp.startUnlessSnapStart("snap-start").isEmpty(), "SnapStart primes before the snapshot instead");
    }

    @Test
    void onDemandAndProvisionedWarmOnADaemonThreadThatEnds() throws InterruptedException {
        for (String initialization : new String[] {"on-demand", "provisioned-concurrency"}) {
            Optional<Thread> started = TlsWarmUp.startUnlessSnapStart(initialization);

            Thread thread = started.orElseThrow();
            assertEquals(TlsWarmUp.THREAD_NAME, thread.getName());
            assertTrue(thread.isDaemon(), "never keeps the JVM alive");
            thread.join(30_000);
            assertFalse(thread.isAlive(), initialization + ": the warm-up ends");
        }
    }
}
