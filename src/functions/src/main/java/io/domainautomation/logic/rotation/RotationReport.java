package io.domainautomation.logic.rotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.domainautomation.logic.tls.CertificateIdentity;

/** What a rotation run did, per domain. Names certificates by subject, serial and fingerprint; never keys. */
public record RotationReport(String trigger, boolean dryRun, List<Entry> entries) {

    public enum Outcome {
        ROTATED("rotated"), WOULD_ROTATE("would-rotate"), UNCHANGED("unchanged"), REJECTED("rejected"),
        FAILED("failed"), NOT_LINKED("not-linked");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return label;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String secret, String app, String domain, Outcome outcome, String check, String reason,
            CertificateIdentity certificate, Long daysToExpiry) {
    }

    public RotationReport(String trigger, boolean dryRun) {
        this(trigger, dryRun, new ArrayList<>());
    }

    public void add(Entry entry) {
        entries.add(entry);
    }

    public Map<String, Integer> totals() {
        Map<String, Integer> totals = new TreeMap<>();
        entries.forEach(e -> totals.merge(e.outcome().label(), 1, Integer::sum));
        return totals;
    }

    public boolean hasProblems() {
        return entries.stream().anyMatch(e -> e.outcome() == Outcome.REJECTED || e.outcome() == Outcome.FAILED);
    }
}
