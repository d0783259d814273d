package io.domainautomation.functions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.domainautomation.aws.EmbeddedMetrics;
import io.domainautomation.functions.trigger.CleanupTriggers;
import io.domainautomation.logic.InvalidInput;
import io.domainautomation.logic.LedgerUnavailable;
import io.domainautomation.logic.cleanup.CleanupConfig;
import io.domainautomation.logic.cleanup.CleanupRuns;
import io.domainautomation.logic.cleanup.ScanState;
import io.domainautomation.logic.cleanup.CleanupEvents;
import io.domainautomation.logic.events.DomainEvent;
import io.domainautomation.logic.port.ContinuationSender;
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
    CleanupRuns runs;

    @Inject
    CleanupConfig config;

    @Inject
    ContinuationSender continuation;

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
        Deadline deadline = deadlines.current();
        try {
            CleanupTriggers.Request request = CleanupTriggers.parse(event);
            if (request instanceof CleanupTriggers.Restore restore) {
                return restored(runs.restore(restore.app(), restore.domain(), deadline), deadline);
            }
            CleanupRuns.Outcome outcome = request instanceof CleanupTriggers.Resume resume
                    ? runs.resume(resume.scanId(), resume.step(), lease(deadline), deadline)
                    : runs.start(((CleanupTriggers.Start) request).dryRunAsked(), lease(deadline), deadline);
            if (outcome.busyWith().isPresent()) {
                return refused("busy", "scan " + outcome.busyWith().get() + " is running; this one did not start", false);
            }
            // Published once the step is saved: an event is never about something the ledger does not hold.
            List<DomainEvent> unpublished = events.deliver(NAME, outcome.events(), deadline);
            return reported(outcome.state().orElseThrow(), outcome.events().size() - unpublished.size(), unpublished);
        } catch (InvalidInput invalid) {
            return refused("rejected", invalid.getMessage(), false);
        } catch (LedgerUnavailable e) {
            if (e.isTransient()) {
                throw e; // Lambda retries the asynchronous invocation; the scan's state is as the last invocation left it
            }
            return refused("misconfigured", e.getMessage(), true);
        } catch (ScalingoException e) {
            if (!e.isConfiguration()) {
                throw e;
            }
            return refused("misconfigured", e.getMessage(), true);
        }
    }

    /** The invocation may work on the scan until Lambda ends it; after that, another may take it up. */
    private static Duration lease(Deadline deadline) {
        return deadline.isNone() ? Duration.ofMinutes(15)
                : Duration.ofNanos(Math.max(0, deadline.nanoTime() - System.nanoTime())).plusSeconds(5);
    }

    private JsonNode reported(ScanState state, int published, List<DomainEvent> unpublished) {
        ObjectNode report = report(state);
        report.put("eventsPublished", published);
        report.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(unpublished)));
        if (!state.done()) {
            ObjectNode next = json.createObjectNode();
            next.put("scanId", state.scanId());
            next.put("step", state.step());
            Optional<String> handedTo = continuation.handOff(config.continuationFunction(), next.toString());
            report.put("continuedBy", handedTo.orElse("nobody: invoke again with " + next));
        } else {
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

    private JsonNode restored(CleanupRuns.Restored restored, Deadline deadline) {
        List<DomainEvent> unpublished = events.deliver(NAME,
                List.of(CleanupEvents.restored(restored.tombstone(), restored.alreadyLinked())), deadline);
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
        report.set("eventsUnpublished", json.valueToTree(EventDelivery.summaries(unpublished)));
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
