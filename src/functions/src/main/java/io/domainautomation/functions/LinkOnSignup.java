package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.DeadLetterQueue;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.OnboardingMessages;
import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.DomainLinker;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LinkRequest;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.AppsService;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.tls.CertificateAttachment;
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

    static final String NAME = "link-on-signup";

    @Inject
    DomainLinker linker;

    @Inject
    DeadLetterQueue deadLetters;

    @Inject
    CertificateAttachment certificates;

    @Inject
    AppsService apps;

    @Inject
    OutcomeLog log;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    ObjectMapper json;

    @Inject
    EventSink events;

    @Inject
    AppHosts appHosts;

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
        String messageId = message.getMessageId();
        LinkRequest request;
        try {
            request = OnboardingMessages.parse(json, message.getBody());
        } catch (InvalidInput invalid) {
            reject(message, null, null, Optional.empty(), invalid.field(), invalid.getMessage());
            return;
        }
        String domain = request.domain().ascii();
        try {
            // The secret must be the app's, whether the message and the secret's tag name it by name or by ID: the app
            // is looked up only when they spell it differently (an unknown app is refused below, as the link would be).
            Optional<CertificateAttachment.Checked> certificate = request.tlsSecretId().isEmpty() ? Optional.empty()
                    : Optional.of(certificates.forDomain(request.tlsSecretId().get(), request.app(),
                            () -> apps.getApp(request.app(), deadlines.current()), domain));
            DomainLinker.Result result = linker.link(request.app(), request.domain(), request.canonical(),
                    request.letsencrypt(), certificate, deadlines.current());
            boolean linked = result.outcome() == DomainLinker.Outcome.LINKED;
            count(linked ? "DomainsLinked" : "DomainsAlreadyLinked");
            log.info(NAME, fields(messageId, request.app(), domain, linked ? "linked" : "already-linked", result.detail()));
            publishOrRedeliver(LinkEvents.linked(linked, request.app(), result.domain(),
                    appHosts.of(request.app()), messageId, request.requestId()),
                    messageId, request.app(), domain);
        } catch (InvalidInput refused) {
            reject(message, request.app(), domain, request.requestId(), refused.field(), refused.getMessage());
        } catch (CertificateAttachment.Misconfigured e) {
            // Retrying cannot help until someone fixes the role: the message waits in the dead-letter queue for a
            // redrive, and the alarm on configuration errors tells them.
            count("ConfigurationErrors");
            reject(message, request.app(), domain, request.requestId(), "tlsSecretId", "configuration: " + e.getMessage());
        } catch (CertificateAttachment.Unavailable e) {
            count("MessagesRetried");
            log.warn(NAME, fields(messageId, request.app(), domain, "retry", e.getMessage()));
            throw new RetryLater(e.getMessage());
        } catch (ScalingoException e) {
            if (e.isPermanent() && !e.isUnauthorized()) {
                String reason = e.isNotFound() ? "unknown app " + request.app() + " (" + e.getMessage() + ")" : e.getMessage();
                reject(message, request.app(), domain, request.requestId(), e.isNotFound() ? "app" : "scalingo", reason);
            } else {
                // Unavailable Scalingo, no time left in this invocation, or a token that is refused or cannot be read:
                // the message is fine, the moment or the configuration is not.
                if (e.isConfiguration()) {
                    count("ConfigurationErrors");
                }
                count("MessagesRetried");
                log.warn(NAME, fields(messageId, request.app(), domain, "retry", e.getMessage()));
                throw new RetryLater(e.getMessage());
            }
        }
    }

    private void reject(SQSMessage message, String app, String domain, Optional<String> requestId, String field, String reason) {
        try {
            deadLetters.send(NAME, message.getMessageId(), message.getBody(), field, reason);
        } catch (DeadLetterQueue.DeadLetterFailure unsent) {
            count("MessagesRetried");
            log.warn(NAME, fields(message.getMessageId(), app, domain, "retry",
                    "rejected (" + reason + ") but " + unsent.getMessage() + "; left for SQS redrive"));
            throw new RetryLater(reason);
        }
        count("MessagesRejected");
        log.warn(NAME, fields(message.getMessageId(), app, domain, "rejected", reason));
        publishOrRedeliver(LinkEvents.rejected(app, domain, message.getMessageId(), requestId, field, reason),
                message.getMessageId(), app, domain);
    }

    /**
     * Publishes after the action succeeded; an event that cannot be published is never dropped: the record is
     * delivered again (the link is idempotent, a rejection repeated, and the event keeps its id).
     */
    private void publishOrRedeliver(DomainEvent event, String messageId, String app, String domain) {
        if (events.publish(List.of(event), deadlines.current()).isEmpty()) {
            return;
        }
        count("EventsUnpublished");
        count("MessagesRetried");
        String reason = "the " + event.detailType() + " event " + event.eventId() + " could not be published; the record is delivered again";
        log.warn(NAME, fields(messageId, app, domain, "retry", reason));
        throw new RetryLater(reason);
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
