package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.domainautomation.logic.events.DomainEvent;

/**
 * Where a cleanup scan stands, immutable; kept in the ledger between invocations (a continuation carries only the
 * scan's id and step) and reported. Apps are scanned in name order, so {@code lastApp} says exactly where to resume,
 * whatever apps appear or go meanwhile; then the confirmed removals are worked through from {@code nextRemoval}.
 * An invocation works on a {@link Builder} and ends with a new state, one step further.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScanState(String scanId, String startedAt, boolean dryRun, int step, Phase phase, String lastApp,
        int invocations, int appsScanned, int domainsExamined, Map<String, Integer> candidatesByRule,
        Map<String, Integer> keptByReason, List<Marked> marked, int markedTotal, int waiting, int cleared,
        List<Planned> planned, int plannedTotal, int nextRemoval, List<Planned> removed, List<Kept> keptDetails,
        List<String> errors, int failuresAtNextApp, List<DomainEvent> outbox, String lastDomain) {

    public enum Phase {
        SCANNING, REMOVING, DONE
    }

    /** A confirmed removal, with the rules that made the domain stale and its app's platform host. */
    public record Planned(String app, String appHost, String domainId, String domain, List<String> rules) {
    }

    /** A domain seen stale for the first time (or for new reasons): announced, not removed before {@code notBefore}. */
    public record Marked(String app, String domain, List<String> rules, String notBefore) {
    }

    /** One domain kept although stale, with why. */
    public record Kept(String app, String domain, String reason) {
    }

    public static final int MAX_DETAILS = 200;

    public ScanState {
        phase = phase == null ? Phase.SCANNING : phase;
        candidatesByRule = candidatesByRule == null ? Map.of() : Map.copyOf(candidatesByRule);
        keptByReason = keptByReason == null ? Map.of() : Map.copyOf(keptByReason);
        marked = marked == null ? List.of() : List.copyOf(marked);
        planned = planned == null ? List.of() : List.copyOf(planned);
        removed = removed == null ? List.of() : List.copyOf(removed);
        keptDetails = keptDetails == null ? List.of() : List.copyOf(keptDetails);
        errors = errors == null ? List.of() : List.copyOf(errors);
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
    }

    public static ScanState start(String scanId, String startedAt, boolean dryRun) {
        return new ScanState(scanId, startedAt, dryRun, 0, Phase.SCANNING, null, 0, 0, 0, null, null, null, 0, 0, 0,
                null, 0, 0, null, null, null, 0, null, null);
    }

    /**
     * The same state holding {@code pending}: the events of what the scan did that are not published yet. They are
     * saved with the step that caused them, so a failure after the save loses none: whoever works on the scan next
     * publishes them (under the same ids) before anything else.
     */
    public ScanState withOutbox(List<DomainEvent> pending) {
        return new ScanState(scanId, startedAt, dryRun, step, phase, lastApp, invocations, appsScanned, domainsExamined,
                candidatesByRule, keptByReason, marked, markedTotal, waiting, cleared, planned, plannedTotal, nextRemoval,
                removed, keptDetails, errors, failuresAtNextApp, pending, lastDomain);
    }

    /** One step further, nothing else changed: a save that only records what was published. */
    public ScanState nextStep() {
        return new ScanState(scanId, startedAt, dryRun, step + 1, phase, lastApp, invocations, appsScanned, domainsExamined,
                candidatesByRule, keptByReason, marked, markedTotal, waiting, cleared, planned, plannedTotal, nextRemoval,
                removed, keptDetails, errors, failuresAtNextApp, outbox, lastDomain);
    }

    /** Every stale domain the scan found, removable or not. */
    public int candidates() {
        return candidatesByRule.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean done() {
        return phase == Phase.DONE;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The state as one invocation changes it. */
    public static final class Builder {
        private final String scanId;
        private final String startedAt;
        private boolean dryRun;
        private final int step;
        private Phase phase;
        private String lastApp;
        private int invocations;
        private int appsScanned;
        private int domainsExamined;
        private final Map<String, Integer> candidatesByRule;
        private final Map<String, Integer> keptByReason;
        private final List<Marked> marked;
        private int markedTotal;
        private int waiting;
        private int cleared;
        private final List<Planned> planned;
        private int plannedTotal;
        private int nextRemoval;
        private final List<Planned> removed;
        private final List<Kept> keptDetails;
        private final List<String> errors;
        private int failuresAtNextApp;
        private final List<DomainEvent> outbox;
        private String lastDomain;
        private String paused;

        private Builder(ScanState state) {
            scanId = state.scanId;
            startedAt = state.startedAt;
            dryRun = state.dryRun;
            step = state.step;
            phase = state.phase;
            lastApp = state.lastApp;
            invocations = state.invocations;
            appsScanned = state.appsScanned;
            domainsExamined = state.domainsExamined;
            candidatesByRule = new TreeMap<>(state.candidatesByRule);
            keptByReason = new TreeMap<>(state.keptByReason);
            marked = new ArrayList<>(state.marked);
            markedTotal = state.markedTotal;
            waiting = state.waiting;
            cleared = state.cleared;
            planned = new ArrayList<>(state.planned);
            plannedTotal = state.plannedTotal;
            nextRemoval = state.nextRemoval;
            removed = new ArrayList<>(state.removed);
            keptDetails = new ArrayList<>(state.keptDetails);
            errors = new ArrayList<>(state.errors);
            failuresAtNextApp = state.failuresAtNextApp;
            outbox = state.outbox;
            lastDomain = state.lastDomain;
        }

        public String scanId() {
            return scanId;
        }

        public boolean dryRun() {
            return dryRun;
        }

        public Phase phase() {
            return phase;
        }

        public String lastApp() {
            return lastApp;
        }

        public List<Planned> planned() {
            return List.copyOf(planned);
        }

        public int plannedTotal() {
            return plannedTotal;
        }

        public int nextRemoval() {
            return nextRemoval;
        }

        public Builder invocationStarted() {
            invocations++;
            return this;
        }

        /** The configuration says dry run now: whatever the scan started with, it removes nothing more. */
        public Builder dryRunFromNowOn() {
            dryRun = true;
            return this;
        }

        public Builder domainExamined(List<String> staleRules) {
            domainsExamined++;
            staleRules.forEach(rule -> candidatesByRule.merge(rule, 1, Integer::sum));
            return this;
        }

        public Builder mark(Marked first) {
            markedTotal++;
            if (marked.size() < MAX_DETAILS) {
                marked.add(first);
            }
            return this;
        }

        public Builder waiting() {
            waiting++;
            return this;
        }

        public Builder cleared() {
            cleared++;
            return this;
        }

        /** Counts a confirmed removal; keeps its details only up to {@code detailsUpTo} (more than any cap needs). */
        public Builder plan(Planned removal, int detailsUpTo) {
            if (planned.stream().anyMatch(p -> p.app().equals(removal.app()) && p.domainId().equals(removal.domainId()))) {
                return this; // the app scanned again after a failure part-way: one plan per domain
            }
            plannedTotal++;
            if (planned.size() <= detailsUpTo) {
                planned.add(removal);
            }
            return this;
        }

        public Builder appScanned(String app) {
            appsScanned++;
            return appDone(app);
        }

        /** The app after {@code lastApp} is looked at up to this domain (in name order): the rest of it comes next. */
        public Builder domainDone(String domain) {
            lastDomain = domain;
            return this;
        }

        public String lastDomain() {
            return lastDomain;
        }

        /** The scan moves past {@code app}, scanned or skipped. */
        public Builder appDone(String app) {
            lastApp = app;
            lastDomain = null;
            failuresAtNextApp = 0;
            return this;
        }

        /** @return how many attempts at the next app (or removal) have failed so far, this one included */
        public int failedAtNextApp() {
            return ++failuresAtNextApp;
        }

        /** Every app is scanned: what the caps allow is worked through next. */
        public Builder removing(List<Planned> allowed) {
            planned.clear();
            planned.addAll(allowed);
            nextRemoval = 0;
            phase = Phase.REMOVING;
            return this;
        }

        /** The planned removal at {@code nextRemoval} is settled (removed or kept). */
        public Builder removalSettled(boolean wasRemoved) {
            if (wasRemoved) {
                removed.add(planned.get(nextRemoval));
            }
            nextRemoval++;
            failuresAtNextApp = 0;
            return this;
        }

        public Builder finished() {
            phase = Phase.DONE;
            return this;
        }

        public Builder keep(String app, String domain, String reason) {
            keptByReason.merge(reason, 1, Integer::sum);
            if (keptDetails.size() < MAX_DETAILS) {
                keptDetails.add(new Kept(app, domain, reason));
            }
            return this;
        }

        /**
         * The scan cannot go on now, and should not be handed on at once (a removal whose outcome stays unknown
         * after its attempts): the next scheduled start takes the abandoned scan up again. Not saved.
         */
        public Builder pause(String why) {
            paused = why;
            return this;
        }

        public java.util.Optional<String> paused() {
            return java.util.Optional.ofNullable(paused);
        }

        public Builder error(String message) {
            if (errors.size() < MAX_DETAILS) {
                errors.add(message);
            }
            return this;
        }

        /** The state this invocation ends with: one step further than the one it started from. */
        public ScanState build() {
            return new ScanState(scanId, startedAt, dryRun, step + 1, phase, lastApp, invocations, appsScanned,
                    domainsExamined, candidatesByRule, keptByReason, marked, markedTotal, waiting, cleared, planned,
                    plannedTotal, nextRemoval, removed, keptDetails, errors, failuresAtNextApp, outbox, lastDomain);
        }
    }
}
