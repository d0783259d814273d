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
    private static final OutcomeLog LOG = new OutcomeLog(NAME);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CleanupScan scan;

    @Inject
    CleanupConfig config;

    @Inject
    Continuation continuation;

    @Inject
    EmbeddedMetrics metrics;

    @Funq(NAME)
    public JsonNode cleanupStale(JsonNode event) {
        ScanState state;
        if (event != null && event.path("cursor").isObject()) {
            state = JSON.convertValue(event.get("cursor"), ScanState.class);
        } else {
            JsonNode dryRun = event == null ? null : event.get("dryRun");
            if (dryRun != null && !dryRun.isBoolean()) {
                ObjectNode refused = JSON.createObjectNode();
                refused.put("error", "dryRun must be true or false");
                LOG.warn(Map.of("function", NAME, "outcome", "rejected", "reason", "dryRun must be true or false"));
                return refused;
            }
            state = scan.start(dryRun == null ? config.dryRun() : dryRun.asBoolean());
        }
        CleanupScan.Step step = scan.run(state, config.timeBudget());
        ObjectNode report = report(step);
        if (!step.done()) {
            ObjectNode next = JSON.createObjectNode();
            next.set("cursor", JSON.valueToTree(step.state()));
            Optional<String> handedTo = continuation.handOff(config.continuationFunction(), next.toString());
            report.put("continuedBy", handedTo.orElse("nobody: invoke again with the cursor"));
            report.set("cursor", next.get("cursor"));
        } else {
            int candidates = step.state().candidatesByRule.values().stream().mapToInt(Integer::intValue).sum();
            metrics.emit("StaleCandidates", "Count", candidates, Map.of("Function", NAME));
            metrics.emit("StaleDomainsRemoved", "Count", step.removed().size(), Map.of("Function", NAME));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("function", NAME);
        report.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("cursor")) {
                line.put(f.getKey(), f.getValue());
            }
        });
        LOG.info(line);
        return report;
    }

    private static ObjectNode report(CleanupScan.Step step) {
        ScanState s = step.state();
        ObjectNode report = JSON.createObjectNode();
        report.put("scanId", s.scanId);
        report.put("invocation", s.invocations);
        report.put("done", step.done());
        report.put("dryRun", s.dryRun);
        report.put("appsScanned", s.appsScanned);
        report.put("domainsExamined", s.domainsExamined);
        report.set("candidatesByRule", JSON.valueToTree(s.candidatesByRule));
        report.put("plannedRemovals", s.plannedTotal);
        report.set("removed", JSON.valueToTree(step.removed()));
        report.set("keptByReason", JSON.valueToTree(s.keptByReason));
        report.set("kept", JSON.valueToTree(s.keptDetails));
        report.set("errors", JSON.valueToTree(s.errors));
        return report;
    }
}
