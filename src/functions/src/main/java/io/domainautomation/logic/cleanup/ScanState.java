package io.domainautomation.logic.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where a cleanup scan stands, immutable; passed from one invocation to the next as the cursor, and reported. Apps
 * are scanned in name order, so {@code lastApp} says exactly where to resume, whatever apps appear or go meanwhile.
 * An invocation works on a {@link Builder} and ends with a new state.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScanState(String scanId, String startedAt, boolean dryRun, String lastApp, int invocations,
        int appsScanned, int domainsExamined, Map<String, Integer> candidatesByRule, Map<String, Integer> keptByReason,
        List<Planned> planned, int plannedTotal, List<Kept> keptDetails, List<String> errors, int failuresAtNextApp) {

    /** One domain the scan plans to remove, with the rules that made it stale and its app's platform host. */
    public record Planned(String app, String appHost, String domainId, String domain, List<String> rules) {
    }

    /** One domain kept although stale, with why. */
    public record Kept(String app, String domain, String reason) {
    }

    public static final int MAX_DETAILS = 200;

    public ScanState {
        candidatesByRule = candidatesByRule == null ? Map.of() : Map.copyOf(candidatesByRule);
        keptByReason = keptByReason == null ? Map.of() : Map.copyOf(keptByReason);
        planned = planned == null ? List.of() : List.copyOf(planned);
        keptDetails = keptDetails == null ? List.of() : List.copyOf(keptDetails);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ScanState start(String scanId, String startedAt, boolean dryRun) {
        return new ScanState(scanId, startedAt, dryRun, null, 0, 0, 0, null, null, null, 0, null, null, 0);
    }

    /** Every stale domain the scan found, removable or not. */
    public int candidates() {
        return candidatesByRule.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The state as one invocation changes it. */
    public static final class Builder {
        private final String scanId;
        private final String startedAt;
        private final boolean dryRun;
        private String lastApp;
        private int invocations;
        private int appsScanned;
        private int domainsExamined;
        private final Map<String, Integer> candidatesByRule;
        private final Map<String, Integer> keptByReason;
        private final List<Planned> planned;
        private int plannedTotal;
        private final List<Kept> keptDetails;
        private final List<String> errors;
        private int failuresAtNextApp;

        private Builder(ScanState state) {
            scanId = state.scanId;
            startedAt = state.startedAt;
            dryRun = state.dryRun;
            lastApp = state.lastApp;
            invocations = state.invocations;
            appsScanned = state.appsScanned;
            domainsExamined = state.domainsExamined;
            candidatesByRule = new TreeMap<>(state.candidatesByRule);
            keptByReason = new TreeMap<>(state.keptByReason);
            planned = new ArrayList<>(state.planned);
            plannedTotal = state.plannedTotal;
            keptDetails = new ArrayList<>(state.keptDetails);
            errors = new ArrayList<>(state.errors);
            failuresAtNextApp = state.failuresAtNextApp;
        }

        public boolean dryRun() {
            return dryRun;
        }

        public List<Planned> planned() {
            return List.copyOf(planned);
        }

        public int plannedTotal() {
            return plannedTotal;
        }

        public Builder invocationStarted() {
            invocations++;
            return this;
        }

        public Builder domainExamined(List<String> staleRules) {
            domainsExamined++;
            staleRules.forEach(rule -> candidatesByRule.merge(rule, 1, Integer::sum));
            return this;
        }

        /** Counts a planned removal; keeps its details only up to {@code detailsUpTo} (more than any cap needs). */
        public Builder plan(Planned removal, int detailsUpTo) {
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

        /** The scan moves past {@code app}, scanned or skipped. */
        public Builder appDone(String app) {
            lastApp = app;
            failuresAtNextApp = 0;
            return this;
        }

        /** @return how many attempts at the next app have failed so far, this one included */
        public int failedAtNextApp() {
            return ++failuresAtNextApp;
        }

        public Builder keep(String app, String domain, String reason) {
            keptByReason.merge(reason, 1, Integer::sum);
            if (keptDetails.size() < MAX_DETAILS) {
                keptDetails.add(new Kept(app, domain, reason));
            }
            return this;
        }

        public Builder error(String message) {
            if (errors.size() < MAX_DETAILS) {
                errors.add(message);
            }
            return this;
        }

        public ScanState build() {
            return new ScanState(scanId, startedAt, dryRun, lastApp, invocations, appsScanned, domainsExamined,
                    candidatesByRule, keptByReason, planned, plannedTotal, keptDetails, errors, failuresAtNextApp);
        }
    }
}
