package io.domainautomation.logic.rotation;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.rotation.RotationReport.Outcome;

/**
 * The claims on one domain settled ({@link ConflictResolution}): the winner, to deploy; each loser reported as a
 * conflict and announced. A secret-change trigger reports only the conflicts its own secret is part of.
 */
final class ConflictSettling {

    private ConflictSettling() {
    }

    /** @return the winning claim */
    static Candidate settle(List<Candidate> candidates, Optional<String> onlySecret, String trigger,
            RotationReport.Builder report, Clock clock) {
        ConflictResolution.Outcome settled = ConflictResolution.settle(candidates.stream().map(Candidate::claim).toList());
        Candidate winner = candidates.stream().filter(c -> c.claim() == settled.winner()).findFirst().orElseThrow();
        for (ConflictResolution.Claim loser : settled.losers()) {
            Candidate lost = candidates.stream().filter(c -> c.claim() == loser).findFirst().orElseThrow();
            if (onlySecret.isEmpty() || onlySecret.get().equals(lost.secret().arn())
                    || onlySecret.get().equals(winner.secret().arn())) {
                Entry conflict = Entry.of(lost.secret().name(), lost.app(), lost.domain().name(), Outcome.CONFLICT,
                        "conflict", winner.secret().name() + " also claims this domain and wins: " + settled.why())
                        .about(lost.identity(), Expiry.daysLeft(lost.domain(), clock));
                report.add(conflict).notice(RotationEvents.conflict(conflict, winner.secret().name(), settled.why(), trigger));
            }
        }
        return winner;
    }
}
