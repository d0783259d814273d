package io.domainautomation.logic.rotation;

import java.util.List;
import java.util.Optional;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;

/**
 * Whether a domain keeps the certificate it carries this run because a secret that may claim it could not be read
 * (Secrets Manager failing, or the role denied): settled without it, the runner-up would win this run and the secret
 * the next, two uploads and hours on the wrong certificate. Pure. An unreadable secret holds its place:
 * <ul>
 * <li>the domain whose certificate it deployed (the ledger says so), or whose deployment is unknown this run;
 * <li>a domain its {@code scalingo:domains} tag names: it may win over anything there.
 * </ul>
 * Not when the domain's certificate expires within {@value #RELEASE_DAYS} days: better the runner-up than an expired
 * certificate. An unreadable secret without the tag that deployed nothing there holds nothing: the runner-up goes on.
 */
public final class ClaimHold {

    static final int RELEASE_DAYS = 7;

    private ClaimHold() {
    }

    /**
     * @param deployedBy which secret deployed the domain's certificate ("" when none is on record), or empty when the
     *            ledger could not say this run
     * @param daysLeft   days until the certificate the domain carries expires ({@code null}: none or unknown)
     * @return the unreadable secret that holds the domain, if one does
     */
    public static Optional<ManagedSecret> holder(String domain, List<ManagedSecret> unreadable,
            Optional<String> deployedBy, Long daysLeft) {
        if (unreadable.isEmpty() || daysLeft != null && daysLeft <= RELEASE_DAYS) {
            return Optional.empty();
        }
        for (ManagedSecret secret : unreadable) {
            boolean names = secret.domains().map(named -> named.contains(domain)).orElse(false);
            boolean deployedIt = deployedBy.map(by -> by.equals(secret.name())).orElse(true);
            if (names || deployedIt) {
                return Optional.of(secret);
            }
        }
        return Optional.empty();
    }
}
