package io.domainautomation.logic;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.tls.CertificateAttachment;

/**
 * link-on-signup's core for one onboarding message: the link and its event, or the message kept in the dead-letter
 * queue with its reason and its rejection announced, or "deliver it again". The function turns the {@link Outcome}
 * into an acknowledgement or a batch item failure, metrics and a log line.
 * <p>
 * {@code Domain Linked} is said once per link (per Scalingo domain id), by a message that asked for it: a new link
 * asked of Scalingo is recorded as this message's attempt first, so a delivery that finds the domain linked tells
 * "my earlier delivery linked it, its event never went out" (its attempt is recorded) from "it was linked already"
 * ({@code Domain Already Linked}). The event's id depends on the message and what it asks, never on the outcome.
 */
@ApplicationScoped
public class SignupLinking {

    public static final String FUNCTION = "link-on-signup";

    public enum Kind {
        LINKED("linked"), ALREADY_LINKED("already-linked"), REJECTED("rejected"), RETRY("retry");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param configuration a fault of this deployment's configuration (alarmed), not of the message or the moment
     * @param eventUnpublished the outcome's event could not be published: the message is delivered again
     */
    public record Outcome(Kind kind, String app, String domain, String reason, boolean configuration,
            boolean eventUnpublished) {
    }

    /** Reads a message's body into what it asks. */
    @FunctionalInterface
    public interface Parser {
        LinkRequest parse(String body) throws InvalidInput;
    }

    private final DomainLinker linker;
    private final CertificateAttachment certificates;
    private final AppDirectory directory;
    private final AppHosts appHosts;
    private final LinkLedger ledger;
    private final DeadLetters deadLetters;
    private final EventSink events;

    public SignupLinking(DomainLinker linker, CertificateAttachment certificates, AppDirectory directory, AppHosts appHosts,
            LinkLedger ledger, DeadLetters deadLetters, EventSink events) {
        this.linker = linker;
        this.certificates = certificates;
        this.directory = directory;
        this.appHosts = appHosts;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.events = events;
    }

    public Outcome handle(String messageId, String body, Parser parser, Deadline deadline) {
        LinkRequest request;
        try {
            request = parser.parse(body);
        } catch (InvalidInput invalid) {
            return reject(messageId, body, null, null, Optional.empty(), invalid.field(), invalid.getMessage(), false, deadline);
        }
        String asked = request.app();
        String domain = request.domain().ascii();
        String app = asked;
        try {
            // One app, one identity: named by its name or its ID, it is linked, announced and pointed at by its name
            // (an unknown app is refused below, with Scalingo's 404).
            App resolved = directory.resolve(asked, deadline);
            app = resolved.name();
            Optional<CertificateAttachment.Checked> certificate = request.tlsSecretId().isEmpty() ? Optional.empty()
                    : Optional.of(certificates.forDomain(request.tlsSecretId().get(), app, () -> resolved, domain));
            String name = app;
            DomainLinker.Result result = linker.link(name, request.domain(), request.canonical(), request.letsencrypt(),
                    certificate, () -> ledger.recordAttempt(name, domain, messageId), deadline);
            boolean linked = announcesLink(result, app, domain, messageId);
            String detail = linked && result.outcome() != DomainLinker.Outcome.LINKED
                    ? "linked by an earlier delivery of this message" : result.detail();
            return publish(LinkEvents.linked(linked, app, result.domain(), appHosts.of(app), messageId, request.requestId()),
                    new Outcome(linked ? Kind.LINKED : Kind.ALREADY_LINKED, app, domain, detail, false, false), deadline);
        } catch (InvalidInput refused) {
            return reject(messageId, body, app, domain, request.requestId(), refused.field(), refused.getMessage(), false,
                    deadline);
        } catch (CertificateAttachment.Misconfigured e) {
            // Retrying cannot help until someone fixes the role: the message waits in the dead-letter queue for a
            // redrive, and the alarm on configuration errors tells them.
            return reject(messageId, body, app, domain, request.requestId(), "tlsSecretId", "configuration: " + e.getMessage(),
                    true, deadline);
        } catch (CertificateAttachment.Unavailable e) {
            return retry(app, domain, e.getMessage(), false);
        } catch (LedgerUnavailable e) {
            return retry(app, domain, e.getMessage(), !e.isTransient());
        } catch (ScalingoException e) {
            if (e.isPermanent() && !e.isUnauthorized()) {
                String reason = e.isNotFound() ? "unknown app " + asked + " (" + e.getMessage() + ")" : e.getMessage();
                return reject(messageId, body, app, domain, request.requestId(), e.isNotFound() ? "app" : "scalingo", reason,
                        false, deadline);
            }
            // Unavailable Scalingo, no time left in this invocation, or a token that is refused or cannot be read: the
            // message is fine, the moment or the configuration is not.
            return retry(app, domain, e.getMessage(), e.isConfiguration());
        }
    }

    /**
     * Whether this message announces the link as linked: it asked Scalingo for it (now, or in an earlier delivery whose
     * event never went out) and is the first to claim its announcement.
     */
    private boolean announcesLink(DomainLinker.Result result, String app, String domain, String messageId) {
        boolean mayHaveLinked = result.outcome() == DomainLinker.Outcome.LINKED || ledger.attempted(app, domain, messageId);
        return mayHaveLinked && ledger.claim(app, result.domain().id(), messageId).equals(messageId);
    }

    private Outcome reject(String messageId, String body, String app, String domain, Optional<String> requestId, String field,
            String reason, boolean configuration, Deadline deadline) {
        try {
            deadLetters.send(FUNCTION, messageId, body, field, reason);
        } catch (DeadLetters.Unsent unsent) {
            return retry(app, domain, "rejected (" + reason + ") but " + unsent.getMessage() + "; left for SQS redrive",
                    configuration);
        }
        return publish(LinkEvents.rejected(app, domain, messageId, requestId, field, reason),
                new Outcome(Kind.REJECTED, app, domain, reason, configuration, false), deadline);
    }

    private static Outcome retry(String app, String domain, String reason, boolean configuration) {
        return new Outcome(Kind.RETRY, app, domain, reason, configuration, false);
    }

    /**
     * Publishes after the action succeeded; an event that cannot be published is never dropped: the message is
     * delivered again (the link is idempotent, a rejection repeated, and the event keeps its id).
     */
    private Outcome publish(DomainEvent event, Outcome done, Deadline deadline) {
        if (events.publish(List.of(event), deadline).isEmpty()) {
            return done;
        }
        return new Outcome(Kind.RETRY, done.app(), done.domain(), "the " + event.detailType() + " event " + event.eventId()
                + " could not be published; the message is delivered again", done.configuration(), true);
    }
}
