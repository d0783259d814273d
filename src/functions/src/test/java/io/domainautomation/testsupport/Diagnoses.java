package io.domainautomation.testsupport;

import java.util.List;
import java.util.Map;

import io.domainautomation.fakes.ScriptedDns;

/**
 * The DNS diagnosis an event's detail carries ({@code Domain Linked}, {@code Domain Validation Stuck}), as tests read
 * it, and the misconfiguration they script with what it must say, written out by hand.
 */
public final class Diagnoses {

    /** What {@link #misconfigure} must be diagnosed as, for the app {@code shop} (its host shop.osc-fr1.scalingo.io). */
    public static final List<Map<String, Object>> MISCONFIGURED = List.of(
            Map.of("code", "cname-elsewhere", "message", "www.acme.example is a CNAME to acme-old.otherhost.example, not to"
                    + " shop.osc-fr1.scalingo.io: change its target to shop.osc-fr1.scalingo.io"),
            Map.of("code", "caa-forbids-letsencrypt", "message", "the CAA records at acme.example allow digicert.com, not"
                    + " Let's Encrypt: add a CAA record acme.example issue \"letsencrypt.org\""));

    /** What a diagnosis of www.acme.example says when too little time was left to ask DNS. */
    public static final List<Map<String, Object>> NOT_ASKED_IN_TIME = List.of(Map.of("code", "resolver-failed", "message",
            "DNS was not asked about www.acme.example (too little of the invocation's time was left to ask DNS): nothing"
                    + " could be checked"));

    private Diagnoses() {
    }

    /**
     * www.acme.example left where the customer's old host served it (a CNAME to another host), and CAA records at
     * acme.example that allow another authority only.
     */
    public static void misconfigure(ScriptedDns dns) {
        dns.cname("www.acme.example", "acme-old.otherhost.example").address("acme-old.otherhost.example", "52.1.2.3")
                .caa("acme.example", List.of("digicert.com"), List.of());
    }

    /** Its findings, each a {@code code} and a {@code message}. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> of(Map<String, Object> detail) {
        return (List<Map<String, Object>>) detail.get("diagnosis");
    }

    /** Its findings' codes, in order. */
    public static List<Object> codes(Map<String, Object> detail) {
        return of(detail).stream().map(finding -> finding.get("code")).toList();
    }
}
