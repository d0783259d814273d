package io.domainautomation.logic.port;

/**
 * Where a message that can never be processed is kept for a human, with its reason (implemented by
 * {@code aws.DeadLetterQueue}, SQS; recorded in tests).
 */
public interface DeadLetters {

    /**
     * @throws Unsent when the message could not be kept: the caller must let it be delivered again rather than
     *         acknowledge it
     */
    void send(String function, String sourceMessageId, String body, String field, String reason);

    /** The message was not kept. */
    class Unsent extends RuntimeException {
        public Unsent(String message) {
            super(message, null, false, false);
        }
    }
}
