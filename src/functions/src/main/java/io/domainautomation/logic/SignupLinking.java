package io.domainautomation.logic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.ownership.OwnershipCheck;
import io.domainautomation.logic.ownership.ProofDecision;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.DeadLetters;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.ScalingoException;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.status.DnsCheck;
import io.domainautomation.logic.tls.CertificateAttachment;

/**
 * link-on-signup's core for one onboarding message: the link and its event, or the message kept in the dead-letter
 * queue with its reason and its rejection announced, or "deliver it again". The function turns the {@link Outcome}
 * into an acknowledgement or a batch item failure, metrics and a log line.
 * <p>
 * {@code Domain Linked} is said once per link (per Scalingo domain id), by the request that asked for it: a new link
 * asked of Scalingo is recorded as this request's attempt first (the request: the onboarding system's
 * {@code requestId}, else the message's body, so a duplicate or a redrive of the message is the same request), so a
 * delivery that finds the domain linked tells "my request linked it, its event never went out" (its attempt is
 * recorded, and it claims the link) from "it was linked already" ({@code Domain Already Linked}).
 * <p>
 * Ledger calls start only when their worst case ({@code oneCall}) still fits before the deadline; otherwise the
 * message comes back (a link made is then claimed by its next delivery).
 */
public class SignupLinking {

    public static final String FUNCTION = "link-on-signup";

    public enum Kind {
        LINKED("linked"), ALREADY_LINKED("already-linked"), UNLINKED("unlinked"), ALREADY_UNLINKED("already-unlinked"),
        REJECTED("rejected"), RETRY("retry"),
        /** not proven the customer's yet: a re-check is on its way ({@code OWNERSHIP_PROOF=txt}) */
        AWAITING_PROOF("awaiting-proof"),
        /** a re-check superseded by a later one, or a request an offboarding withdrew: nothing to do */
        DROPPED("dropped");

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
        OnboardingRequest parse(String body) throws InvalidInput;
    }

    private final DomainLinker linker;
    private final Offboarding offboarding;
    private final CertificateAttachment certificates;
    private final AppDirectory directory;
    private final AppHosts appHosts;
    private final LinkLedger ledger;
    private final DeadLetters deadLetters;
    private final EventSink events;
    private final Ticker ticker;
    private final Clock clock;
    private final Duration oneCall;
    private final Optional<OwnershipCheck> ownership;
    private final DnsCheck dnsCheck;

    /** How far Scalingo's clock and this function's may differ. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /**
     * @param oneCall the longest one ledger call takes, its SDK retries included (AWS_API_CALL_TIMEOUT)
     * @param dns what {@code Domain Linked}'s DNS diagnosis asks ({@link DnsCheck}), only with the time for it and
     *        for the event's publication after it (one AWS call) left
     */
    public SignupLinking(DomainLinker linker, Offboarding offboarding, CertificateAttachment certificates, AppDirectory directory,
            AppHosts appHosts, LinkLedger ledger, DeadLetters deadLetters, EventSink events, Clock clock, Ticker ticker,
            Duration oneCall, DnsResolver dns) {
        this(linker, offboarding, certificates, directory, appHosts, ledger, deadLetters, events, clock, ticker, oneCall, dns,
                Optional.empty());
    }

    /** @param ownership the proof of ownership asked before a new name is linked ({@code OWNERSHIP_PROOF=txt}) */
    public SignupLinking(DomainLinker linker, Offboarding offboarding, CertificateAttachment certificates, AppDirectory directory,
            AppHosts appHosts, LinkLedger ledger, DeadLetters deadLetters, EventSink events, Clock clock, Ticker ticker,
            Duration oneCall, DnsResolver dns, Optional<OwnershipCheck> ownership) {
        this.ownership = ownership;
        this.linker = linker;
        this.offboarding = offboarding;
        this.certificates = certificates;
        this.directory = directory;
        this.appHosts = appHosts;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.events = events;
        this.ticker = ticker;
        this.clock = clock;
        this.oneCall = oneCall;
        this.dnsCheck = new DnsCheck(dns, ticker);
    }

    public Outcome handle(String messageId, String body, Parser parser, Deadline deadline) {
        return handle(messageId, Optional.empty(), body, parser, deadline);
    }

    /** @param sentAt when SQS took the message in (its {@code SentTimestamp}), when known */
    public Outcome handle(String messageId, Optional<Instant> sentAt, String body, Parser parser, Deadline deadline) {
        return handle(messageId, ProofDecision.Delivery.fresh(sentAt), body, parser, deadline);
    }

    /** @param delivery when SQS took the message in, and whether it is a re-check of a proof of ownership */
    public Outcome handle(String messageId, ProofDecision.Delivery delivery, String body, Parser parser, Deadline deadline) {
        Optional<Instant> sentAt = delivery.sentAt();
        OnboardingRequest parsed;
        try {
            parsed = parser.parse(body);
        } catch (InvalidInput invalid) {
            return reject(messageId, body, null, null, Optional.empty(), invalid.field(), invalid.getMessage(), false, deadline);
        }
        if (parsed instanceof UnlinkRequest unlink) {
            return offboard(messageId, sentAt, body, unlink, deadline);
        }
        LinkRequest request = (LinkRequest) parsed;
        String asked = request.app();
        String domain = request.domain().ascii();
        String app = asked;
        String appId = null;
        String key = requestKey(request, body);
        boolean cached = directory.isCached(asked);
        try {
            // One app, one identity: named by its name or its ID, it is asked of Scalingo as the message spells it
            // (Scalingo knows both), keyed in the ledger by its ID (a rename does not change it), and announced and
            // pointed at by its name (an unknown app is refused below, with Scalingo's 404).
            App resolved = directory.resolve(asked, deadline);
            app = resolved.name();
            String name = app;
            appId = resolved.id();
            String id = appId;
            if (ownership.isPresent()) {
                Optional<Outcome> unproven = proveOwnership(resolved, request, delivery, body, messageId, deadline);
                if (unproven.isPresent()) {
                    return unproven.get();
                }
            }
            Optional<CertificateAttachment.Checked> certificate = Optional.empty();
            if (request.tlsSecretId().isPresent()) {
                requireTimeFor(2, "read the certificate's secret", deadline); // its tags, then its value
                certificate = Optional.of(certificates.forDomain(request.tlsSecretId().get(), name, () -> resolved, domain));
            }
            DomainLinker.Result result = linker.link(asked, request.domain(), request.canonical(), request.letsencrypt(),
                    certificate, () -> {
                        // the record, then the POST it announces: an attempt recorded and never sent could claim
                        // another's link made before this invocation's end
                        requireTime(oneCall.plus(linker.longestRequest()), "record the attempt to link " + domain
                                + " and send it", deadline);
                        ledger.recordAttempt(id, domain, key, until(deadline));
                    }, deadline);
            boolean linked = announcesLink(result, appId, domain, key, deadline);
            Outcome done = new Outcome(linked ? Kind.LINKED : Kind.ALREADY_LINKED, name, domain,
                    linked && result.outcome() != DomainLinker.Outcome.LINKED ? "linked by an earlier delivery of this request"
                            : result.detail(), false, false);
            return publish(linked ? LinkEvents.linked(key, name, result.domain(), appHosts.of(name),
                    dnsCheck.diagnosis(result.domain(), appHosts.of(name), deadline.less(oneCall)), messageId,
                    request.requestId())
                    : LinkEvents.alreadyLinked(name, result.domain(), appHosts.of(name), messageId, request.requestId()),
                    done, deadline);
        } catch (InvalidInput refused) {
            if (appId != null && refused.field().equals("tlsSecretId")) {
                // Its secret gone or changed since this request linked the name (an earlier delivery whose event never
                // went out): the link is announced all the same before the message is rejected for its certificate.
                Optional<Outcome> notYet = announceOwnLink(asked, appId, app, request, key, messageId, deadline);
                if (notYet.isPresent()) {
                    return notYet.get();
                }
            }
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
        } catch (NoTimeLeft e) {
            return retry(app, domain, e.getMessage(), false);
        } catch (ScalingoException e) {
            if (e.isNotFound() && e.resource().filter("domain"::equals).isPresent()) {
                // the domain went between the list and the change (unlinked by hand or by cleanup): looked at again
                return retry(app, domain, "the domain changed while it was being linked (" + e.getMessage() + ")", false);
            }
            if (e.isNotFound() && cached) {
                // the app resolved from this container's cache may have been renamed or made again: asked afresh
                directory.forget(asked);
                return retry(app, domain, "the app " + asked + " was not found under the identity this container knew; it is"
                        + " looked up again", false);
            }
            return scalingoFailed(e, asked, messageId, body, app, domain, request.requestId(), deadline);
        }
    }

    /**
     * The proof that the name is the customer's, asked before it is linked: empty when proven (the link goes on);
     * otherwise what this delivery comes to (waiting for a re-check, dropped, rejected, or back on the queue).
     */
    private Optional<Outcome> proveOwnership(App app, LinkRequest request, ProofDecision.Delivery delivery, String body,
            String messageId, Deadline deadline) {
        String domain = request.domain().ascii();
        if (delivery.recheckId().isEmpty() && linker.find(app.id(), request.domain(), deadline).isPresent()) {
            // linked to this app already (before the proof was asked, by hand): nothing new is claimed. One more list
            // for a message (not for its re-checks, which look at DNS only).
            return Optional.empty();
        }
        OwnershipCheck.Result proof = ownership.get().check(app, domain, body, delivery, messageId, request.requestId(),
                deadline);
        return switch (proof.verdict()) {
            case PROVEN -> Optional.empty();
            case WAITING -> Optional.of(new Outcome(Kind.AWAITING_PROOF, app.name(), domain, proof.detail(), false, false));
            case DROPPED -> Optional.of(new Outcome(Kind.DROPPED, app.name(), domain, proof.detail(), false, false));
            case RETRY -> Optional.of(new Outcome(Kind.RETRY, app.name(), domain, proof.detail(), proof.configuration(),
                    proof.eventUnpublished()));
            case NOT_PROVEN -> Optional.of(reject(messageId, body, LinkEvents.notProven(app.name(), domain, messageId,
                    request.requestId(), proof.detail()), false, deadline));
            case AMBIGUOUS -> Optional.of(reject(messageId, body, app.name(), domain, request.requestId(), "domain",
                    proof.detail(), false, deadline));
        };
    }

    /**
     * Scalingo's refusal rejects the message (an unknown app, a 4xx but a refused token); anything else (Scalingo
     * unavailable, no time left in this invocation, a token refused or unreadable) brings it back: the message is
     * fine, the moment or the configuration is not.
     */
    private Outcome scalingoFailed(ScalingoException e, String asked, String messageId, String body, String app, String domain,
            Optional<String> requestId, Deadline deadline) {
        if (e.isPermanent() && !e.isUnauthorized()) {
            String reason = e.isNotFound() ? "unknown app " + asked + " (" + e.getMessage() + ")" : e.getMessage();
            return reject(messageId, body, app, domain, requestId, e.isNotFound() ? "app" : "scalingo", reason, false, deadline);
        }
        return retry(app, domain, e.getMessage(), e.isConfiguration());
    }

    /**
     * A link this request made and has not announced (its attempt on record, the link made while it ran, its claim
     * this request's): announced now. Empty when there is none, or once announced; a retry when it cannot be told now
     * or its event could not be published (the message comes back, nothing assumed).
     */
    private Optional<Outcome> announceOwnLink(String asked, String appId, String name, LinkRequest request, String key,
            String messageId, Deadline deadline) {
        String domain = request.domain().ascii();
        try {
            requireTimeFor(1, "read the attempt to link " + domain, deadline);
            Optional<Instant> until = ledger.attempted(appId, domain, key);
            if (until.isEmpty()) {
                return Optional.empty();
            }
            Optional<io.domainautomation.logic.port.Domain> link = linker.find(asked, request.domain(), deadline);
            if (link.isEmpty() || !madeBy(link.get(), until.get())) {
                return Optional.empty();
            }
            requireTimeFor(2, "claim the announcement of the link of " + domain, deadline);
            if (!ledger.claim(appId, link.get().id(), key).equals(key)) {
                return Optional.empty();
            }
            DomainEvent linked = LinkEvents.linked(key, name, link.get(), appHosts.of(name),
                    // after it: its publication, then the message's dead letter and its rejection
                    dnsCheck.diagnosis(link.get(), appHosts.of(name), deadline.less(oneCall.multipliedBy(3))), messageId,
                    request.requestId());
            if (events.publish(List.of(linked), deadline).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(retry(name, domain, "the Domain Linked event " + linked.eventId() + " could not be published;"
                    + " the message is delivered again", false));
        } catch (NoTimeLeft | LedgerUnavailable | ScalingoException unknown) {
            return Optional.of(retry(name, domain, "whether this request's link of " + domain + " is announced cannot be told"
                    + " now (" + unknown.getMessage() + ")", false));
        }
    }

    /**
     * Whether this request announces the link as linked: it asked Scalingo for it (now, or in an earlier delivery whose
     * event never went out) and is the first to claim its announcement.
     */
    private boolean announcesLink(DomainLinker.Result result, String app, String domain, String key, Deadline deadline) {
        boolean mayHaveLinked = result.outcome() == DomainLinker.Outcome.LINKED;
        if (!mayHaveLinked) {
            requireTimeFor(1, "read the attempt to link " + domain, deadline);
            mayHaveLinked = ledger.attempted(app, domain, key).filter(until -> madeBy(result.domain(), until)).isPresent();
        }
        if (!mayHaveLinked) {
            return false;
        }
        requireTimeFor(2, "claim the announcement of the link of " + domain, deadline); // a write, and a read when taken
        return ledger.claim(app, result.domain().id(), key).equals(key);
    }

    /**
     * Whether a link can be an attempt's: made before the invocation that asked for it ended (with room for the clocks
     * of Scalingo and this function to differ). A link made later is someone else's (by hand, by set-canonical, or
     * another request). Scalingo not saying when it was made: it may be.
     */
    private static boolean madeBy(io.domainautomation.logic.port.Domain link, Instant attemptUntil) {
        return link.createdAt() == null || !link.createdAt().toInstant().isAfter(attemptUntil.plus(CLOCK_SKEW));
    }

    /** When the invocation ends, on the wall clock. */
    private Instant until(Deadline deadline) {
        return deadline.endsAt(clock, ticker, Duration.ofMinutes(15));
    }

    /**
     * The request a message carries, the same for every delivery, duplicate and redrive of it (SQS gives a redriven
     * message a new id): the onboarding system's {@code requestId}, else a digest of the body.
     */
    static String requestKey(LinkRequest request, String body) {
        if (request.requestId().isPresent()) {
            return "request:" + request.requestId().get();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "body:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Not enough of the invocation's time left to start an AWS call: the message comes back. */
    private static final class NoTimeLeft extends RuntimeException {
        NoTimeLeft(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * An AWS call (the ledger's, the dead-letter queue's) ends by the deadline only if it starts with its worst case
     * left: otherwise the message comes back.
     */
    private void requireTimeFor(int calls, String what, Deadline deadline) {
        requireTime(oneCall.multipliedBy(calls), what, deadline);
    }

    private void requireTime(Duration longest, String what, Deadline deadline) {
        if (!deadline.allows(longest, ticker)) {
            throw new NoTimeLeft("too little of this invocation's time is left to " + what);
        }
    }

    /** An offboarding message: its domain unlinked (or found gone), rejected with its reason, or back on the queue. */
    private Outcome offboard(String messageId, Optional<Instant> sentAt, String body, UnlinkRequest request,
            Deadline deadline) {
        String app = request.app();
        String domain = request.domain().ascii();
        try {
            Offboarding.Result result = offboarding.unlink(messageId, sentAt, request, deadline);
            boolean unlinked = result.kind() == Offboarding.Kind.UNLINKED;
            if (!result.unpublished().isEmpty()) {
                return new Outcome(Kind.RETRY, result.app(), domain, result.detail() + ", but its Domain Removed event could"
                        + " not be published; the message is delivered again", false, true);
            }
            return new Outcome(unlinked ? Kind.UNLINKED : Kind.ALREADY_UNLINKED, result.app(), domain, result.detail(), false,
                    false);
        } catch (Offboarding.Unsettled e) {
            return retry(app, domain, e.getMessage(), false);
        } catch (Offboarding.Refused e) {
            return reject(messageId, body, app, domain, request.requestId(), "domain", e.getMessage(), false, deadline);
        } catch (LedgerUnavailable e) {
            return retry(app, domain, e.getMessage(), !e.isTransient());
        } catch (ScalingoException e) {
            // the app was looked up afresh (Offboarding forgets this container's resolution): a 404 is its absence
            return scalingoFailed(e, app, messageId, body, app, domain, request.requestId(), deadline);
        }
    }

    private Outcome reject(String messageId, String body, String app, String domain, Optional<String> requestId, String field,
            String reason, boolean configuration, Deadline deadline) {
        return reject(messageId, body, LinkEvents.rejected(app, domain, messageId, requestId, field, reason), configuration,
                deadline);
    }

    /** The message kept in the dead-letter queue with the rejection's field and reason, then the rejection announced. */
    private Outcome reject(String messageId, String body, DomainEvent rejected, boolean configuration, Deadline deadline) {
        String app = (String) rejected.detail().get("app");
        String domain = (String) rejected.detail().get("domain");
        String reason = (String) rejected.detail().get("reason");
        try {
            requireTimeFor(1, "keep the message in the dead-letter queue", deadline);
            deadLetters.send(FUNCTION, messageId, body, (String) rejected.detail().get("field"), reason);
        } catch (NoTimeLeft noTime) {
            return retry(app, domain, "rejected (" + reason + ") but " + noTime.getMessage(), configuration);
        } catch (DeadLetters.Unsent unsent) {
            return retry(app, domain, "rejected (" + reason + ") but " + unsent.getMessage() + "; left for SQS redrive",
                    configuration);
        }
        return publish(rejected, new Outcome(Kind.REJECTED, app, domain, reason, configuration, false), deadline);
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
