package io.domainautomation.logic;

import java.util.Optional;

/**
 * What link-on-signup is asked to do: link {@code domain} to {@code app}, canonical or not, with Let's Encrypt or
 * with the certificate kept in the secret {@code tlsSecretId}; {@code requestId} is the onboarding system's own
 * reference, given back in the events.
 */
public record LinkRequest(String app, Hostname domain, boolean canonical, boolean letsencrypt, Optional<String> tlsSecretId,
        Optional<String> requestId) implements OnboardingRequest {
}
