package io.domainautomation.logic.ownership;

import java.time.Duration;

/**
 * Brings an onboarding message back later to look at its proof again: a copy of it on the onboarding queue, delayed,
 * marked with the re-check's id (implemented by {@code aws.OnboardingRechecks} with SQS {@code DelaySeconds}).
 */
public interface Rechecks {

    /** The message attribute that marks a re-check with its id. */
    String ATTRIBUTE = "ownership-recheck";

    /**
     * @throws Unsent when it may not have been sent (a lost reply included: a re-check sent twice is harmless, as only
     *         the one on record carries the request on)
     */
    void schedule(String body, String recheckId, Duration delay);

    /** The longest one {@link #schedule} takes: none is started with less left. */
    Duration longest();

    class Unsent extends RuntimeException {
        private final boolean configuration;

        public Unsent(String message) {
            this(message, false);
        }

        /** @param configuration the queue is not configured, or refuses this role: retrying cannot help */
        public Unsent(String message, boolean configuration) {
            super(message, null, false, false);
            this.configuration = configuration;
        }

        public boolean configuration() {
            return configuration;
        }
    }
}
