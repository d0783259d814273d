package io.domainautomation.logic.status;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.ownership.OwnershipConfig;
import io.domainautomation.logic.ownership.ProofChallenge;
import io.domainautomation.logic.ownership.ProofRecord;

/** domain-status's {@code ownershipProof} and its {@code ownership-proof-pending} finding, pure. */
final class OwnershipStatus {

    static final String PENDING = "ownership-proof-pending";

    private OwnershipStatus() {
    }

    /**
     * @param record the proof on record (empty: none asked for the name by this app)
     * @return {@code mode}, and with {@code txt}: {@code state} (not-requested, pending, expired, proven, withdrawn), the
     *         TXT record to set while it is awaited, and the times of each step
     */
    static Map<String, Object> of(OwnershipConfig.Mode mode, Optional<ProofRecord> record, Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        if (mode == OwnershipConfig.Mode.NONE) {
            return status;
        }
        if (record.isEmpty()) {
            status.put("state", "not-requested");
            return status;
        }
        ProofRecord proof = record.get();
        status.put("state", state(proof, now));
        status.put("since", proof.since().toString());
        switch (proof.state()) {
            case PROVEN -> {
                status.put("provenAt", proof.provenAt().map(Instant::toString).orElse(null));
                status.put("provenBy", proof.provenBy().orElse(null));
            }
            case WITHDRAWN -> status.put("withdrawnAt", proof.withdrawnAt().map(Instant::toString).orElse(null));
            case PENDING -> {
                status.put("expiresAt", proof.windowEnds().toString());
                Map<String, Object> verification = new LinkedHashMap<>();
                verification.put("type", "TXT");
                verification.put("name", ProofChallenge.name(proof.domain()));
                verification.put("value", ProofChallenge.value(proof.token()));
                status.put("verification", verification);
            }
        }
        return status;
    }

    /** A request waiting for its proof (or whose window ran out) and a name not linked: what holds it back. */
    static Optional<DnsDiagnosis.Finding> finding(Optional<ProofRecord> record, boolean linked, String appHost, Instant now) {
        if (linked || record.isEmpty() || record.get().state() != ProofRecord.State.PENDING) {
            return Optional.empty();
        }
        ProofRecord proof = record.get();
        String set = "a TXT record " + ProofChallenge.name(proof.domain()) + " with the value "
                + ProofChallenge.value(proof.token()) + (proof.domain().split("\\.").length > 2 || proof.domain().startsWith("*.")
                        ? " (or a CNAME to " + appHost + ")" : "");
        String message = proof.isExpired(now)
                ? "The name was not proven yours by " + proof.windowEnds() + ", so it was not linked: set " + set
                        + " and send the onboarding message again."
                : "The name is linked once it is proven yours: set " + set + " before " + proof.windowEnds() + ".";
        return Optional.of(new DnsDiagnosis.Finding(PENDING, message));
    }

    private static String state(ProofRecord proof, Instant now) {
        return switch (proof.state()) {
            case PROVEN -> "proven";
            case WITHDRAWN -> "withdrawn";
            case PENDING -> proof.isExpired(now) ? "expired" : "pending";
        };
    }
}
