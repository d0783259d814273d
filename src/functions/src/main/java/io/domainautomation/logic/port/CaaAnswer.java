package io.domainautomation.logic.port;

import java.util.List;
import java.util.Optional;

/**
 * The CAA records that govern a name (RFC 8659: those of the closest name up the tree that has any): the name they
 * were found at, the certificate authorities their {@code issue} and {@code issuewild} properties name (the domain
 * part of each value; an empty value, {@code ";"}, names none), and whether a lookup got no answer. No records
 * anywhere: {@code at} empty, and any authority may issue.
 */
public record CaaAnswer(Optional<String> at, List<String> issue, List<String> issuewild, boolean failed) {

    public CaaAnswer {
        issue = List.copyOf(issue);
        issuewild = List.copyOf(issuewild);
    }

    public static CaaAnswer none() {
        return new CaaAnswer(Optional.empty(), List.of(), List.of(), false);
    }

    /**
     * The authorities allowed to issue for the name ({@code issuewild} for a wildcard when the name has any, else
     * {@code issue}); meaningful only when {@code at} is present.
     */
    public List<String> issuers(boolean wildcard) {
        return wildcard && !issuewild.isEmpty() ? issuewild : issue;
    }
}
