package io.domainautomation.fakes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.TxtAnswer;

/**
 * A DNS whose records a test sets: CNAMEs and addresses per name, and names whose lookups fail (a resolver timeout).
 * Resolves as {@code dns.DnsLookups} reports: the chain lists the queried name and every CNAME target reached that has
 * records of its own; the addresses are those at the end of the chain.
 */
public final class ScriptedDns implements DnsResolver {

    private final Map<String, String> cnames = new HashMap<>();
    private final Map<String, Set<InetAddress>> addresses = new HashMap<>();
    private final Set<String> failing = new LinkedHashSet<>();
    private final Map<String, List<List<String>>> caas = new HashMap<>();
    private final Map<String, List<String>> txts = new HashMap<>();
    private Faults faults = Faults.NONE;
    private int lookups;

    /** The CAA records at a name: the authorities its issue and issuewild properties name. */
    public ScriptedDns caa(String name, List<String> issue, List<String> issuewild) {
        caas.put(key(name), List.of(List.copyOf(issue), List.copyOf(issuewild)));
        return this;
    }

    /**
     * As DnsProbe looks: the name's CAA records, else its parent's, up to the registrable domain; at each name through
     * its CNAME chain, as a resolver follows it (a failing name met on the way fails the lookup; the chain's end's
     * records count as the name's).
     */
    @Override
    public synchronized CaaAnswer caa(String hostname) {
        lookups++;
        try {
            faults.before("dns.caa");
        } catch (LookupFailed timedOut) {
            onTimeout.run();
            return new CaaAnswer(java.util.Optional.empty(), List.of(), List.of(), true);
        }
        String name = key(hostname.startsWith("*.") ? hostname.substring(2) : hostname);
        for (int level = 0; level < 4; level++) {
            String at = name;
            for (int hops = 0; hops < 8 && !failing.contains(at) && cnames.containsKey(at); hops++) {
                at = cnames.get(at);
            }
            if (failing.contains(at)) {
                onTimeout.run();
                return new CaaAnswer(java.util.Optional.empty(), List.of(), List.of(), true);
            }
            List<List<String>> records = caas.get(at);
            if (records != null) {
                return new CaaAnswer(java.util.Optional.of(name), records.get(0), records.get(1), false);
            }
            String[] labels = name.split("\\.");
            if (labels.length <= 2) {
                break;
            }
            name = name.substring(name.indexOf('.') + 1);
        }
        return CaaAnswer.none();
    }

    /** The TXT records at a name (none: the name's TXT records removed). */
    public synchronized ScriptedDns txt(String name, String... values) {
        if (values.length == 0) {
            txts.remove(key(name));
        } else {
            txts.put(key(name), List.of(values));
        }
        return this;
    }

    /** As DnsProbe looks: the name's own TXT records; a fault or a failing name fails the lookup. */
    @Override
    public synchronized TxtAnswer txt(String name) {
        lookups++;
        try {
            faults.before("dns.txt");
        } catch (LookupFailed timedOut) {
            onTimeout.run();
            return TxtAnswer.unknown();
        }
        if (failing.contains(key(name))) {
            onTimeout.run();
            return TxtAnswer.unknown();
        }
        return new TxtAnswer(txts.getOrDefault(key(name), List.of()), false);
    }

    public ScriptedDns cname(String name, String target) {
        cnames.put(key(name), key(target));
        return this;
    }

    public ScriptedDns address(String name, String... ips) {
        Set<InetAddress> set = new LinkedHashSet<>();
        for (String ip : ips) {
            try {
                set.add(InetAddress.getByName(ip));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address literal: " + ip, e);
            }
        }
        addresses.put(key(name), set);
        return this;
    }

    /** No records at all for the name any more. */
    public ScriptedDns remove(String name) {
        cnames.remove(key(name));
        addresses.remove(key(name));
        return this;
    }

    public ScriptedDns failing(String name, boolean fails) {
        if (fails) {
            failing.add(key(name));
        } else {
            failing.remove(key(name));
        }
        return this;
    }

    /**
     * What a real DNS server must hold to answer as this one does: every CNAME, address, failing name, and CAA records
     * (by name, the authorities of its {@code issue} then of its {@code issuewild} properties).
     */
    public record Records(Map<String, String> cnames, Map<String, Set<InetAddress>> addresses, Set<String> failing,
            Map<String, List<List<String>>> caas) {
    }

    public synchronized Records records() {
        Map<String, Set<InetAddress>> copied = new HashMap<>();
        addresses.forEach((name, ips) -> copied.put(name, java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(ips))));
        return new Records(java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(cnames)), copied,
                java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(failing)),
                java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(caas)));
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    private Runnable onTimeout = () -> {
    };

    /** A failed resolution's cost: its A and AAAA queries, each to the timeout (a failure skips the CNAME queries). */
    private void timedOut(int queries) {
        for (int i = 0; i < queries; i++) {
            onTimeout.run();
        }
    }

    /** What a lookup that fails does besides failing: in the simulation, the resolver's timeout passes (per query). */
    public void onTimeout(Runnable onTimeout) {
        this.onTimeout = onTimeout;
    }

    public int lookups() {
        return lookups;
    }

    /** The resolver's timeout per query, as deployed ({@code DNS_TIMEOUT}, 3 s). */
    public static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(3);

    /** As {@code DnsProbe} counts it: an A and an AAAA query, and two CNAME queries, each to its timeout. */
    @Override
    public java.time.Duration worstCase() {
        return TIMEOUT.multipliedBy(4);
    }

    /**
     * Thrown by a fault's {@link Faults#before} to make this one lookup fail as a resolver timeout does (the timeout
     * passes, the answer says failed), whatever the records say.
     */
    public static final class LookupFailed extends RuntimeException {
        public LookupFailed() {
            super("the resolver timed out", null, false, false);
        }
    }

    private boolean lastFailedByFault;

    /** Whether the last lookup was failed by a fault (not by its records), forgotten once read. */
    public boolean takeLastFault() {
        boolean failed = lastFailedByFault;
        lastFailedByFault = false;
        return failed;
    }

    @Override
    public DnsAnswer resolve(String hostname) {
        lookups++;
        lastFailedByFault = false;
        try {
            faults.before("dns.resolve");
        } catch (LookupFailed timedOut) {
            lastFailedByFault = true;
            timedOut(2);
            return new DnsAnswer(List.of(), Set.of(), true);
        }
        String name = key(hostname.startsWith("*.") ? "stale-check-probe." + hostname.substring(2) : hostname);
        if (failing.contains(name)) {
            timedOut(2);
            return new DnsAnswer(List.of(), Set.of(), true);
        }
        if (!cnames.containsKey(name) && !addresses.containsKey(name)) {
            return new DnsAnswer(List.of(), Set.of(), false); // NXDOMAIN: no name in the chain, as dnsjava reports it
        }
        List<String> chain = new ArrayList<>();
        chain.add(name);
        String at = name;
        for (int hops = 0; hops < 16 && cnames.containsKey(at); hops++) {
            String target = cnames.get(at);
            if (failing.contains(target)) {
                timedOut(2);
                return new DnsAnswer(chain, Set.of(), true);
            }
            if (!cnames.containsKey(target) && !addresses.containsKey(target)) {
                // a dangling CNAME: the address lookup reports only names that had records; the CNAME lookup its target
                return new DnsAnswer(chain, Set.of(), false, List.of(target));
            }
            chain.add(target);
            at = target;
        }
        return new DnsAnswer(chain, addresses.getOrDefault(at, Set.of()), false);
    }

    private static String key(String name) {
        String lower = name.toLowerCase();
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
