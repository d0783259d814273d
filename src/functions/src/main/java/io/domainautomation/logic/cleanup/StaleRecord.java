package io.domainautomation.logic.cleanup;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger remembers of a domain seen stale: since when, until when, by which rules, with what evidence, on how
 * many scans (the last one named, so a scan that looks twice counts once), and whether its mark was announced
 * ({@code Domain Marked Stale} published): a record written by an invocation that failed before publishing is marked
 * again, under the same event id, by the next scan that sees it.
 */
public record StaleRecord(String app, String domain, String domainId, Instant firstStaleAt, Instant lastStaleAt,
        List<String> rules, Map<String, Object> evidence, int sightings, String lastScanId, boolean announced) {

    public StaleRecord {
        rules = List.copyOf(rules);
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public StaleRecord(String app, String domain, String domainId, Instant firstStaleAt, Instant lastStaleAt,
            List<String> rules, Map<String, Object> evidence, int sightings, String lastScanId) {
        this(app, domain, domainId, firstStaleAt, lastStaleAt, rules, evidence, sightings, lastScanId, true);
    }
}
