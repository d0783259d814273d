package io.domainautomation.logic.rotation;

import java.security.cert.X509Certificate;
import java.util.List;

import io.domainautomation.logic.port.CertificateStore.ManagedSecret;
import io.domainautomation.logic.port.CertificateStore.Material;
import io.domainautomation.logic.port.Domain;
import io.domainautomation.logic.tls.CertificateIdentity;

/** One secret's checked certificate, claiming one linked domain of its app. {@code toString} never prints the key. */
record Candidate(ManagedSecret secret, String app, Domain domain, List<X509Certificate> chain, Material material,
        CertificateIdentity identity, ConflictResolution.Claim claim) {

    String sha256() {
        return identity.sha256();
    }

    @Override
    public String toString() {
        return "Candidate[secret=" + secret.name() + ", app=" + app + ", domain=" + domain.name() + ", certificate="
                + identity + "]";
    }
}
