package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.Continuation;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.JsonInput;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.scalingo.ScalingoException;
import io.domainautomation.logic.cleanup.CleanupConfig;
import io.domainautomation.logic.cleanup.CleanupScan;
import io.domainautomation.logic.cleanup.ScanState;
import io.quarkus.funqy.Funq;

/**
 * Removes stale domains, safely: dry run unless told otherwise, never canonical or protected domains, never a
 * domain whose DNS still points at the platform, nothing above the caps. Triggered daily; a scan longer than one
 * invocation's time budget continues in a new invocation of this function, which receives {@code {"cursor": ...}}.
 */
public class CleanupStale {

    static final String NAME = "cleanup-stale";

    @Inject
    CleanupScan scan;

    @Inject
    CleanupConfig config;

    @Inject
    Continuation continuation;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    OutcomeLog log;

    @Inject
    ObjectMapper json;

    @Inject
    InvocationDeadline deadlines;

    @Funq(NAME)
    public JsonNode cleanupStale(JsonNode event) {
        ScanState state;
        if (event != null && event.path("cursor").isObject()) {
            state = json.convertValue(event.get("cursor"), ScanState.class);
        } else {
            try {
                state = scan.start(event == null || !event.isObject() ? config.dryRun()
                        : JsonInput.optionalBoolean(event, "dryRun", config.dryRun()));
            } catch (InvalidInput invalid) {
                ObjectNode refused = json.createObjectNode();
                refused.put("error", invalid.getMessage());
                log.warn(NAME, Map.of("outcome", "rejected", "reason", invalid.getMessage()));
                return refused;
            }
        }
        CleanupScan.Step step;
        try {
            step = scan.run(state, config.timeBudget(), deadlines.current());
        } catch (ScalingoException e) {
            if (!e.isConfiguration()) {
                throw e;
            }
            metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
            log.warn(NAME, Map.of("outcome", "misconfigured", "reason", e.getMessage()));
            ObjectNode refused = json.createObjectNode();
            refused.put("error", e.getMessage());
            return refused;
        }
        ObjectNode report = report(step);
        if (!step.done()) {
            ObjectNode next = json.createObjectNode();
            next.set("cursor", json.valueToTree(step.state()));
            Optional<String> handedTo = continuation.handOff(config.continuationFunction(), next.toString());
            report.put("continuedBy", handedTo.orElse("nobody: invoke again with the cursor"));
            report.set("cursor", next.get("cursor"));
        } else {
            metrics.emit("StaleCandidates", "Count", step.state().candidates(), Map.of("Function", NAME));
            metrics.emit("StaleDomainsRemoved", "Count", step.removed().size(), Map.of("Function", NAME));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        report.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("cursor")) {
                line.put(f.getKey(), f.getValue());
            }
        });
        log.info(NAME, line);
        return report;
    }

    private ObjectNode report(CleanupScan.Step step) {
        ScanState s = step.state();
        ObjectNode report = json.createObjectNode();
        report.put("scanId", s.scanId());
        report.put("invocation", s.invocations());
        report.put("done", step.done());
        report.put("dryRun", s.dryRun());
        report.put("appsScanned", s.appsScanned());
        report.put("domainsExamined", s.domainsExamined());
        report.set("candidatesByRule", json.valueToTree(s.candidatesByRule()));
        report.put("plannedRemovals", s.plannedTotal());
        report.set("removed", json.valueToTree(step.removed()));
        report.set("keptByReason", json.valueToTree(s.keptByReason()));
        report.set("kept", json.valueToTree(s.keptDetails()));
        report.set("errors", json.valueToTree(s.errors()));
        return report;
    }
}
