package io.domainautomation.logic.cleanup;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger keeps of a removed domain: when, why, on what evidence, and what is needed to link it again (its
 * name, whether it was canonical, whether Let's Encrypt was on). Never a key: a custom certificate is not restored.
 * {@code restoreStarted} is written before a restore links it again (the link's reply may be lost, and the name may
 * move before anyone looks); {@code restored} once it is linked again (true: it was found linked already) and its
 * {@code Domain Restored} is not published yet: the tombstone goes only once it is. {@code removalAnnounced} is false
 * until the removal's {@code Domain Removed} is published (null, in tombstones older than it: announced).
 */
public record Tombstone(String app, String domain, Instant removedAt, String scanId, List<String> rules,
        Map<String, Object> evidence, boolean canonical, boolean letsencryptEnabled, boolean hadCustomCertificate,
        Instant firstStaleAt, int sightings, Boolean restored, Instant restoreStarted, Boolean removalAnnounced,
        String domainId) {

    public Tombstone {
        rules = List.copyOf(rules);
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public Tombstone(String app, String domain, Instant removedAt, String scanId, List<String> rules,
            Map<String, Object> evidence, boolean canonical, boolean letsencryptEnabled, boolean hadCustomCertificate,
            Instant firstStaleAt, int sightings) {
        this(app, domain, removedAt, scanId, rules, evidence, canonical, letsencryptEnabled, hadCustomCertificate,
                firstStaleAt, sightings, null, null, false, null);
    }

    /** The removed domain's id: a domain of that id still linked was never removed. */
    public Tombstone ofDomain(String id) {
        return new Tombstone(app, domain, removedAt, scanId, rules, evidence, canonical, letsencryptEnabled,
                hadCustomCertificate, firstStaleAt, sightings, restored, restoreStarted, removalAnnounced, id);
    }

    /** The {@code scanId} of a removal asked by an offboarding message: the prefix and the removed domain's id. */
    public static final String OFFBOARDING = "offboarding:";

    /** A removal asked by an offboarding message (link-on-signup), not found stale by a scan. */
    public boolean offboarding() {
        return scanId != null && scanId.startsWith(OFFBOARDING);
    }

    /** Whether {@code Domain Removed} may not have been published yet. */
    public boolean removalMayBeUnannounced() {
        return Boolean.FALSE.equals(removalAnnounced);
    }

    public Tombstone withRemovalAnnounced() {
        return new Tombstone(app, domain, removedAt, scanId, rules, evidence, canonical, letsencryptEnabled,
                hadCustomCertificate, firstStaleAt, sightings, restored, restoreStarted, true, domainId);
    }

    /** A restore is about to link it again. */
    public Tombstone restoreStartedAt(Instant at) {
        return new Tombstone(app, domain, removedAt, scanId, rules, evidence, canonical, letsencryptEnabled,
                hadCustomCertificate, firstStaleAt, sightings, restored, at, removalAnnounced, domainId);
    }

    /** Linked again by a restore (found linked already, or not), its announcement still to be published. */
    public Tombstone restoredPendingAnnouncement(boolean alreadyLinked) {
        return new Tombstone(app, domain, removedAt, scanId, rules, evidence, canonical, letsencryptEnabled,
                hadCustomCertificate, firstStaleAt, sightings, alreadyLinked, restoreStarted, removalAnnounced, domainId);
    }
}
