package io.domainautomation.logic.rotation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.events.Notice;
import io.domainautomation.logic.rotation.RotationReport.Entry;
import io.domainautomation.logic.tls.CertificateIdentity;

/**
 * The events of the certificate rotation, pure: a certificate rotated (every upload); rejected, in conflict or
 * expiring (states, announced once per change: see {@link Notice}). Certificates are named by subject, serial,
 * fingerprint and expiry, never by key.
 */
public final class RotationEvents {

    public static final String CERTIFICATE_ROTATED = "Certificate Rotated";
    public static final String CERTIFICATE_REJECTED = "Certificate Rejected";
    public static final String CERTIFICATE_CONFLICT = "Certificate Conflict";
    public static final String CERTIFICATE_EXPIRING = "Certificate Expiring";

    private RotationEvents() {
    }

    /**
     * One upload: its id names the deployment (the certificate, its version, and when it was deployed), so an upload
     * of the same certificate again (after someone changed the domain's by hand) is another event, and the same
     * deployment announced again (by a run after one that could not) keeps its id.
     */
    public static Notice rotated(Entry entry, String versionId, Instant deployedAt, String trigger) {
        String id = DomainEvent.stableId("rotated", entry.app(), entry.domain(), entry.certificate().sha256(), String.valueOf(versionId),
                deployedAt.toString());
        Map<String, Object> detail = DomainEvent.detail(id, entry.app(), entry.domain(), correlation(trigger));
        detail.put("secret", entry.secret());
        detail.put("secretVersionId", versionId);
        detail.put("certificate", certificate(entry.certificate()));
        detail.put("reason", entry.reason());
        detail.put("deployedAt", deployedAt.toString());
        return Notice.always(new DomainEvent(CERTIFICATE_ROTATED, id, detail), entry.app(), entry.domain());
    }

    /** A secret that cannot be deployed: which check refused it and why; again only when the check or the certificate changes. */
    public static Notice rejected(Entry entry, String trigger) {
        String domain = entry.domain() == null ? "*" : entry.domain();
        String state = entry.check() + "|" + (entry.certificate() != null ? entry.certificate().sha256() : entry.reason());
        String id = DomainEvent.stableId("certificate-rejected", entry.secret(), domain, state);
        Map<String, Object> detail = DomainEvent.detail(id, entry.app(), domain, correlation(trigger));
        detail.put("secret", entry.secret());
        detail.put("check", entry.check());
        detail.put("reason", entry.reason());
        detail.put("certificate", entry.certificate() == null ? null : certificate(entry.certificate()));
        return new Notice(new DomainEvent(CERTIFICATE_REJECTED, id, detail), entry.app(), domain,
                "certificate-rejected#" + entry.secret(), state);
    }

    /** The losing secret's claim on a domain, and the secret that wins it. */
    public static Notice conflict(Entry loser, String winner, String why, String trigger) {
        String state = loser.certificate().sha256() + "|" + winner;
        String id = DomainEvent.stableId("certificate-conflict", loser.app(), loser.domain(), loser.secret(), state);
        Map<String, Object> detail = DomainEvent.detail(id, loser.app(), loser.domain(), correlation(trigger));
        detail.put("secret", loser.secret());
        detail.put("certificate", certificate(loser.certificate()));
        detail.put("winner", winner);
        detail.put("why", why);
        return new Notice(new DomainEvent(CERTIFICATE_CONFLICT, id, detail), loser.app(), loser.domain(),
                "certificate-conflict#" + loser.secret(), state);
    }

    /** The certificate a domain carries reached an expiry warning ({@code threshold} days; 0: expired). */
    public static Notice expiring(String app, String domain, String subject, Instant notAfter, long daysLeft, int threshold,
            String trigger) {
        String state = threshold + "|" + notAfter;
        String id = DomainEvent.stableId("certificate-expiring", app, domain, state);
        Map<String, Object> detail = DomainEvent.detail(id, app, domain, correlation(trigger));
        detail.put("subject", subject);
        detail.put("notAfter", notAfter.toString());
        detail.put("daysLeft", daysLeft);
        detail.put("threshold", threshold);
        detail.put("expired", daysLeft < 0);
        return new Notice(new DomainEvent(CERTIFICATE_EXPIRING, id, detail), app, domain, "certificate-expiring", state);
    }

    private static Map<String, Object> certificate(CertificateIdentity identity) {
        Map<String, Object> certificate = new LinkedHashMap<>();
        certificate.put("subject", identity.subject());
        certificate.put("serial", identity.serial());
        certificate.put("sha256", identity.sha256());
        certificate.put("notAfter", identity.notAfter());
        return certificate;
    }

    private static Map<String, Object> correlation(String trigger) {
        Map<String, Object> correlation = new LinkedHashMap<>();
        correlation.put("trigger", trigger);
        return correlation;
    }
}
