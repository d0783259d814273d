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
        /** a message sent before the offboarding that withdrew its request (or when that cannot be told): dropped */
        WITHDRAWN
    }

    public enum After {
        PROVE, REJECT, ANNOUNCE_AND_WAIT, WAIT
    }

    private ProofDecision() {
    }

    public static Before before(Optional<ProofRecord> record, Delivery delivery, Instant now) {
        if (record.isEmpty()) {
            return delivery.isRecheck() ? Before.SUPERSEDED : Before.OPEN;
        }
        ProofRecord proof = record.get();
        switch (proof.state()) {
            case PROVEN:
                return Before.LINK;
            case WITHDRAWN:
                if (delivery.isRecheck()) {
                    return Before.SUPERSEDED;
                }
                // a message SQS took in after the withdrawal: a new request for the name; one it may have taken in
                // before (or whose time is unknown) is the request the offboarding ended
                boolean later = delivery.sentAt().filter(sent -> sent.isAfter(proof.withdrawnAt().orElse(Instant.MAX)
                        .plus(CLOCK_SKEW))).isPresent();
                return later ? Before.REOPEN : Before.WITHDRAWN;
            default:
                if (delivery.isRecheck() && !delivery.recheckId().equals(proof.recheck())) {
                    return Before.SUPERSEDED;
                }
                // the message sent again after its window ran out: looked at at once, in a new window
                return proof.isExpired(now) && !delivery.isRecheck() ? Before.REOPEN : Before.LOOK;
        }
    }

    /** After a look: an unknown (the resolver failed) never ends a request; it is looked at again. */
    public static After after(ProofRecord proof, ProofChallenge.Evidence evidence, Instant now) {
        if (evidence.proves()) {
            return After.PROVE;
        }
        if (proof.isExpired(now) && evidence == ProofChallenge.Evidence.NONE) {
            return After.REJECT;
        }
        return proof.isAnnounced() ? After.WAIT : After.ANNOUNCE_AND_WAIT;
    }

    /**
     * When to look again: a quarter of the time waited so far, from a minute to SQS's longest delay (15 minutes), and
     * no later than just after the window's end, so a request that runs out is rejected then.
     */
    public static Duration delay(ProofRecord proof, Instant now) {
        Duration waited = Duration.between(proof.since(), now);
        Duration delay = clamp(waited.dividedBy(4), FIRST_RECHECK, LONGEST_RECHECK);
        Duration toEnd = Duration.between(now, proof.windowEnds()).plusSeconds(1);
        if (toEnd.compareTo(delay) < 0) {
            delay = clamp(toEnd, Duration.ofSeconds(1), LONGEST_RECHECK);
        }
        return delay;
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}
