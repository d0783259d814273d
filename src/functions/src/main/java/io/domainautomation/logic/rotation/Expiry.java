package io.domainautomation.logic.rotation;

import java.time.Clock;
import java.time.Duration;

import io.domainautomation.logic.port.Domain;

/** Days a domain's current certificate has left, as Scalingo reports its expiry; null when it reports none. */
final class Expiry {

    private Expiry() {
    }

    static Long daysLeft(Domain domain, Clock clock) {
        if (domain.validity() == null) {
            return null;
        }
        return Duration.between(clock.instant(), domain.validity().toInstant()).toDays();
    }
}
