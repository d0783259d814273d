package io.domainautomation.logic.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.domainautomation.logic.port.Domain;

/** Whether a certificate is uploaded: by fingerprint against the ledger, and by what Scalingo reports against it. */
class UploadDecisionTest {

    private static final Instant NOT_AFTER = Instant.parse("2026-09-01T12:00:00Z");
    private static final DeploymentLedger.Deployed DEPLOYED = new DeploymentLedger.Deployed("shop", "www.acme.example",
            "aa11", "certs/shop", "v1", Instant.parse("2026-06-01T00:00:00Z"), "CN=www.acme.example", NOT_AFTER, "RSA 2048",
            true, null, true, false);
    /** The intent recorded before an upload whose answer never came: the certificate's own subject and expiry. */
    private static final DeploymentLedger.Deployed INTENT = new DeploymentLedger.Deployed("shop", "www.acme.example",
            "aa11", "certs/shop", "v1", Instant.parse("2026-06-01T00:00:00Z"), "CN=www.acme.example", NOT_AFTER, null,
            false, null, false, true);
    private static final DeploymentLedger.Deployed UNVERIFIABLE_INTENT = new DeploymentLedger.Deployed("shop",
            "www.acme.example", "aa11", "certs/shop", "v1", Instant.parse("2026-06-01T00:00:00Z"), "CN=www.acme.example",
            NOT_AFTER, null, false, null, false, false);

    private static Domain carrying(String subject, Instant notAfter, String key) {
        return new Domain("d1", "a1", "www.acme.example", OffsetDateTime.parse("2026-01-01T00:00:00Z"), subject, key,
                subject != null, null, notAfter == null ? null : OffsetDateTime.ofInstant(notAfter, ZoneOffset.UTC), false,
                true, true, "created", null, null, null, null);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("nothing on record", "aa11", Optional.empty(), carrying(null, null, null), true,
                        "no deployment of this certificate on record"),
                Arguments.of("another certificate in the secret", "bb22", Optional.of(DEPLOYED),
                        carrying("CN=www.acme.example", NOT_AFTER, "RSA 2048"), true, "the secret holds another certificate"),
                Arguments.of("changed by hand: subject", "aa11", Optional.of(DEPLOYED),
                        carrying("CN=other", NOT_AFTER, "RSA 2048"), true, "the domain's certificate was changed"),
                Arguments.of("changed by hand: key", "aa11", Optional.of(DEPLOYED),
                        carrying("CN=www.acme.example", NOT_AFTER, "EC 256"), true, "the domain's certificate was changed"),
                Arguments.of("removed by hand", "aa11", Optional.of(DEPLOYED), carrying(null, null, null), true,
                        "the domain's certificate was changed"),
                Arguments.of("expiry equal to the second", "aa11", Optional.of(DEPLOYED),
                        carrying("CN=www.acme.example", NOT_AFTER.plusMillis(400), "RSA 2048"), false, "deployed on"),
                Arguments.of("as deployed", "aa11", Optional.of(DEPLOYED),
                        carrying("CN=www.acme.example", NOT_AFTER, "RSA 2048"), false, "deployed on"),
                Arguments.of("on record before Scalingo answered with its key", "aa11", Optional.of(INTENT),
                        carrying("CN=www.acme.example", NOT_AFTER, "EC 256"), false, "deployed on"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String row, String sha256, Optional<DeploymentLedger.Deployed> recorded, Domain domain, boolean upload,
            String reasonStart) {
        UploadDecision decision = UploadDecision.decide(sha256, recorded, domain);
        assertEquals(upload, decision.upload(), row);
        assertTrue(decision.reason().startsWith(reasonStart), row + ": " + decision.reason());
    }

    static Stream<Arguments> intents() {
        return Stream.of(
                Arguments.of("Scalingo reports its subject and expiry now, not before: applied", INTENT,
                        carrying("CN=www.acme.example", NOT_AFTER, "RSA 2048"), true),
                Arguments.of("Scalingo reports the certificate before it: not applied", INTENT,
                        carrying("CN=previous", NOT_AFTER.minusSeconds(86_400), "RSA 2048"), false),
                Arguments.of("no custom certificate: not applied", INTENT, carrying(null, null, null), false),
                Arguments.of("a re-key (same subject and expiry before it): cannot be told", UNVERIFIABLE_INTENT,
                        carrying("CN=www.acme.example", NOT_AFTER, "RSA 2048"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intents")
    void anUploadWhoseAnswerNeverCameIsAppliedOnlyWhenScalingoShowsIt(String row, DeploymentLedger.Deployed intent,
            Domain domain, boolean applied) {
        assertEquals(applied, UploadDecision.applied(intent, domain), row);
    }
}
