package io.domainautomation.logic.ownership;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Each step of an ownership proof, decided from what is on record, pure (table-tested with a fixed clock). Before the
 * look at DNS: {@link #before}; after it: {@link #after}; when to look again: {@link #delay}.
 */
public final class ProofDecision {

    /** How far SQS's clock (a message's SentTimestamp) and this function's may differ. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    static final Duration FIRST_RECHECK = Duration.ofMinutes(1);
    /**
     * How long after its window's end a request whose DNS does not answer is looked at still, before it ends unproven
     * (an answer that never comes is no proof, and nothing is looked at for ever).
     */
    static final Duration UNANSWERED_GRACE = Duration.ofDays(1);
    /** SQS's longest delay. */
    static final Duration LONGEST_RECHECK = Duration.ofMinutes(15);

    /**
     * One delivery of an onboarding message: a re-check this function sent (with its id), or any other (the first
     * delivery, a duplicate, the message sent again, a redrive), with SQS's SentTimestamp when known.
     */
    public record Delivery(Optional<String> recheckId, Optional<Instant> sentAt) {

        public static Delivery fresh(Optional<Instant> sentAt) {
            return new Delivery(Optional.empty(), sentAt);
        }

        boolean isRecheck() {
            return recheckId.isPresent();
        }
    }

    public enum Before {
        /** proven already: link */
        LINK,
        /** no record: open one (a new token, a new window) */
        OPEN,
        /** a new window, same token: the last ran out, or an offboarding withdrew an earlier request */
        REOPEN,
        /** look at DNS */
        LOOK,
        /** a re-check that no longer carries the request (another did since, or the request ended): dropped */
        SUPERSEDED,
        /** a message sent before the offboarding that withdrew its request: dropped */
        WITHDRAWN,
        /** a message sent within the clocks' skew of that offboarding (or when unknown): which came first cannot be told */
        AMBIGUOUS
    }

    public enum After {
        PROVE,
        /** the window ran out and DNS holds no proof */
        REJECT,
        /** DNS has not answered since the window's end, for {@link #UNANSWERED_GRACE} */
        REJECT_UNANSWERED,
        ANNOUNCE_AND_WAIT, WAIT
    }

    private ProofDecision() {
    }

    /**
     * @param window OWNERSHIP_PROOF_TIMEOUT: a proof older than this is not linked on by a new request (the name may
     *        have changed hands since), it is looked at again
     */
    public static Before before(Optional<ProofRecord> record, Delivery delivery, Instant now, Duration window) {
        if (record.isEmpty()) {
            return delivery.isRecheck() ? Before.SUPERSEDED : Before.OPEN;
        }
        ProofRecord proof = record.get();
        switch (proof.state()) {
            case PROVEN:
                // the re-check that proved it, delivered again (its link failed or it was killed), links on its proof
                // whenever it comes; any other delivery only on a proof younger than a window
                boolean carrying = delivery.isRecheck() && delivery.recheckId().equals(proof.recheck());
                boolean recent = !proof.provenAt().orElse(Instant.MIN).plus(window).isBefore(now);
                if (carrying || recent) {
                    return Before.LINK;
                }
                return delivery.isRecheck() ? Before.SUPERSEDED : Before.REOPEN;
            case WITHDRAWN:
                if (delivery.isRecheck()) {
                    return Before.SUPERSEDED;
                }
                // SQS's times on both sides: a signup taken in after the offboarding is a new request; one before it is
                // the request the offboarding ended; within the clocks' skew (or unknown), which came first cannot be told
                Instant offboarding = proof.withdrawnFor().or(proof::withdrawnAt).orElse(Instant.MAX);
                if (delivery.sentAt().filter(sent -> sent.isAfter(offboarding.plus(CLOCK_SKEW))).isPresent()) {
                    return Before.REOPEN;
                }
                if (delivery.sentAt().filter(sent -> sent.isBefore(offboarding.minus(CLOCK_SKEW))).isPresent()) {
                    return Before.WITHDRAWN;
                }
                return Before.AMBIGUOUS;
            default:
                if (delivery.isRecheck() && !delivery.recheckId().equals(proof.recheck())) {
                    return Before.SUPERSEDED;
                }
                // the message sent again after its window ran out: looked at at once, in a new window
                return proof.isExpired(now) && !delivery.isRecheck() ? Before.REOPEN : Before.LOOK;
        }
    }

    /**
     * After a look: an unknown (the resolver failed) does not end a request at its window's end; it is looked at again,
     * for {@link #UNANSWERED_GRACE} more.
     */
    public static After after(ProofRecord proof, ProofChallenge.Evidence evidence, Instant now) {
        if (evidence.proves()) {
            return After.PROVE;
        }
        if (proof.isExpired(now) && evidence == ProofChallenge.Evidence.NONE) {
            return After.REJECT;
        }
        if (evidence == ProofChallenge.Evidence.UNKNOWN && now.isAfter(proof.windowEnds().plus(UNANSWERED_GRACE))) {
            return After.REJECT_UNANSWERED;
        }
        return proof.isAnnounced() ? After.WAIT : After.ANNOUNCE_AND_WAIT;
    }

    /**
     * When to look again: a quarter of the time waited so far, from a minute to SQS's longest delay (15 minutes); while
     * the window is open, no later than just after its end, so a request that runs out is rejected then.
     */
    public static Duration delay(ProofRecord proof, Instant now) {
        Duration waited = Duration.between(proof.since(), now);
        Duration delay = clamp(waited.dividedBy(4), FIRST_RECHECK, LONGEST_RECHECK);
        if (now.isAfter(proof.windowEnds())) {
            return delay; // over (DNS did not answer): looked at as often as before, until UNANSWERED_GRACE ends it
        }
        Duration toEnd = Duration.between(now, proof.windowEnds()).plusSeconds(1);
        return toEnd.compareTo(delay) < 0 ? toEnd : delay;
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}
