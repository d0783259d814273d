package io.domainautomation.logic.port;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A custom domain of an app, as the Scalingo API returns it. {@code tlscert} is the certificate's subject and
 * {@code tlskey} its key type and length (never key material). {@code letsencryptStatus} is an open set: unknown
 * values are kept as they are.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Domain(
        String id,
        @JsonProperty("app_id") String appId,
        String name,
        @JsonProperty("created_at") OffsetDateTime createdAt,
        String tlscert,
        String tlskey,
        Boolean ssl,
        @JsonProperty("ssl_status") String sslStatus,
        OffsetDateTime validity,
        Boolean canonical,
        @JsonProperty("letsencrypt_enabled") Boolean letsencryptEnabled,
        Boolean letsencrypt,
        @JsonProperty("letsencrypt_status") String letsencryptStatus,
        @JsonProperty("acme_dns_fqdn") String acmeDnsFqdn,
        @JsonProperty("acme_dns_value") String acmeDnsValue,
        @JsonProperty("acme_dns_error") JsonNode acmeDnsError,
        @JsonProperty("acme_challenge_error") JsonNode acmeChallengeError) {

    /** The domain of that name among an app's domains; names compare without regard to case, as DNS does. */
    public static Optional<Domain> named(List<Domain> domains, String name) {
        return domains.stream().filter(d -> name.equalsIgnoreCase(d.name())).findFirst();
    }

    public boolean isCanonical() {
        return Boolean.TRUE.equals(canonical);
    }

    public boolean hasCustomCertificate() {
        return Boolean.TRUE.equals(ssl);
    }
}
