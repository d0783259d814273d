package io.domainautomation.logic.ownership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.domainautomation.logic.AppHosts;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.LinkEvents;
import io.domainautomation.logic.events.RejectionCodes;
import io.domainautomation.logic.port.App;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.EventSink;
import io.domainautomation.logic.port.Ticker;
import io.domainautomation.logic.port.TxtAnswer;

/**
 * link-on-signup's proof of ownership ({@code OWNERSHIP_PROOF=txt}): before a name is linked, whether the customer
 * proved it theirs. The first delivery opens a record with a random token and announces the TXT record to set
 * ({@code Domain Verification Required}); until a look at DNS finds it (or the name's CNAME reaching the app's own
 * host), the message comes back as a delayed re-check ({@link Rechecks}); one re-check at a time carries a request on
 * (the one on record), so sending the message again looks at once without doubling the re-checks. A window run out
 * unproven ends the request ({@code ownership-not-proven}); an offboarding withdraws it ({@link #withdraw}).
 * <p>
 * Every step is a compare-and-set on the record: a step that lost to another delivery is decided again from what won.
 * A lost reply is settled the same way, by the next delivery reading the record (nothing is assumed).
 */
public final class OwnershipCheck {

    public enum Verdict {
        /** proven: link it */
        PROVEN,
        /** not proven yet: a re-check is on its way, the message is done with */
        WAITING,
        /** this delivery carries nothing on (a superseded re-check, a request withdrawn since): done with */
        DROPPED,
        /** the window ran out unproven: reject the message */
        NOT_PROVEN,
        /** sent within the clocks' skew of an offboarding that withdrew the name: reject it, for a person to redrive */
        AMBIGUOUS,
        /** cannot go on now (no time left, the event or the re-check not sent): the message comes back */
        RETRY
    }

    /**
     * @param eventUnpublished the retry is for an event that could not be published
     * @param configuration the retry is for this deployment's configuration (the resolver setting, the queue's
     *        permission), which alarms
     */
    public record Result(Verdict verdict, String detail, boolean eventUnpublished, boolean configuration) {

        Result(Verdict verdict, String detail) {
            this(verdict, detail, false, false);
        }
    }

    private static final int ATTEMPTS = 3;

    private final OwnershipProofs proofs;
    private final DnsResolver dns;
    private final Rechecks rechecks;
    private final EventSink events;
    private final AppHosts hosts;
    private final Clock clock;
    private final Ticker ticker;
    private final Duration oneCall;
    private final Duration window;
    private final Supplier<String> random;

    /**
     * @param oneCall the longest one ledger call takes (AWS_API_CALL_TIMEOUT)
     * @param window how long a customer has to prove a name (OWNERSHIP_PROOF_TIMEOUT)
     * @param random unguessable tokens and re-check ids (128 random bits each when deployed)
     */
    public OwnershipCheck(OwnershipProofs proofs, DnsResolver dns, Rechecks rechecks, EventSink events, AppHosts hosts,
            Clock clock, Ticker ticker, Duration oneCall, Duration window, Supplier<String> random) {
        this.proofs = proofs;
        this.dns = dns;
        this.rechecks = rechecks;
        this.events = events;
        this.hosts = hosts;
        this.clock = clock;
        this.ticker = ticker;
        this.oneCall = oneCall;
        this.window = window;
        this.random = random;
    }

    /**
     * @param body the message's body, carried on by a re-check as it is (the same request)
     * @throws LedgerUnavailable the record could not be read or written: the message comes back
     */
    public Result check(App app, String domain, String body, ProofDecision.Delivery delivery, String messageId,
            Optional<String> requestId, Deadline deadline) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (!deadline.allows(oneCall, ticker)) {
                return retry("too little of this invocation's time is left to read the proof of ownership of " + domain);
            }
            Optional<ProofRecord> record = proofs.read(app.id(), domain);
            Instant now = clock.instant();
            ProofRecord proof;
            Instant requested = delivery.sentAt().orElse(now);
            switch (ProofDecision.before(record, delivery, now, window)) {
                case LINK:
                    return new Result(Verdict.PROVEN, "proven by " + record.get().provenBy().orElse("?") + " at "
                            + record.get().provenAt().map(Instant::toString).orElse("?"));
                case SUPERSEDED:
                    return new Result(Verdict.DROPPED, "a later check carries this request on (or it ended): this re-check"
                            + " is dropped");
                case WITHDRAWN:
                    return new Result(Verdict.DROPPED, "withdrawn by an offboarding sent at " + offboardingSent(record.get())
                            + ", after this message (sent at " + delivery.sentAt().map(Instant::toString).orElse("?") + ")");
                case AMBIGUOUS:
                    return new Result(Verdict.AMBIGUOUS, "an offboarding of " + domain + " was sent at "
                            + offboardingSent(record.get()) + ", within " + ProofDecision.CLOCK_SKEW.toSeconds() + " s of this"
                            + " message (" + delivery.sentAt().map(Instant::toString).orElse("sent when unknown")
                            + "): which came first cannot be told; redrive it from the dead-letter queue to link the name");
                case OPEN:
                    proof = ProofRecord.opened(app.id(), domain, random.get(), now, now.plus(window), requested);
                    if (!write(proof, deadline)) {
                        continue;
                    }
                    break;
                case REOPEN:
                    proof = record.get().reopened(now, now.plus(window), requested);
                    if (!write(proof, deadline)) {
                        continue;
                    }
                    break;
                default:
                    proof = record.get();
            }
            Optional<Result> looked = look(app, domain, body, proof, messageId, requestId, deadline);
            if (looked.isPresent()) {
                return looked.get();
            }
        }
        return retry("the proof of ownership of " + domain + " kept changing while it was checked");
    }

    /** The look at DNS and what follows it; empty when a write lost to another delivery (decided again). */
    private Optional<Result> look(App app, String domain, String body, ProofRecord proof, String messageId,
            Optional<String> requestId, Deadline deadline) {
        String host = hosts.of(app.name());
        // the TXT lookup, then the chain's (A, AAAA, CNAMEs), each to its timeout
        if (!deadline.allows(dns.worstCase().plus(dns.worstCase()).plus(oneCall), ticker)) {
            return Optional.of(retry("too little of this invocation's time is left to look at " + domain + "'s DNS"));
        }
        ProofChallenge.Evidence evidence;
        try {
            TxtAnswer txt = dns.txt(ProofChallenge.name(domain));
            evidence = ProofChallenge.judge(txt, Optional.empty(), host, proof.token());
            if (!evidence.proves()) {
                DnsAnswer chain = dns.resolve(domain);
                evidence = ProofChallenge.judge(txt, Optional.of(chain), host, proof.token());
            }
        } catch (IllegalStateException | IllegalArgumentException misconfigured) {
            // the resolver setting (DNS_RESOLVER) is not usable: nothing is known, and someone must fix it
            return Optional.of(new Result(Verdict.RETRY, "the DNS resolver is not usable as configured: "
                    + misconfigured.getMessage(), false, true));
        }
        Instant now = clock.instant();
        switch (ProofDecision.after(proof, evidence, now)) {
            case PROVE:
                if (!write(proof.proven(now, evidence == ProofChallenge.Evidence.TXT ? ProofRecord.BY_TXT : ProofRecord.BY_CNAME),
                        deadline)) {
                    return Optional.empty();
                }
                return Optional.of(new Result(Verdict.PROVEN, "proven by its " + (evidence == ProofChallenge.Evidence.TXT
                        ? "TXT record" : "CNAME to " + host)));
            case REJECT:
                return Optional.of(new Result(Verdict.NOT_PROVEN, RejectionCodes.OWNERSHIP_NOT_PROVEN + ": no TXT record "
                        + ProofChallenge.name(domain) + " with the value announced, nor a CNAME to " + host + ", by "
                        + proof.windowEnds() + " (OWNERSHIP_PROOF_TIMEOUT after " + proof.since() + ")"));
            case REJECT_UNANSWERED:
                return Optional.of(new Result(Verdict.NOT_PROVEN, RejectionCodes.OWNERSHIP_NOT_PROVEN + ": DNS did not answer"
                        + " for " + ProofChallenge.name(domain) + " or " + domain + " from the window's end (" + proof.windowEnds()
                        + ") for " + ProofDecision.UNANSWERED_GRACE.toHours() + " h"));
            case ANNOUNCE_AND_WAIT:
                DomainEvent required = LinkEvents.verificationRequired(app.id(), app.name(), domain, host,
                        ProofChallenge.name(domain), ProofChallenge.value(proof.token()), proof.since(), proof.windowEnds(),
                        messageId, requestId);
                if (!events.publish(List.of(required), deadline).isEmpty()) {
                    return Optional.of(new Result(Verdict.RETRY, "the " + required.detailType() + " event "
                            + required.eventId() + " could not be published; the message is delivered again", true, false));
                }
                // once on record, later looks do not say it again (if this write is lost, the next says it under its id)
                ProofRecord announced = proof.announced();
                if (!write(announced, deadline)) {
                    return Optional.empty();
                }
                return Optional.of(waitFor(announced, domain, body, evidence, deadline));
            default:
                return Optional.of(waitFor(proof, domain, body, evidence, deadline));
        }
    }

    /**
     * A re-check sent, then put on record as the one that carries the request on: in that order, so the record never
     * names a re-check that was not sent (a re-check sent and not recorded is superseded when it comes).
     */
    private Result waitFor(ProofRecord proof, String domain, String body, ProofChallenge.Evidence evidence, Deadline deadline) {
        if (!deadline.allows(rechecks.longest().plus(oneCall), ticker)) {
            return retry("too little of this invocation's time is left to send the re-check of " + domain);
        }
        Duration delay = ProofDecision.delay(proof, clock.instant());
        String recheck = random.get();
        try {
            rechecks.schedule(body, recheck, delay);
        } catch (Rechecks.Unsent unsent) {
            return new Result(Verdict.RETRY, "the re-check of " + domain + " may not have been sent (" + unsent.getMessage()
                    + ")", false, unsent.configuration());
        }
        if (!write(proof.recheckedBy(recheck), deadline)) {
            // another delivery moved the request on meanwhile: its step stands, this re-check will be dropped
            return new Result(Verdict.WAITING, "another delivery carries the check of " + domain + " on");
        }
        return new Result(Verdict.WAITING, "not proven yet (" + (evidence == ProofChallenge.Evidence.UNKNOWN
                ? "the resolver did not answer" : "no TXT record " + ProofChallenge.name(domain) + " with the value announced")
                + "); looked at again in " + delay.toSeconds() + " s, until " + proof.windowEnds());
    }

    private static String offboardingSent(ProofRecord withdrawn) {
        return withdrawn.withdrawnFor().or(withdrawn::withdrawnAt).map(Instant::toString).orElse("?");
    }

    /**
     * An offboarding withdraws a request for the name made before it (SQS's time): its re-checks stop, and a message
     * sent before the offboarding no longer links the name. A request made after the offboarding was sent is left.
     *
     * @param sentAt when SQS took the offboarding message in; unknown, the request is withdrawn (withdrawing removes
     *        nothing: the customer's onboarding system can send its request again)
     * @return whether a request was withdrawn
     * @throws LedgerUnavailable the record could not be read or written
     */
    public boolean withdraw(String appId, String domain, Optional<Instant> sentAt, Deadline deadline) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (!deadline.allows(oneCall.multipliedBy(2), ticker)) {
                throw new LedgerUnavailable("ledger: too little of this invocation's time is left to withdraw the proof of"
                        + " ownership of " + domain, true, null);
            }
            Optional<ProofRecord> record = proofs.read(appId, domain);
            // SQS's times on both sides: a signup taken in after the offboarding (beyond the clocks' skew) is left
            if (record.isEmpty() || record.get().state() == ProofRecord.State.WITHDRAWN
                    || sentAt.filter(sent -> record.get().requestedAt().isAfter(sent.plus(ProofDecision.CLOCK_SKEW))).isPresent()) {
                return false;
            }
            Instant now = clock.instant();
            if (write(record.get().withdrawn(now, sentAt.orElse(now)), deadline)) {
                return true;
            }
        }
        throw new LedgerUnavailable("ledger: the proof of ownership of " + domain + " kept changing while it was withdrawn",
                true, null);
    }

    private boolean write(ProofRecord next, Deadline deadline) {
        if (!deadline.allows(oneCall, ticker)) {
            throw new LedgerUnavailable("ledger: too little of this invocation's time is left to record the proof of"
                    + " ownership of " + next.domain(), true, null);
        }
        return proofs.write(next);
    }

    private static Result retry(String detail) {
        return new Result(Verdict.RETRY, detail);
    }
}
