package io.domainautomation.logic.port;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** What a lookup found: the CNAME chain (names traversed, in order), the addresses, and whether it failed. */
public record DnsAnswer(List<String> cnameChain, Set<InetAddress> addresses, boolean failed) {
}
