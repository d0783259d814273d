package io.domainautomation.logic.port;

import java.util.List;

/**
 * The TXT records of one name: each record's strings joined, as RFC 7208 reads a record split into several strings.
 * No records (or no such name): {@code values} empty and {@code failed} false; a lookup that got no answer (a
 * timeout, a server failure): {@code failed} set, and nothing is known.
 */
public record TxtAnswer(List<String> values, boolean failed) {

    public TxtAnswer {
        values = List.copyOf(values);
    }

    public static TxtAnswer unknown() {
        return new TxtAnswer(List.of(), true);
    }
}
