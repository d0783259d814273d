package io.domainautomation.logic.status;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsAnswer;

/**
 * Why a customer's domain does not reach its app, or will not get a Let's Encrypt certificate, told from what DNS
 * answers: each finding a code and a sentence saying what to change. Pure: the lookups are made by the caller (the
 * DNS adapter), so every rule is table-tested here. The reasons are those the platforms' own help pages give for
 * certificates that never issue: no record, a CNAME to another target, an apex not pointed at the platform, an
 * address or an AAAA record elsewhere, a CAA record that does not allow Let's Encrypt, a CDN in front.
 */
public final class DnsDiagnosis {

    /** One finding: a stable code for programs, a sentence for people. */
    public record Finding(String code, String message) {
    }

    public static final String RESOLVER_FAILED = "resolver-failed";
    public static final String RECORD_MISSING = "record-missing";
    public static final String CNAME_ELSEWHERE = "cname-elsewhere";
    public static final String APEX_NOT_POINTED = "apex-not-pointed";
    public static final String ADDRESS_ELSEWHERE = "address-elsewhere";
    public static final String AAAA_ELSEWHERE = "aaaa-elsewhere";
    public static final String CAA_FORBIDS_LETSENCRYPT = "caa-forbids-letsencrypt";
    public static final String CDN_PROXIED = "cdn-proxied";

    /** Let's Encrypt's CAA identifier. */
    static final String LETSENCRYPT = "letsencrypt.org";

    /** Where the big CDNs' edges answer: a CNAME into one of these is a CDN in front. */
    private static final List<String> CDN_HOSTS = List.of("cdn.cloudflare.net", "cloudfront.net", "fastly.net", "fastlylb.net",
            "akamaiedge.net", "edgekey.net", "edgesuite.net", "azureedge.net", "azurefd.net", "b-cdn.net");

    /** Cloudflare's published edge ranges (cloudflare.com/ips): an address in one is a proxied record. */
    private static final List<String> CLOUDFLARE = List.of("173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22",
            "103.31.4.0/22", "141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22",
            "198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
            "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32", "2a06:98c0::/29",
            "2c0f:f248::/32");

    private DnsDiagnosis() {
    }

    /**
     * @param domain the domain as linked (ASCII; a wildcard's own name, {@code *.example.com})
     * @param answer what the domain (for a wildcard, one name it covers) resolves to
     * @param appHost the app's host on the platform ({@code <app>.<region>.scalingo.io})
     * @param platform what the app's host resolves to
     * @param caa the CAA records governing the domain
     * @param letsencrypt whether the domain waits for (or renews) a Let's Encrypt certificate
     * @return the findings, most blocking first; empty when DNS points at the app and nothing forbids its certificate
     */
    public static List<Finding> diagnose(String domain, DnsAnswer answer, String appHost, DnsAnswer platform, CaaAnswer caa,
            boolean letsencrypt) {
        List<Finding> findings = new ArrayList<>();
        if (answer.failed()) {
            findings.add(new Finding(RESOLVER_FAILED, "the resolver gave no answer for " + domain
                    + " (a timeout or a server failure): nothing could be checked; try again"));
            return findings;
        }
        if (platform.failed() || platform.addresses().isEmpty()) {
            // without the platform's addresses, no address can be told the platform's or not
            findings.add(new Finding(RESOLVER_FAILED, "the resolver gave no address for the app's host " + appHost
                    + ": where " + domain + " points could not be compared with it; try again"));
            return findings;
        }
        String host = strip(appHost);
        boolean wildcard = domain.startsWith("*.");
        boolean apex = !wildcard && domain.split("\\.").length == 2;
        // the names the lookup went through, less the name itself (and a wildcard's probe): its CNAME targets
        String bare = strip(wildcard ? domain.substring(2) : domain);
        List<String> chain = answer.cnameChain().stream().map(DnsDiagnosis::strip)
                .filter(n -> !n.equals(bare) && !(wildcard && isChildOf(n, bare))).toList();
        boolean viaAppHost = chain.contains(host);
        Optional<String> cdn = cdn(chain, answer.addresses());
        if (chain.isEmpty() && answer.addresses().isEmpty() && !answer.danglingTargets().isEmpty()
                && !answer.danglingTargets().contains(host)) {
            findings.add(new Finding(CNAME_ELSEWHERE, domain + " is a CNAME to " + answer.danglingTargets().get(0)
                    + ", which does not resolve: change its target to " + host));
        } else if (chain.isEmpty() && answer.addresses().isEmpty()) {
            findings.add(new Finding(RECORD_MISSING, domain + " has no CNAME, A or AAAA record: " + (apex
                    ? "set an ALIAS or ANAME record to " + host + " (an apex cannot have a CNAME)"
                    : "set a CNAME record to " + host)));
        } else if (cdn.isPresent()) {
            findings.add(new Finding(CDN_PROXIED, domain + " is served through a CDN (" + cdn.get() + "): the CDN, not the"
                    + " platform, answers its visitors and Let's Encrypt's challenge; point it at " + host + " directly (DNS"
                    + " only), or give the CDN its own certificate and the platform's host as its origin"));
        } else if (!viaAppHost && !chain.isEmpty() && !pointsAtPlatform(answer.addresses(), platform)) {
            findings.add(new Finding(CNAME_ELSEWHERE, domain + " is a CNAME to " + chain.get(0) + ", not to " + host
                    + ": change its target to " + host));
        } else if (!viaAppHost && chain.isEmpty()) {
            Set<InetAddress> v4 = only(answer.addresses(), Inet4Address.class);
            if (!v4.isEmpty() && !pointsAtPlatform(v4, platform)) {
                findings.add(new Finding(apex ? APEX_NOT_POINTED : ADDRESS_ELSEWHERE, domain + " points at " + shown(v4)
                        + ", not at the platform (" + shown(only(platform.addresses(), Inet4Address.class)) + "): " + (apex
                                ? "set an ALIAS or ANAME record to " + host + " where your DNS provider offers one, or A"
                                        + " records to the platform's addresses"
                                : "replace the A records by a CNAME to " + host)));
            }
        }
        Set<InetAddress> v6 = only(answer.addresses(), Inet6Address.class);
        Set<InetAddress> platformV6 = only(platform.addresses(), Inet6Address.class);
        // through the app's host, the AAAA records are the platform's own (two queries may return different subsets)
        if (cdn.isEmpty() && !viaAppHost && !v6.isEmpty() && java.util.Collections.disjoint(platformV6, v6)) {
            findings.add(new Finding(AAAA_ELSEWHERE, domain + " has AAAA records (" + shown(v6) + ") that are not the"
                    + " platform's: IPv6 visitors, and Let's Encrypt, which prefers IPv6, reach another host; remove them"
                    + (platformV6.isEmpty() ? "" : " or point them at " + shown(platformV6))));
        }
        // RFC 8659: without an issue (issuewild) property any authority may issue; an empty value (";") names none
        List<String> issuers = caa.issuers(wildcard);
        List<String> named = issuers.stream().filter(i -> !i.isEmpty()).toList();
        if (letsencrypt && !caa.failed() && caa.at().isPresent() && !issuers.isEmpty()
                && issuers.stream().noneMatch(LETSENCRYPT::equals)) {
            findings.add(new Finding(CAA_FORBIDS_LETSENCRYPT, "the CAA records at " + caa.at().get() + " allow "
                    + (named.isEmpty() ? "no certificate authority" : firstFew(named))
                    + (wildcard ? " to issue wildcard certificates" : "") + ", not Let's Encrypt: add a CAA record "
                    + caa.at().get() + " " + (wildcard ? "issuewild" : "issue") + " \"" + LETSENCRYPT + "\""));
        }
        if (letsencrypt && caa.failed()) {
            findings.add(new Finding(RESOLVER_FAILED, "the CAA records of " + domain + " could not be looked up (a timeout"
                    + " or a server failure): Let's Encrypt refuses to issue while they cannot be read"));
        }
        return findings;
    }

    /** One label under {@code parent}: the name a wildcard is probed through. */
    private static boolean isChildOf(String name, String parent) {
        return name.endsWith("." + parent) && name.indexOf('.') == name.length() - parent.length() - 1;
    }

    /** Some of the addresses are the platform's (an ALIAS flattened, or round robin, may return another subset). */
    private static boolean pointsAtPlatform(Set<InetAddress> addresses, DnsAnswer platform) {
        return !java.util.Collections.disjoint(platform.addresses(), addresses);
    }

    private static Optional<String> cdn(List<String> chain, Set<InetAddress> addresses) {
        for (String name : chain) {
            for (String edge : CDN_HOSTS) {
                if (name.equals(edge) || name.endsWith("." + edge)) {
                    return Optional.of(name);
                }
            }
        }
        for (InetAddress address : addresses) {
            if (CLOUDFLARE.stream().anyMatch(range -> within(address, range))) {
                return Optional.of("Cloudflare, " + shown(Set.of(address)));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code address} is in the CIDR block {@code range} (of its own family). */
    static boolean within(InetAddress address, String range) {
        String[] parts = range.split("/");
        byte[] network;
        try {
            network = InetAddress.getByName(parts[0]).getAddress();
        } catch (UnknownHostException literal) {
            throw new IllegalArgumentException(range, literal);
        }
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int bits = Integer.parseInt(parts[1]);
        for (int i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((bytes[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static Set<InetAddress> only(Set<InetAddress> addresses, Class<? extends InetAddress> family) {
        return addresses.stream().filter(family::isInstance).collect(Collectors.toSet());
    }

    /** Addresses as people write them, in a stable order (IPv6 compressed, RFC 5952). */
    static String shown(Set<InetAddress> addresses) {
        return firstFew(addresses.stream().map(DnsDiagnosis::shown).sorted(Comparator.naturalOrder()).toList());
    }

    /** At most {@value #LISTED} items, then how many more: a customer's DNS may hold hundreds, an event stays small. */
    static String firstFew(List<String> items) {
        String listed = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() <= LISTED ? listed : listed + " and " + (items.size() - LISTED) + " more";
    }

    static final int LISTED = 5;

    /** One address as people write it (IPv6 compressed, RFC 5952). */
    static String shown(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        // RFC 5952: no leading zeros, the longest run of two or more zero groups (the first of equals) as ::
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int start = -1;
        int length = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > length) {
                start = i;
                length = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == start) {
                out.append("::");
                i += length - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static String strip(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
