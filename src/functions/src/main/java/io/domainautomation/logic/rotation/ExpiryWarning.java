package io.domainautomation.logic.rotation;

import java.util.List;
import java.util.OptionalInt;

/**
 * Which expiry warning a certificate has reached: the smallest configured threshold (days) its remaining validity is
 * within, or 0 once it has expired. Pure; announced once per threshold and certificate.
 */
public final class ExpiryWarning {

    private ExpiryWarning() {
    }

    public static OptionalInt reached(long daysLeft, List<Integer> thresholds) {
        if (daysLeft < 0) {
            return OptionalInt.of(0);
        }
        return thresholds.stream().mapToInt(Integer::intValue).filter(t -> daysLeft <= t).min();
    }
}
