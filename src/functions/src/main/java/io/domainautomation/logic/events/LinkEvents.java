package io.domainautomation.logic.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.domainautomation.logic.port.Domain;

/** The events of link-on-signup, pure: a domain linked (or already linked), or a message rejected. */
public final class LinkEvents {

    public static final String DOMAIN_LINKED = "Domain Linked";
    public static final String DOMAIN_ALREADY_LINKED = "Domain Already Linked";
    public static final String DOMAIN_REJECTED = "Domain Rejected";

    private LinkEvents() {
    }

    /**
     * The id depends on the message and what it asks, not on the outcome: a message redelivered because its event
     * could not be published finds the domain already linked and publishes under the same id.
     */
    public static DomainEvent linked(boolean newlyLinked, String app, Domain domain, String appHost, String messageId,
            Optional<String> requestId) {
        String id = DomainEvent.stableId("link-on-signup", messageId, app, domain.name());
        Map<String, Object> detail = base(id, app, domain.name(), messageId, requestId);
        detail.put("canonical", domain.isCanonical());
        detail.put("letsencrypt", letsencrypt(domain));
        detail.put("dns", DnsInstructions.of(domain, appHost));
        return new DomainEvent(newlyLinked ? DOMAIN_LINKED : DOMAIN_ALREADY_LINKED, id, detail);
    }

    public static DomainEvent rejected(String app, String domain, String messageId, Optional<String> requestId, String field,
            String reason) {
        String id = DomainEvent.stableId("link-on-signup", messageId, "rejected");
        Map<String, Object> detail = base(id, app, domain, messageId, requestId);
        detail.put("field", field);
        detail.put("reason", reason);
        return new DomainEvent(DOMAIN_REJECTED, id, detail);
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
