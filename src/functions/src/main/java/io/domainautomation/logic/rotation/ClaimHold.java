package io.domainautomation.logic.rotation;

import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;

/**
 * Whether a domain keeps the certificate it carries this run because a secret that may claim it could not be read
 * (Secrets Manager failing transiently): settled without it, the runner-up would win this run and the secret the next,
 * two uploads and hours on the wrong certificate. Pure.
 * <ul>
 * <li>an unreadable secret whose {@code scalingo:domains} tag names the domain holds it: it may win over anything;
 * <li>an unreadable secret without the tag (it claims what its certificate covers, unknown this run) holds the
 * domain unless a readable secret names the domain in its tag, which it could not beat.
 * </ul>
 */
public final class ClaimHold {

    private ClaimHold() {
    }

    /** @return the unreadable secret that holds the domain, if one does */
    public static Optional<ManagedSecret> holder(String domain, List<Candidate> readable, List<ManagedSecret> unreadable) {
        boolean namedByReadable = readable.stream().anyMatch(c -> c.claim().explicit());
        for (ManagedSecret secret : unreadable) {
            boolean holds = secret.domains().map(named -> named.contains(domain)).orElse(!namedByReadable);
            if (holds) {
                return Optional.of(secret);
            }
        }
        return Optional.empty();
    }
}
