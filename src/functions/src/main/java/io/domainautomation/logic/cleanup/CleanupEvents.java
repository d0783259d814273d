package io.domainautomation.logic.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.DnsInstructions;
import io.domainautomation.logic.port.Domain;

/**
 * The events of cleanup-stale's daily scan, pure: a domain marked stale, removed, restored; a Let's Encrypt
 * certificate issued or stuck. Ids come from what the event is about (the domain, the scan, the record), so a retry
 * publishes the same id.
 */
public final class CleanupEvents {

    public static final String DOMAIN_MARKED_STALE = "Domain Marked Stale";
    public static final String DOMAIN_REMOVED = "Domain Removed";
    public static final String DOMAIN_RESTORED = "Domain Restored";
    public static final String CERTIFICATE_ISSUED = "Domain Certificate Issued";
    public static final String VALIDATION_STUCK = "Domain Validation Stuck";

    private CleanupEvents() {
    }

    /** First sighting: the domain will not be removed before {@code notBefore}, and only if still stale then. */
    public static DomainEvent markedStale(String app, String domain, String domainId, List<String> rules,
            Map<String, Object> evidence, Instant firstStaleAt, Instant notBefore, boolean dryRun, String scanId) {
        String id = DomainEvent.stableId("marked-stale", app, domain, domainId, firstStaleAt.toString());
        Map<String, Object> detail = DomainEvent.detail(id, app, domain, scan(scanId));
        detail.put("rules", rules);
        detail.put("evidence", evidence);
        detail.put("firstStaleAt", firstStaleAt.toString());
        detail.put("notRemovedBefore", notBefore.toString());
        detail.put("dryRun", dryRun);
        return new DomainEvent(DOMAIN_MARKED_STALE, id, detail);
    }

    /** What was removed, why, and how to link it again (cleanup-stale invoked with {@code restore}). */
    public static DomainEvent removed(Tombstone tombstone) {
        String id = DomainEvent.stableId("removed", tombstone.app(), tombstone.domain(), tombstone.scanId());
        Map<String, Object> detail = DomainEvent.detail(id, tombstone.app(), tombstone.domain(), correlation(tombstone));
        detail.put("reason", tombstone.offboarding() ? "offboarding" : "stale");
        detail.put("removedAt", tombstone.removedAt().toString());
        detail.put("rules", tombstone.rules());
        detail.put("evidence", tombstone.evidence());
        detail.put("firstStaleAt", tombstone.firstStaleAt() == null ? null : tombstone.firstStaleAt().toString());
        detail.put("sightings", tombstone.sightings());
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("canonical", tombstone.canonical());
        restore.put("letsencrypt", tombstone.letsencryptEnabled());
        restore.put("hadCustomCertificate", tombstone.hadCustomCertificate());
        restore.put("payload", Map.of("restore", Map.of("app", tombstone.app(), "domain", tombstone.domain())));
        detail.put("restore", restore);
        return new DomainEvent(DOMAIN_REMOVED, id, detail);
    }

    public static DomainEvent restored(Tombstone tombstone, boolean alreadyLinked) {
        String id = DomainEvent.stableId("restored", tombstone.app(), tombstone.domain(), tombstone.removedAt().toString());
        Map<String, Object> correlation = scan(tombstone.scanId());
        Map<String, Object> detail = DomainEvent.detail(id, tombstone.app(), tombstone.domain(), correlation);
        detail.put("removedAt", tombstone.removedAt().toString());
        detail.put("alreadyLinked", alreadyLinked);
        detail.put("canonical", tombstone.canonical());
        detail.put("letsencrypt", tombstone.letsencryptEnabled());
        detail.put("customCertificateRestored", false);
        return new DomainEvent(DOMAIN_RESTORED, id, detail);
    }

    public static DomainEvent certificateIssued(String app, Domain domain, Optional<CertificateProgress> previous, String scanId) {
        String awaitedSince = previous.filter(p -> !p.issued()).map(p -> p.since().toString()).orElse("unseen");
        String id = DomainEvent.stableId("certificate-issued", app, domain.name(), domain.id(), awaitedSince);
        Map<String, Object> detail = DomainEvent.detail(id, app, domain.name(), scan(scanId));
        detail.put("previousStatus", previous.map(CertificateProgress::status).orElse(null));
        detail.put("awaitedSince", previous.filter(p -> !p.issued()).map(p -> p.since().toString()).orElse(null));
        detail.put("validity", domain.validity() == null ? null : domain.validity().toInstant().toString());
        return new DomainEvent(CERTIFICATE_ISSUED, id, detail);
    }

    /**
     * What is awaited, since when, what the customer must set in DNS (with Scalingo's DNS-01 error, if any) and what
     * keeps the certificate from coming, told from DNS as the scan found it ({@code status.DnsCheck}'s diagnosis).
     */
    public static DomainEvent validationStuck(String app, Domain domain, CertificateProgress progress, Duration stuckAfter,
            String appHost, List<Map<String, Object>> diagnosis, String scanId) {
        String id = DomainEvent.stableId("validation-stuck", app, domain.name(), domain.id(), progress.status(),
                progress.since().toString());
        Map<String, Object> detail = DomainEvent.detail(id, app, domain.name(), scan(scanId));
        detail.put("status", progress.status());
        detail.put("awaitedSince", progress.since().toString());
        detail.put("stuckAfter", stuckAfter.toString());
        detail.put("dns", DnsInstructions.of(domain, appHost));
        detail.put("diagnosis", diagnosis);
        return new DomainEvent(VALIDATION_STUCK, id, detail);
    }

    /** A scan's removal names its scan; an offboarding's, the message (and the onboarding system's request) that asked. */
    private static Map<String, Object> correlation(Tombstone tombstone) {
        if (!tombstone.offboarding()) {
            return scan(tombstone.scanId());
        }
        Map<String, Object> correlation = new LinkedHashMap<>();
        for (String key : List.of("messageId", "requestId")) {
            if (tombstone.evidence().get(key) != null) {
                correlation.put(key, tombstone.evidence().get(key));
            }
        }
        return correlation;
    }

    private static Map<String, Object> scan(String scanId) {
        Map<String, Object> correlation = new LinkedHashMap<>();
        correlation.put("scanId", scanId);
        return correlation;
    }

    /** A published mark, as the ledger's record of it is keyed. */
    public record Mark(String app, String domain, Instant firstStaleAt) {
    }

    /** A published removal, as its tombstone is keyed. */
    public record Removal(String app, String domain, String scanId) {
    }

    public static Optional<Mark> announcedMark(DomainEvent event) {
        if (!DOMAIN_MARKED_STALE.equals(event.detailType())) {
            return Optional.empty();
        }
        return Optional.of(new Mark(String.valueOf(event.detail().get("app")), String.valueOf(event.detail().get("domain")),
                Instant.parse(String.valueOf(event.detail().get("firstStaleAt")))));
    }

    public static Optional<Removal> announcedRemoval(DomainEvent event) {
        if (!DOMAIN_REMOVED.equals(event.detailType()) || !(event.detail().get("correlation") instanceof Map<?, ?> correlation)) {
            return Optional.empty();
        }
        return Optional.of(new Removal(String.valueOf(event.detail().get("app")), String.valueOf(event.detail().get("domain")),
                String.valueOf(correlation.get("scanId"))));
    }
}
