package io.domainautomation.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import io.quarkus.test.Mock;

/**
 * The wall clock of @QuarkusTests: the system's, moved forward by what a test says, so that decisions spanning days
 * (grace periods, confirmation over time) are tested without sleeping. Tests reset it before they start.
 */
@Mock
@Singleton
public class TestClock extends Clock {

    private static final AtomicReference<Duration> AHEAD = new AtomicReference<>(Duration.ZERO);

    public static void advance(Duration by) {
        AHEAD.updateAndGet(ahead -> ahead.plus(by));
    }

    public static void reset() {
        AHEAD.set(Duration.ZERO);
    }

    public static Instant now() {
        return Instant.now().plus(AHEAD.get());
    }

    @Override
    public Instant instant() {
        return now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
