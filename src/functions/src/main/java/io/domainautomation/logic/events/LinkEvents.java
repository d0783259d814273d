package io.domainautomation.logic.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/** The events of link-on-signup, pure: a domain linked (or already linked), or a message rejected. */
public final class LinkEvents {

    public static final String DOMAIN_LINKED = "Domain Linked";
    public static final String DOMAIN_ALREADY_LINKED = "Domain Already Linked";
    public static final String DOMAIN_REJECTED = "Domain Rejected";
    public static final String VERIFICATION_REQUIRED = "Domain Verification Required";

    private LinkEvents() {
    }

    /**
     * {@code Domain Linked}: said once per link, by the request that made it. Its id names the request (the onboarding
     * system's {@code requestId}, else the message's body: the same whichever delivery, duplicate or redrive of it
     * says it) and the link (Scalingo's domain id, unique across apps: a name linked again is a new link; a rename of
     * the app changes nothing). {@code diagnosis}: what keeps the domain from reaching its app, or its certificate from
     * coming, told from DNS just after the link ({@code status.DnsCheck}'s diagnosis, each finding a code and a message).
     */
    public static DomainEvent linked(String requestKey, String app, Domain domain, String appHost,
            List<Map<String, Object>> diagnosis, String messageId, Optional<String> requestId) {
        String id = DomainEvent.stableId("link-on-signup", "linked", requestKey, domain.id());
        DomainEvent linked = withDns(new DomainEvent(DOMAIN_LINKED, id, base(id, app, domain.name(), messageId, requestId)),
                domain, appHost);
        linked.detail().put("diagnosis", diagnosis);
        return linked;
    }

    /** {@code Domain Already Linked}: a message found its domain linked by someone else; one id per message. */
    public static DomainEvent alreadyLinked(String app, Domain domain, String appHost, String messageId,
            Optional<String> requestId) {
        String id = DomainEvent.stableId("link-on-signup", messageId, app, domain.name());
        return withDns(new DomainEvent(DOMAIN_ALREADY_LINKED, id, base(id, app, domain.name(), messageId, requestId)), domain,
                appHost);
    }

    private static DomainEvent withDns(DomainEvent event, Domain domain, String appHost) {
        Map<String, Object> detail = event.detail();
        detail.put("canonical", domain.isCanonical());
        detail.put("letsencrypt", letsencrypt(domain));
        detail.put("dns", DnsInstructions.of(domain, appHost));
        return event;
    }

    public static DomainEvent rejected(String app, String domain, String messageId, Optional<String> requestId, String field,
            String reason) {
        String id = DomainEvent.stableId("link-on-signup", messageId, "rejected");
        Map<String, Object> detail = base(id, app, domain, messageId, requestId);
        detail.put("field", field);
        detail.put("reason", reason);
        return new DomainEvent(DOMAIN_REJECTED, id, detail);
    }

    /**
     * {@code Domain Rejected} for a request whose name was not proven the customer's in time, with {@code code}
     * {@value RejectionCodes#OWNERSHIP_NOT_PROVEN}.
     */
    public static DomainEvent notProven(String app, String domain, String messageId, Optional<String> requestId,
            String reason) {
        DomainEvent rejected = rejected(app, domain, messageId, requestId, "domain", reason);
        rejected.detail().put("code", RejectionCodes.OWNERSHIP_NOT_PROVEN);
        return rejected;
    }

    /**
     * {@code Domain Verification Required}: the TXT record that proves the name the customer's (or the CNAME to the
     * app's host that proves it as well), with every record to set; once per window of the request (its id names the
     * app, the name and the window's start, whichever delivery says it).
     */
    public static DomainEvent verificationRequired(String appId, String app, String domain, String appHost,
            String verificationName, String verificationValue, java.time.Instant since, java.time.Instant until,
            String messageId, Optional<String> requestId) {
        String id = DomainEvent.stableId("link-on-signup", "verification", appId, domain, since.toString());
        Map<String, Object> detail = base(id, app, domain, messageId, requestId);
        Map<String, Object> verification = new LinkedHashMap<>();
        verification.put("type", "TXT");
        verification.put("name", verificationName);
        verification.put("value", verificationValue);
        verification.put("expiresAt", until.toString());
        Map<String, Object> dns = DnsInstructions.forName(domain, appHost);
        if (!"apex".equals(dns.get("kind"))) { // an apex has no CNAME: its addresses, shared by every app, prove nothing
            verification.put("alternative", "or point " + domain + " at " + appHost + " with a CNAME record: it proves the"
                    + " name yours as well");
        }
        detail.put("verification", verification);
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> records = (java.util.List<Map<String, Object>>) dns.get("records");
        records.add(0, DnsInstructions.record("TXT", verificationName, verificationValue));
        detail.put("dns", dns);
        return new DomainEvent(VERIFICATION_REQUIRED, id, detail);
    }

    private static Map<String, Object> letsencrypt(Domain domain) {
        Map<String, Object> letsencrypt = new LinkedHashMap<>();
        letsencrypt.put("enabled", !Boolean.FALSE.equals(domain.letsencryptEnabled()));
        letsencrypt.put("status", domain.letsencryptStatus());
        return letsencrypt;
    }

    static Map<String, Object> base(String id, String app, String domain, String messageId, Optional<String> requestId) {
        Map<String, Object> correlation = new LinkedHashMap<>();
        correlation.put("sqsMessageId", messageId);
        requestId.ifPresent(r -> correlation.put("requestId", r));
        return DomainEvent.detail(id, app, domain, correlation);
    }
}
