package io.domainautomation.dns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.domainautomation.logic.port.DnsAnswer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The priming resolves once through dnsjava's real path against its own loopback responder, then resolves as before. */
class DnsProbePrimingTest {

    private static final DnsConfig UNUSED_RESOLVER = new DnsConfig() {
        @Override
        public Optional<String> resolver() {
            return Optional.of("127.0.0.1:9");
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(300);
        }
    };

    @Test
    void thePrimingIsAnsweredOnLoopbackAndLeavesTheConfiguredResolverInPlace() {
        DnsProbe probe = new DnsProbe(UNUSED_RESOLVER);
        assertTrue(probe.prime(), "the loopback responder answered the priming's lookup");
        DnsAnswer answer = probe.resolve("after-priming.invalid");
        assertTrue(answer.failed(), "the configured resolver (nothing there) is the one asked afterwards");
        assertEquals(List.of(), answer.cnameChain());
    }
}
