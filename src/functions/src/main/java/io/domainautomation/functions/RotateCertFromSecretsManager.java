package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.RotationTriggers;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.port.ContinuationSender;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.rotation.RotationInvocation;
import io.domainautomation.logic.rotation.RotationConfig;
import io.domainautomation.logic.rotation.RotationReport;
import io.domainautomation.logic.rotation.RotationScope;
import io.quarkus.funqy.Funq;

/**
 * Uploads the certificate kept in Secrets Manager to its domains when it changed. Triggered daily (every managed
 * secret), by secret-change events (that secret only) or by hand; returns and logs the report, and emits
 * days-to-expiry and problem counts as CloudWatch metrics.
 */
public class RotateCertFromSecretsManager {

    static final String NAME = "rotate-cert-from-secrets-manager";

    @Inject
    RotationInvocation rotation;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    RotationConfig config;

    @Inject
    OutcomeLog log;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    ContinuationSender continuation;

    @Inject
    ObjectMapper json;

    @Inject
    EventDelivery events;

    @Funq(NAME)
    public RotationReport rotateCertFromSecretsManager(JsonNode event) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(NAME)) {
            return handle(event);
        }
    }

    private RotationReport handle(JsonNode event) {
        RotationScope trigger;
        try {
            trigger = RotationTriggers.parse(event, config.dryRun());
        } catch (InvalidInput invalid) {
            RotationReport refused = RotationReport.builder("invalid", true).add(new RotationReport.Entry(null, null,
                    null, RotationReport.Outcome.REJECTED, "trigger", invalid.getMessage(), null, null)).build();
            log(refused, Optional.empty());
            metrics.emit("RotationProblems", "Count", 1, Map.of("Function", NAME));
            return refused;
        }
        Deadline deadline = deadlines.current();
        RotationInvocation.Result result = rotation.run(trigger, config.timeBudget(), deadline);
        events.reportUnpublished(NAME, result.unpublished(), result.announced().size());
        RotationReport report = result.report().withEventsUnpublished(EventDelivery.summaries(result.unpublished()));
        Optional<String> continuedBy = Optional.empty();
        if (report.continueAfter() != null) {
            ObjectNode next = json.createObjectNode();
            next.put("scope", "all");
            next.put("after", report.continueAfter());
            next.put("dryRun", report.dryRun());
            continuedBy = Optional.of(continuation.handOff(config.continuationFunction(), next.toString())
                    .orElse("nobody: invoke again with " + next));
        }
        log(report, continuedBy);
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
        long misconfigured = report.entries().stream().filter(e -> "configuration".equals(e.check())).count();
        if (misconfigured > 0) {
            metrics.emit("ConfigurationErrors", "Count", misconfigured, Map.of("Function", NAME));
        }
        if (report.listedAll() && report.continueAfter() == null) {
            // A run over every secret listed them and got to its end (its last part, when it was handed on), whatever
            // each app's outcome: RotationNotRunAlarm's metric. Not a run that could not list the secrets.
            metrics.emit("FullRunsCompleted", "Count", 1, Map.of("Function", NAME));
        }
        metrics.emit("CertificatesRotated", "Count", report.totals().getOrDefault("rotated", 0), Map.of("Function", NAME));
        metrics.emit("RotationConflicts", "Count", report.totals().getOrDefault("conflict", 0), Map.of("Function", NAME));
        return report;
    }

    private void log(RotationReport report, Optional<String> continuedBy) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("trigger", report.trigger());
        summary.put("dryRun", report.dryRun());
        continuedBy.ifPresent(target -> summary.put("continuedBy", target));
        summary.put("totals", report.totals());
        summary.put("entries", report.entries());
        if (report.hasProblems()) {
            log.warn(NAME, summary);
        } else {
            log.info(NAME, summary);
        }
    }
}
