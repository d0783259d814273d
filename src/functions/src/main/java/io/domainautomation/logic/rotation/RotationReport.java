package io.domainautomation.logic.rotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import io.domainautomation.logic.events.Notice;
import io.domainautomation.logic.tls.CertificateIdentity;

/**
 * What a rotation run did, per domain, immutable. Names certificates by subject, serial and fingerprint; never keys.
 */
public record RotationReport(String trigger, boolean dryRun, List<Entry> entries,
        @JsonInclude(JsonInclude.Include.NON_NULL) String continueAfter, @JsonIgnore List<Notice> notices,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Map<String, Object>> eventsUnpublished,
        @JsonIgnore boolean listedAll, @JsonIgnore Map<String, DeploymentLedger.Deployed> unannounced) {

    public enum Outcome {
        ROTATED("rotated"), WOULD_ROTATE("would-rotate"), UNCHANGED("unchanged"), REJECTED("rejected"),
        FAILED("failed"), NOT_LINKED("not-linked"), CONFLICT("conflict");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String secret, String app, String domain, Outcome outcome, String check, String reason,
            CertificateIdentity certificate, Long daysToExpiry) {

        /** An entry about no particular certificate (yet): the secret could not be read, listed or checked. */
        public static Entry of(String secret, String app, String domain, Outcome outcome, String check, String reason) {
            return new Entry(secret, app, domain, outcome, check, reason, null, null);
        }

        /** The same entry, naming the certificate and the days the domain's current one has left. */
        public Entry about(CertificateIdentity identity, Long days) {
            return new Entry(secret, app, domain, outcome, check, reason, identity, days);
        }
    }

    public RotationReport {
        entries = List.copyOf(entries);
        notices = List.copyOf(notices);
        eventsUnpublished = List.copyOf(eventsUnpublished);
        unannounced = Map.copyOf(unannounced);
    }

    /** The same report, saying which of its events could not be published. */
    public RotationReport withEventsUnpublished(List<Map<String, Object>> unpublished) {
        return new RotationReport(trigger, dryRun, entries, continueAfter, notices, unpublished, listedAll, unannounced);
    }

    public static Builder builder(String trigger, boolean dryRun) {
        return new Builder(trigger, dryRun);
    }

    public Map<String, Integer> totals() {
        Map<String, Integer> totals = new TreeMap<>();
        entries.forEach(e -> totals.merge(e.outcome().label(), 1, Integer::sum));
        return totals;
    }

    public boolean hasProblems() {
        return entries.stream().anyMatch(e -> e.outcome() == Outcome.REJECTED || e.outcome() == Outcome.FAILED);
    }

    /** Entries as a run finds them. */
    public static final class Builder {
        private final String trigger;
        private final boolean dryRun;
        private final List<Entry> entries = new ArrayList<>();
        private final List<Notice> notices = new ArrayList<>();
        private final Map<String, DeploymentLedger.Deployed> unannounced = new java.util.LinkedHashMap<>();
        private String continueAfter;
        private boolean listedAll;

        private Builder(String trigger, boolean dryRun) {
            this.trigger = trigger;
            this.dryRun = dryRun;
        }

        public Builder add(Entry entry) {
            entries.add(entry);
            return this;
        }

        /** An event for the systems around, published after the run (see RotationAnnouncements). */
        public Builder notice(Notice notice) {
            notices.add(notice);
            return this;
        }

        /**
         * A deployment's {@code Certificate Rotated}: recorded in the ledger as not announced yet, and marked announced
         * once published (a run that ends between the two announces it again, under the same id).
         */
        public Builder rotated(Notice notice, DeploymentLedger.Deployed deployed) {
            notices.add(notice);
            unannounced.put(notice.event().eventId(), deployed);
            return this;
        }

        /** Everything of another report's, to build on it. */
        public Builder from(RotationReport report) {
            entries.addAll(report.entries());
            notices.addAll(report.notices());
            unannounced.putAll(report.unannounced());
            continueAfter = report.continueAfter();
            listedAll = report.listedAll();
            return this;
        }

        /** The run stopped for its time budget: the next invocation goes on with the apps after this one. */
        public Builder continueAfter(String app) {
            continueAfter = app;
            return this;
        }

        /** The run listed every managed secret (a run over all of them whose listing succeeded). */
        public Builder listedAll() {
            listedAll = true;
            return this;
        }

        public RotationReport build() {
            return new RotationReport(trigger, dryRun, entries, continueAfter, notices, List.of(), listedAll, unannounced);
        }
    }
}
