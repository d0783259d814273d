package io.domainautomation.logic.cleanup;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger keeps of a removed domain: when, why, on what evidence, and what is needed to link it again (its
 * name, whether it was canonical, whether Let's Encrypt was on). Never a key: a custom certificate is not restored.
 */
public record Tombstone(String app, String domain, Instant removedAt, String scanId, List<String> rules,
        Map<String, Object> evidence, boolean canonical, boolean letsencryptEnabled, boolean hadCustomCertificate,
        Instant firstStaleAt, int sightings) {

    public Tombstone {
        rules = List.copyOf(rules);
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }
}
