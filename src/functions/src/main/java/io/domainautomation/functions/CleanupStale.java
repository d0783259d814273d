package io.domainautomation.functions;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.LocalCredentials;
import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.CleanupTriggers;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CleanupInvocation;
import io.domainautomation.logic.cleanup.CleanupRuns;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.port.Deadline;
import io.domainautomation.logic.port.ScalingoException;
import io.quarkus.funqy.Funq;

/**
 * Removes stale domains, safely: dry run unless configured otherwise, never canonical, protected or young domains,
 * never a domain whose DNS still points at the platform or whose certificate shows traffic, only after the ledger saw
 * it stale over time, nothing above the caps. Triggered daily; a scan longer than one invocation's time budget goes
 * on in a new invocation of this function, which receives {@code {"scanId": ..., "step": ...}} and nothing more.
 */
public class CleanupStale {

    static final String NAME = "cleanup-stale";

    @Inject
    CleanupInvocation invocation;

    @Inject
    EmbeddedMetrics metrics;

    @Inject
    OutcomeLog log;

    @Inject
    ObjectMapper json;

    @Inject
    InvocationDeadline deadlines;

    @Inject
    EventDelivery events;

    @Funq(NAME)
    public JsonNode cleanupStale(JsonNode event) {
        try (LocalCredentials.Scope caller = LocalCredentials.callerIs(NAME)) {
            return handle(event);
        }
    }

    private JsonNode handle(JsonNode event) {
        Deadline deadline = deadlines.current();
        try {
            CleanupInvocation.Result result = invocation.handle(CleanupTriggers.parse(event), deadlines.invocationId(), deadline);
            if (result instanceof CleanupInvocation.Busy busy) {
                return refused("busy", "scan " + busy.runningScan() + " is running; this one did not start", false);
            }
            if (result instanceof CleanupInvocation.Restored restored) {
                return restored(restored.restored());
            }
            return reported((CleanupInvocation.Scanned) result);
        } catch (InvalidInput invalid) {
            return refused("rejected", invalid.getMessage(), false);
        } catch (CleanupRuns.NotRestorable notRestorable) {
            return refused("not-restored", notRestorable.getMessage(), false);
        } catch (LedgerUnavailable e) {
            if (e.isTransient()) {
                throw e; // Lambda retries the asynchronous invocation; the lease was given back, the step is done again
            }
            return refused("misconfigured", e.getMessage(), true);
        } catch (ScalingoException e) {
            if (!e.isConfiguration()) {
                throw e;
            }
            return refused("misconfigured", e.getMessage(), true);
        }
    }

    private JsonNode reported(CleanupInvocation.Scanned scanned) {
        ScanState state = scanned.state();
        events.reportUnpublished(NAME, scanned.unpublished(), scanned.published().size() + scanned.unpublished().size());
        ObjectNode report = report(state);
        report.put("eventsPublished", scanned.published().size());
        report.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(scanned.unpublished())));
        if (scanned.continuation().isPresent()) {
            report.put("continuedBy", scanned.handedTo().orElse("nobody: invoke again with " + scanned.continuation().get()));
        }
        scanned.paused().ifPresent(why -> report.put("paused", why + "; the next scheduled start goes on with this scan"));
        report.put("overdue", scanned.overdue());
        if (scanned.overdue()) {
            // a scan longer than its period: more apps than the rate budget lets one scan look at in a day
            metrics.emit("ScanOverdue", "Count", 1, Map.of("Function", NAME));
        }
        if (state.done() && scanned.unpublished().isEmpty()) {
            // ScanNotCompletedAlarm's metric: a scan that got to its end with every event out, whatever it found (none
            // for two days is a cleanup stopped: failing invocations, a lost schedule, a scan paused for good, events
            // that cannot be published).
            metrics.emit("ScansCompleted", "Count", 1, Map.of("Function", NAME));
        }
        if (state.done()) {
            metrics.emit("StaleCandidates", "Count", state.candidates(), Map.of("Function", NAME));
            metrics.emit("StaleDomainsMarked", "Count", state.markedTotal(), Map.of("Function", NAME));
            metrics.emit("StaleDomainsRemoved", "Count", state.removed().size(), Map.of("Function", NAME));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        report.fields().forEachRemaining(f -> line.put(f.getKey(), f.getValue()));
        log.info(NAME, line);
        return report;
    }

    private ObjectNode report(ScanState s) {
        ObjectNode report = json.createObjectNode();
        report.put("scanId", s.scanId());
        report.put("step", s.step());
        report.put("invocation", s.invocations());
        report.put("done", s.done());
        report.put("phase", s.phase().name().toLowerCase(Locale.ROOT));
        report.put("dryRun", s.dryRun());
        report.put("appsScanned", s.appsScanned());
        report.put("domainsExamined", s.domainsExamined());
        report.set("candidatesByRule", json.valueToTree(s.candidatesByRule()));
        report.put("markedTotal", s.markedTotal());
        report.set("marked", json.valueToTree(s.marked()));
        report.put("waitingForConfirmation", s.waiting());
        report.put("cleared", s.cleared());
        report.put("plannedRemovals", s.plannedTotal());
        report.set("removed", json.valueToTree(s.removed()));
        report.set("keptByReason", json.valueToTree(s.keptByReason()));
        report.set("kept", json.valueToTree(s.keptDetails()));
        report.set("errors", json.valueToTree(s.errors()));
        return report;
    }

    private JsonNode restored(CleanupRuns.Restored restored) {
        events.reportUnpublished(NAME, restored.unpublished(), 1);
        ObjectNode report = json.createObjectNode();
        report.put("restored", restored.tombstone().domain());
        report.put("app", restored.tombstone().app());
        report.put("alreadyLinked", restored.alreadyLinked());
        report.put("canonical", restored.tombstone().canonical());
        report.put("letsencrypt", restored.tombstone().letsencryptEnabled());
        report.put("removedAt", restored.tombstone().removedAt().toString());
        if (restored.tombstone().hadCustomCertificate()) {
            report.put("note", "it had a custom certificate, which is not restored: upload it again");
        }
        report.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(restored.unpublished())));
        if (!restored.unpublished().isEmpty()) {
            report.put("tombstone", "kept until Domain Restored is published: restore again to finish");
        }
        log.info(NAME, Map.of("outcome", "restored", "app", restored.tombstone().app(), "domain",
                restored.tombstone().domain(), "alreadyLinked", restored.alreadyLinked()));
        return report;
    }

    private JsonNode refused(String outcome, String reason, boolean configuration) {
        if (configuration) {
            metrics.emit("ConfigurationErrors", "Count", 1, Map.of("Function", NAME));
        }
        log.warn(NAME, Map.of("outcome", outcome, "reason", reason));
        ObjectNode refused = json.createObjectNode();
        refused.put("error", reason);
        refused.put("outcome", outcome);
        return refused;
    }
}
