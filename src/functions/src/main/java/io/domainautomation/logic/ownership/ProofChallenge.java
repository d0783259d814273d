package io.domainautomation.logic.ownership;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.TxtAnswer;

/**
 * The TXT record a customer sets to prove a name theirs, and what counts as proof, pure. The record's name is fixed
 * ({@value #LABEL} under the name; a wildcard's under the name it covers), its value carries the random token of the
 * app's claim (it cannot be guessed from the name and the app). A name whose CNAME chain already reaches this app's own
 * host proves itself: only the name's owner could have pointed it there. Addresses prove nothing (every app of a
 * region shares them), so an apex proves by TXT.
 */
public final class ProofChallenge {

    static final String LABEL = "_domain-verification";
    static final String PREFIX = "scalingo-domain-automation=";

    public enum Evidence {
        TXT, CNAME, NONE,
        /** a lookup got no answer and nothing proved the name: not known either way */
        UNKNOWN;

        public boolean proves() {
            return this == TXT || this == CNAME;
        }
    }

    private ProofChallenge() {
    }

    public static String name(String domain) {
        String bare = domain.startsWith("*.") ? domain.substring(2) : domain;
        return LABEL + "." + bare;
    }

    public static String value(String token) {
        return PREFIX + token;
    }

    /** What the TXT record (looked at first) and, when it proved nothing, the name's chain say. */
    public static Evidence judge(TxtAnswer txt, Optional<DnsAnswer> chain, String appHost, String token) {
        String expected = value(token);
        if (txt.values().stream().anyMatch(v -> v.trim().equals(expected))) {
            return Evidence.TXT;
        }
        if (chain.isPresent() && reaches(chain.get().cnameChain(), appHost)) {
            return Evidence.CNAME;
        }
        boolean failed = txt.failed() || chain.map(DnsAnswer::failed).orElse(false);
        return failed ? Evidence.UNKNOWN : Evidence.NONE;
    }

    /** The chain's CNAME targets (every name after the queried one) include the app's host. */
    static boolean reaches(List<String> chain, String appHost) {
        String host = strip(appHost);
        return chain.stream().skip(1).map(ProofChallenge::strip).anyMatch(host::equals);
    }

    private static String strip(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
