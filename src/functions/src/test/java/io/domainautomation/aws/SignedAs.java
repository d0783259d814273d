package io.domainautomation.aws;

import java.util.function.Supplier;

/** A call made as a function's deployed role (the sandbox enforces the template's IAM on it). */
final class SignedAs {

    private SignedAs() {
    }

    static <T> T function(String function, Supplier<T> call) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(function)) {
            return call.get();
        }
    }
}
