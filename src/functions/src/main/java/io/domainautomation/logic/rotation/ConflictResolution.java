package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Several managed secrets claiming one domain (a migration from an old secret to a new one): one winner, always the
 * same for the same secrets, so runs do not upload one then the other. The order: a secret whose
 * {@code scalingo:domains} tag names the domain beats one that only covers it; then the certificate that expires
 * last; then the newest secret version; then the secret's name, so there is never a tie.
 */
public final class ConflictResolution {

    /** One secret's claim on a domain. */
    public record Claim(String secret, boolean explicit, Instant notAfter, Instant versionCreated) {
    }

    /** The winner, and why it beats the runner-up (empty when it had no competitor). */
    public record Outcome(Claim winner, List<Claim> losers, String why) {
    }

    static final Comparator<Claim> PRECEDENCE = Comparator.comparing(Claim::explicit).reversed()
            .thenComparing(Claim::notAfter, Comparator.reverseOrder())
            .thenComparing(Claim::versionCreated, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Claim::secret);

    private ConflictResolution() {
    }

    public static Outcome settle(List<Claim> claims) {
        List<Claim> ordered = claims.stream().sorted(PRECEDENCE).toList();
        Claim winner = ordered.get(0);
        List<Claim> losers = ordered.subList(1, ordered.size());
        if (losers.isEmpty()) {
            return new Outcome(winner, losers, "");
        }
        Claim next = losers.get(0);
        String why = winner.explicit() && !next.explicit() ? "its scalingo:domains tag names the domain"
                : !winner.notAfter().equals(next.notAfter()) ? "its certificate expires last (" + winner.notAfter() + ")"
                : winner.versionCreated() != null && !winner.versionCreated().equals(next.versionCreated())
                        ? "its version is the newest (" + winner.versionCreated() + ")"
                        : "its name comes first (nothing else tells them apart)";
        return new Outcome(winner, losers, why);
    }
}
