package io.domainautomation.logic.port;

import java.util.Optional;

/**
 * Hands the rest of a long job to a new invocation (implemented by {@code aws.Continuation}, an asynchronous Lambda
 * Invoke). A failure is a {@link ServiceFailure}.
 */
public interface ContinuationSender {

    /**
     * @param function the function to invoke; empty for the running function itself
     * @return where it was handed, or empty when no function is known (a local run: the caller continues by hand)
     */
    Optional<String> handOff(Optional<String> function, String payloadJson);
}
