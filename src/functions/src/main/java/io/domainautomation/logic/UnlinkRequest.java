package io.domainautomation.logic;

import java.util.Optional;

/**
 * An offboarding message's request: unlink {@code domain} from {@code app} (the customer is leaving); {@code requestId}
 * is the onboarding system's own reference, given back in the event.
 */
public record UnlinkRequest(String app, Hostname domain, Optional<String> requestId) implements OnboardingRequest {
}
