package io.domainautomation.logic.port;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * What a lookup found: the CNAME chain (names traversed that have records, in order), the addresses, whether it
 * failed, and the CNAME targets the chain points at that have no records at all (a dangling CNAME: whoever takes that
 * name receives the domain's traffic, so where it points matters as much as where a live chain ends).
 */
public record DnsAnswer(List<String> cnameChain, Set<InetAddress> addresses, boolean failed, List<String> danglingTargets) {

    public DnsAnswer {
        cnameChain = List.copyOf(cnameChain);
        addresses = Set.copyOf(addresses);
        danglingTargets = List.copyOf(danglingTargets);
    }

    public DnsAnswer(List<String> cnameChain, Set<InetAddress> addresses, boolean failed) {
        this(cnameChain, addresses, failed, List.of());
    }
}
