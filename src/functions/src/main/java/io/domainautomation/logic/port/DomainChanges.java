package io.domainautomation.logic.port;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The writable fields of a domain, for link (POST) and update (PATCH). Absent fields are omitted from the request,
 * never sent as null. {@code toString} never prints the private key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DomainChanges(
        String name,
        String tlscert,
        String tlskey,
        Boolean canonical,
        @JsonProperty("letsencrypt_enabled") Boolean letsencryptEnabled) {

    public static DomainChanges link(String name, Boolean canonical, Boolean letsencryptEnabled) {
        return new DomainChanges(name, null, null, canonical, letsencryptEnabled);
    }

    public static DomainChanges canonical(boolean canonical) {
        return new DomainChanges(null, null, null, canonical, null);
    }

    public static DomainChanges certificate(String certificateChainPem, String privateKeyPem) {
        return new DomainChanges(null, certificateChainPem, privateKeyPem, null, null);
    }

    /** Scalingo removes a custom certificate when both fields are sent as empty strings. */
    public static DomainChanges removeCertificate() {
        return new DomainChanges(null, "", "", null, null);
    }

    public static DomainChanges letsencrypt(boolean enabled) {
        return new DomainChanges(null, null, null, null, enabled);
    }

    public DomainChanges withCertificate(String certificateChainPem, String privateKeyPem) {
        return new DomainChanges(name, certificateChainPem, privateKeyPem, canonical, letsencryptEnabled);
    }

    @Override
    public String toString() {
        return "DomainChanges[name=" + name + ", tlscert=" + (tlscert == null ? null : "<" + tlscert.length() + " chars>")
                + ", tlskey=" + (tlskey == null ? null : "<redacted>") + ", canonical=" + canonical
                + ", letsencryptEnabled=" + letsencryptEnabled + "]";
    }
}
