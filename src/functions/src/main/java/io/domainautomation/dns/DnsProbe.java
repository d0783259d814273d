package io.domainautomation.dns;

import jakarta.enterprise.context.ApplicationScoped;

import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.TxtAnswer;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;

/**
 * Resolves what a hostname points at with dnsjava, against the configured resolver, without caching. dnsjava stays
 * behind {@link DnsLookups}, built on first use: the functions that never resolve (set-canonical, the rotation) never
 * load it.
 */
@ApplicationScoped
public class DnsProbe implements DnsResolver {

    private final DnsConfig config;
    private volatile DnsLookups lookups;

    DnsProbe(DnsConfig config) {
        this.config = config;
    }

    /** A wildcard domain is probed through one name it covers. */
    @Override
    public DnsAnswer resolve(String hostname) {
        return lookups().resolve(hostname);
    }

    @Override
    public CaaAnswer caa(String hostname) {
        return lookups().caa(hostname);
    }

    @Override
    public TxtAnswer txt(String name) {
        return lookups().txt(name);
    }

    /** An A and an AAAA lookup, and the CNAME lookups of a chain without addresses (two, typically), each to its timeout. */
    @Override
    public java.time.Duration worstCase() {
        return config.timeout().multipliedBy(4);
    }

    /**
     * cleanup-stale's cold-start priming: builds the resolver and runs one resolution against a responder on loopback.
     *
     * @return whether it was answered
     */
    public boolean prime() {
        return lookups().prime();
    }

    private DnsLookups lookups() {
        DnsLookups known = lookups;
        if (known == null) {
            synchronized (this) {
                if (lookups == null) {
                    lookups = new DnsLookups(config);
                }
                known = lookups;
            }
        }
        return known;
    }
}
