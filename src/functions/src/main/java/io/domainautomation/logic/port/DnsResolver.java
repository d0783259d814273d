package io.domainautomation.logic.port;

/**
 * What a hostname points at, without caching (implemented by {@code dns.DnsProbe}; scripted in tests). A failed or
 * timed-out lookup is an answer with {@link DnsAnswer#failed()} set, never an exception.
 */
public interface DnsResolver {

    /** A wildcard domain is probed through one name it covers. */
    DnsAnswer resolve(String hostname);

    /**
     * The CAA records governing {@code hostname} (a wildcard: the name it covers), climbing towards the apex until a
     * name has some. A failed lookup is an answer with {@link CaaAnswer#failed()} set.
     */
    CaaAnswer caa(String hostname);

    /** The TXT records of {@code name} itself (no wildcard expansion asked: the name is looked up as it is). */
    TxtAnswer txt(String name);

    /** The longest one {@link #resolve} may take (its lookups, each to its timeout): none is started with less left. */
    java.time.Duration worstCase();
}
