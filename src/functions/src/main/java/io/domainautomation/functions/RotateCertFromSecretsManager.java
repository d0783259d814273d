package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.rotation.CertificateRotation;
import io.domainautomation.logic.rotation.RotationReport;
import io.domainautomation.logic.rotation.RotationTrigger;
import io.quarkus.funqy.Funq;

/**
 * Uploads the certificate kept in Secrets Manager to its domains when it changed. Triggered daily (every managed
 * secret), by secret-change events (that secret only) or by hand; returns and logs the report, and emits
 * days-to-expiry and problem counts as CloudWatch metrics.
 */
public class RotateCertFromSecretsManager {

    static final String NAME = "rotate-cert-from-secrets-manager";
    private static final OutcomeLog LOG = new OutcomeLog(NAME);

    @Inject
    CertificateRotation rotation;

    @Inject
    EmbeddedMetrics metrics;

    @ConfigProperty(name = "rotation.dry-run", defaultValue = "false")
    boolean dryRunByDefault;

    @Funq(NAME)
    public RotationReport rotateCertFromSecretsManager(JsonNode event) {
        RotationTrigger trigger;
        try {
            trigger = RotationTrigger.parse(event, dryRunByDefault);
        } catch (InvalidInput invalid) {
            RotationReport refused = new RotationReport("invalid", true);
            refused.add(new RotationReport.Entry(null, null, null, RotationReport.Outcome.REJECTED, "trigger",
                    invalid.getMessage(), null, null));
            log(refused);
            metrics.emit("RotationProblems", "Count", 1, Map.of("Function", NAME));
            return refused;
        }
        RotationReport report = rotation.run(trigger);
        log(report);
        for (RotationReport.Entry entry : report.entries()) {
            if (entry.daysToExpiry() != null && entry.domain() != null) {
                metrics.emit("CertificateDaysToExpiry", "Count", entry.daysToExpiry(),
                        Map.of("App", entry.app(), "Domain", entry.domain()));
            }
        }
        report.entries().stream().map(RotationReport.Entry::daysToExpiry).filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue).min()
                .ifPresent(min -> metrics.emit("MinCertificateDaysToExpiry", "Count", min, Map.of("Function", NAME)));
        long problems = report.entries().stream().filter(e -> e.outcome() == RotationReport.Outcome.REJECTED
                || e.outcome() == RotationReport.Outcome.FAILED).count();
        metrics.emit("RotationProblems", "Count", problems, Map.of("Function", NAME));
        metrics.emit("CertificatesRotated", "Count", report.totals().getOrDefault("rotated", 0), Map.of("Function", NAME));
        return report;
    }

    private static void log(RotationReport report) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("function", NAME);
        summary.put("trigger", report.trigger());
        summary.put("dryRun", report.dryRun());
        summary.put("totals", report.totals());
        summary.put("entries", report.entries());
        if (report.hasProblems()) {
            LOG.warn(summary);
        } else {
            LOG.info(summary);
        }
    }
}
