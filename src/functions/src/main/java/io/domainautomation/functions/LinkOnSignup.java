package io.domainautomation.functions;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.functions.trigger.OnboardingMessages;
import io.domainautomation.logic.SignupLinking;
import io.domainautomation.logic.ownership.ProofDecision;
import io.domainautomation.logic.ownership.Rechecks;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * SQS-triggered: links a customer's domain to their app. Funqy calls this once per record of a batch; records run
 * concurrently. Outcomes: {@code linked}, {@code already-linked}; {@code rejected} records (they can never succeed)
 * go to the dead-letter queue with their reason and are acknowledged; {@code retry} records (Scalingo unavailable)
 * fail, so they come back in {@code batchItemFailures} and SQS delivers them again.
 */
public class LinkOnSignup {

    static final String NAME = SignupLinking.FUNCTION;

    @Inject
    SignupLinking linking;

    @Inject
    OutcomeLog log;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    ObjectMapper json;

    @Funq(NAME)
    public Uni<Void> linkOnSignup(SQSMessage message) {
        return Uni.createFrom().item(() -> {
            try (LocalCredentials.Scope caller = LocalCredentials.callerIs(NAME)) {
                handle(message);
            }
            return message;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).replaceWithVoid();
    }

    void handle(SQSMessage message) {
        SignupLinking.Outcome outcome = linking.handle(message.getMessageId(),
                new ProofDecision.Delivery(recheck(message), sentAt(message)), message.getBody(),
                body -> OnboardingMessages.parse(json, body), deadlines.current());
        switch (outcome.kind()) {
            case LINKED -> count("DomainsLinked");
            case ALREADY_LINKED -> count("DomainsAlreadyLinked");
            case UNLINKED -> count("DomainsUnlinked");
            case ALREADY_UNLINKED -> count("DomainsAlreadyUnlinked");
            case REJECTED -> count("MessagesRejected");
            case RETRY -> count("MessagesRetried");
            case AWAITING_PROOF -> count("OwnershipProofsPending");
            case DROPPED -> count("RechecksDropped");
        }
        if (outcome.configuration()) {
            count("ConfigurationErrors");
        }
        if (outcome.eventUnpublished()) {
            count("EventsUnpublished");
        }
        Map<String, Object> fields = fields(message.getMessageId(), outcome.app(), outcome.domain(), outcome.kind().label(),
                outcome.reason());
        switch (outcome.kind()) {
            case LINKED, ALREADY_LINKED, UNLINKED, ALREADY_UNLINKED, AWAITING_PROOF, DROPPED -> log.info(NAME, fields);
            case REJECTED -> log.warn(NAME, fields);
            case RETRY -> {
                log.warn(NAME, fields);
                throw new RetryLater(outcome.reason());
            }
        }
    }

    /** When SQS took the message in: its {@code SentTimestamp} attribute (epoch milliseconds), when it has one. */
    static Optional<Instant> sentAt(SQSMessage message) {
        String sent = message.getAttributes() == null ? null : message.getAttributes().get("SentTimestamp");
        try {
            return sent == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(sent)));
        } catch (NumberFormatException unreadable) {
            return Optional.empty();
        }
    }

    /** The id of the proof of ownership's re-check this message is, if it is one (its message attribute). */
    static Optional<String> recheck(SQSMessage message) {
        if (message.getMessageAttributes() == null) {
            return Optional.empty();
        }
        SQSEvent.MessageAttribute attribute = message.getMessageAttributes().get(Rechecks.ATTRIBUTE);
        return attribute == null ? Optional.empty() : Optional.ofNullable(attribute.getStringValue()).filter(v -> !v.isBlank());
    }

    /** One more record with this outcome, for the operators' dashboard (DomainsLinked, MessagesRejected, ...). */
    private void count(String metric) {
        metrics.emit(metric, "Count", 1, Map.of("Function", NAME));
    }

    private static Map<String, Object> fields(String messageId, String app, String domain, String outcome, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", messageId);
        fields.put("app", app);
        fields.put("domain", domain);
        fields.put("outcome", outcome);
        fields.put("reason", reason);
        return fields;
    }

    /** Makes Funqy report the record in batchItemFailures, so SQS delivers it again later. */
    static final class RetryLater extends RuntimeException {
        RetryLater(String reason) {
            super(reason, null, false, false);
        }
    }
}
