package io.domainautomation.logic.ownership;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Whether link-on-signup asks for proof that a name is the customer's before linking it ({@code OWNERSHIP_PROOF}:
 * {@code none}, or {@code txt}), and how long a customer has to give it ({@code OWNERSHIP_PROOF_TIMEOUT}).
 */
@ConfigMapping(prefix = "ownership")
public interface OwnershipConfig {

    enum Mode {
        /** Every name is linked as the message asks (the behaviour before ownership proof). */
        NONE,
        /** A new name is linked once a TXT record, or a CNAME to the app's own host, proves it the customer's. */
        TXT
    }

    @WithDefault("none")
    Mode proof();

    /** After this long unproven, the request is rejected ({@code ownership-not-proven}). */
    @WithDefault("7d")
    Duration proofTimeout();
}
