package io.domainautomation.logic.port;

import java.util.List;
import java.util.Optional;

/**
 * The CAA records that govern a name (RFC 8659: those of the closest name up the tree that has any): the name they
 * were found at, the certificate authorities their {@code issue} and {@code issuewild} properties name (the domain
 * part of each value; an empty value, {@code ";"}, is kept as {@code ""}: it names none), and whether a lookup got no
 * answer. No records anywhere: {@code at} empty, and any authority may issue; records without an {@code issue}
 * property (only {@code iodef}, say) restrict nothing either.
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
     * What the property that governs the name says ({@code issuewild} for a wildcard when the records have any, else
     * {@code issue}): empty when there is no such property (no restriction); {@code ""} for an empty value.
     */
    public List<String> issuers(boolean wildcard) {
        return wildcard && !issuewild.isEmpty() ? issuewild : issue;
    }
}
