package io.domainautomation.logic.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.logic.ownership.ProofChallenge.Evidence;
import io.domainautomation.logic.ownership.ProofDecision.After;
import io.domainautomation.logic.ownership.ProofDecision.Before;
import io.domainautomation.logic.ownership.ProofDecision.Delivery;

/** Each step of a proof of ownership, table-tested on a fixed clock (07:00 on the first day; window of 7 days). */
class ProofDecisionTest {

    static final Instant OPENED = Instant.parse("2026-05-01T07:00:00Z");
    static final Instant ENDS = OPENED.plus(Duration.ofDays(7));

    static ProofRecord pending(String recheck) {
        ProofRecord opened = ProofRecord.opened("app-1", "www.acme.example", "t0k3n", OPENED, ENDS, OPENED.minusSeconds(2));
        return recheck == null ? opened : opened.recheckedBy(recheck);
    }

    static Delivery fresh(String sentAt) {
        return Delivery.fresh(Optional.ofNullable(sentAt).map(Instant::parse));
    }

    static Delivery recheck(String id) {
        return new Delivery(Optional.of(id), Optional.of(OPENED));
    }

    static Stream<Arguments> before() {
        // processed at 07:00 the next day; its offboarding message was sent at 06:58
        ProofRecord withdrawn = pending("r1").withdrawn(Instant.parse("2026-05-02T07:00:00Z"), Instant.parse("2026-05-02T06:58:00Z"));
        ProofRecord provenAtSeven = pending("r1").proven(OPENED.plusSeconds(60), "txt");
        return Stream.of(
                Arguments.of("no record, a new message", null, fresh("2026-05-01T06:59:00Z"), "2026-05-01T07:00:00Z", Before.OPEN),
                Arguments.of("no record, a re-check (its record expired)", null, recheck("r1"), "2026-05-01T07:00:00Z", Before.SUPERSEDED),
                Arguments.of("proven, a re-check delivered again", provenAtSeven, recheck("r9"), "2026-05-01T08:00:00Z", Before.LINK),
                Arguments.of("proven, a new message", provenAtSeven, fresh("2026-05-03T07:00:00Z"), "2026-05-03T07:00:01Z", Before.LINK),
                Arguments.of("proven longer ago than a window: looked at again", provenAtSeven, fresh("2026-05-09T07:00:00Z"),
                        "2026-05-09T07:00:01Z", Before.REOPEN),
                Arguments.of("proven longer ago than a window, another re-check", provenAtSeven, recheck("r2"),
                        "2026-05-09T07:00:01Z", Before.SUPERSEDED),
                Arguments.of("proven longer ago than a window, the re-check that proved it, back after a failure",
                        provenAtSeven, recheck("r1"), "2026-05-09T07:00:01Z", Before.LINK),
                Arguments.of("pending, the re-check on record", pending("r1"), recheck("r1"), "2026-05-01T08:00:00Z", Before.LOOK),
                Arguments.of("pending, another re-check on record", pending("r2"), recheck("r1"), "2026-05-01T08:00:00Z", Before.SUPERSEDED),
                Arguments.of("pending, no re-check yet, a re-check", pending(null), recheck("r1"), "2026-05-01T08:00:00Z", Before.SUPERSEDED),
                Arguments.of("pending, the message sent again", pending("r1"), fresh("2026-05-03T07:00:00Z"), "2026-05-03T07:00:05Z", Before.LOOK),
                Arguments.of("window over, the re-check on record: a last look", pending("r1"), recheck("r1"), "2026-05-08T07:00:01Z", Before.LOOK),
                Arguments.of("window over, the message sent again: a new window", pending("r1"), fresh("2026-05-09T07:00:00Z"), "2026-05-09T07:00:01Z", Before.REOPEN),
                Arguments.of("withdrawn, a re-check", withdrawn, recheck("r1"), "2026-05-02T08:00:00Z", Before.SUPERSEDED),
                Arguments.of("withdrawn, a message sent before the offboarding", withdrawn, fresh("2026-05-02T06:00:00Z"), "2026-05-02T08:00:00Z", Before.WITHDRAWN),
                Arguments.of("withdrawn, sent within the clocks' skew of the offboarding", withdrawn, fresh("2026-05-02T06:58:20Z"), "2026-05-02T08:00:00Z", Before.AMBIGUOUS),
                Arguments.of("withdrawn, sent when unknown", withdrawn, fresh(null), "2026-05-02T08:00:00Z", Before.AMBIGUOUS),
                Arguments.of("withdrawn, a signup sent after the offboarding but before it was processed", withdrawn,
                        fresh("2026-05-02T06:59:00Z"), "2026-05-02T08:00:00Z", Before.REOPEN),
                Arguments.of("withdrawn, a new request sent after it", withdrawn, fresh("2026-05-02T07:01:00Z"), "2026-05-02T08:00:00Z", Before.REOPEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void before(String situation, ProofRecord record, Delivery delivery, String now, Before expected) {
        assertEquals(expected, ProofDecision.before(Optional.ofNullable(record), delivery, Instant.parse(now), Duration.ofDays(7)));
    }

    static Stream<Arguments> after() {
        ProofRecord announced = pending("r1").announced();
        return Stream.of(
                Arguments.of("the TXT record found", pending("r1"), Evidence.TXT, "2026-05-01T08:00:00Z", After.PROVE),
                Arguments.of("a CNAME to the app's host", announced, Evidence.CNAME, "2026-05-09T08:00:00Z", After.PROVE),
                Arguments.of("nothing yet, not announced", pending(null), Evidence.NONE, "2026-05-01T07:00:00Z", After.ANNOUNCE_AND_WAIT),
                Arguments.of("nothing yet, announced", announced, Evidence.NONE, "2026-05-02T07:00:00Z", After.WAIT),
                Arguments.of("the resolver failed, announced", announced, Evidence.UNKNOWN, "2026-05-02T07:00:00Z", After.WAIT),
                Arguments.of("nothing at the window's end", announced, Evidence.NONE, "2026-05-08T07:00:01Z", After.REJECT),
                Arguments.of("the resolver failed at the window's end: not known, looked at again", announced, Evidence.UNKNOWN,
                        "2026-05-08T07:00:01Z", After.WAIT),
                Arguments.of("the resolver failing a day after the window's end: it ends", announced, Evidence.UNKNOWN,
                        "2026-05-09T07:00:01Z", After.REJECT_UNANSWERED),
                Arguments.of("announced for an earlier window", announced.reopened(Instant.parse("2026-05-09T07:00:00Z"),
                        Instant.parse("2026-05-16T07:00:00Z"), Instant.parse("2026-05-09T07:00:00Z")), Evidence.NONE, "2026-05-09T07:00:00Z", After.ANNOUNCE_AND_WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void after(String situation, ProofRecord record, Evidence evidence, String now, After expected) {
        assertEquals(expected, ProofDecision.after(record, evidence, Instant.parse(now)));
    }

    static Stream<Arguments> delay() {
        return Stream.of(
                Arguments.of("at once", "2026-05-01T07:00:00Z", Duration.ofMinutes(1)),
                Arguments.of("after 10 minutes: a quarter of it", "2026-05-01T07:10:00Z", Duration.ofSeconds(150)),
                Arguments.of("after a day: SQS's longest delay", "2026-05-02T07:00:00Z", Duration.ofMinutes(15)),
                Arguments.of("10 s before the end: just after it", "2026-05-08T06:59:50Z", Duration.ofSeconds(11)),
                Arguments.of("after the end (DNS not answering): as often as before, not in a loop", "2026-05-08T07:00:30Z",
                        Duration.ofMinutes(15)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void delay(String situation, String now, Duration expected) {
        assertEquals(expected, ProofDecision.delay(pending("r1"), Instant.parse(now)));
    }
}
