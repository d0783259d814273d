package io.domainautomation.logic.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Whether a certificate serves a hostname, by the rules of RFC 6125 (DNS names of the SAN; wildcards). */
public final class HostnameMatch {

    private static final int DNS_NAME = 2;

    private HostnameMatch() {
    }

    /**
     * {@code *.example.com} covers {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}. A
     * domain that is itself a wildcard is covered only by the same wildcard.
     */
    public static boolean covers(String pattern, String hostname) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = hostname.toLowerCase(Locale.ROOT);
        if (p.equals(h)) {
            return true;
        }
        if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0 || h.startsWith("*.")) {
            return false;
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot).equals(p.substring(1));
    }

    /** The names the certificate is for: its SAN DNS names, or its CN only when it has none. */
    public static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException unreadable) {
            return names;
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException unreadable) {
                return names;
            }
        }
        return names;
    }

    public static boolean certificateCovers(X509Certificate certificate, String hostname) {
        return dnsNames(certificate).stream().anyMatch(name -> covers(name, hostname));
    }
}
