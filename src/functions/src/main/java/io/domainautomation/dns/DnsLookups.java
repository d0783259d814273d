package io.domainautomation.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.TxtAnswer;

/** The dnsjava side of {@link DnsProbe}: resolves against the configured resolver, without caching. */
final class DnsLookups {

    private final Resolver resolver;

    DnsLookups(DnsConfig config) {
        this.resolver = resolver(config);
    }

    private static Resolver resolver(DnsConfig config) {
        try {
            Resolver chosen;
            if (config.resolver().isPresent()) {
                String[] hostPort = config.resolver().get().split(":");
                SimpleResolver simple = new SimpleResolver(hostPort[0]);
                if (hostPort.length > 1) {
                    simple.setPort(Integer.parseInt(hostPort[1]));
                }
                chosen = simple;
            } else {
                chosen = new ExtendedResolver();
            }
            chosen.setTimeout(config.timeout());
            return chosen;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("dns.resolver (DNS_RESOLVER) is not a usable host: " + e.getMessage(), e);
        }
    }

    DnsAnswer resolve(String hostname) {
        String probed = hostname.startsWith("*.") ? "stale-check-probe." + hostname.substring(2) : hostname;
        List<String> chain = new ArrayList<>();
        Set<InetAddress> addresses = new HashSet<>();
        boolean failed = false;
        for (int type : new int[] { Type.A, Type.AAAA }) {
            Lookup lookup;
            try {
                lookup = lookup(probed.endsWith(".") ? probed.substring(0, probed.length() - 1) : probed, type);
            } catch (TextParseException e) {
                return new DnsAnswer(List.of(), Set.of(), true);
            }
            Record[] records = lookup.run();
            int result = lookup.getResult();
            if (unanswered(result)) {
                failed = true;
            }
            Name[] aliases = lookup.getAliases();
            if (aliases != null) {
                for (Name alias : aliases) {
                    addName(chain, alias);
                }
            }
            if (records != null) {
                for (Record record : records) {
                    addName(chain, record.getName());
                    if (record instanceof ARecord a) {
                        addresses.add(a.getAddress());
                    } else if (record instanceof AAAARecord aaaa) {
                        addresses.add(aaaa.getAddress());
                    }
                }
            }
        }
        List<String> dangling = addresses.isEmpty() && !failed ? danglingTargets(probed, chain) : List.of();
        return new DnsAnswer(chain, addresses, failed || dangling == null, dangling == null ? List.of() : dangling);
    }

    /** A lookup of {@code name} (no trailing dot) against the configured resolver, without cache. */
    private Lookup lookup(String name, int type) throws TextParseException {
        Lookup lookup = new Lookup(Name.fromString(name + "."), type);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        return lookup;
    }

    /** A timeout or a server failure: nothing is known of the name. */
    private static boolean unanswered(int result) {
        return result == Lookup.TRY_AGAIN || result == Lookup.UNRECOVERABLE;
    }

    /**
     * The CAA records governing a name (RFC 8659): the name's own, else its parent's, up to the registrable domain
     * (two labels: CAA at a public suffix is the registry's affair). One lookup per level, each to the timeout.
     */
    CaaAnswer caa(String hostname) {
        String name = strip(hostname.startsWith("*.") ? hostname.substring(2) : hostname);
        for (int level = 0; level < CAA_LEVELS; level++) {
            Lookup lookup;
            try {
                lookup = lookup(name, Type.CAA);
            } catch (TextParseException e) {
                return new CaaAnswer(Optional.empty(), List.of(), List.of(), true);
            }
            Record[] records = lookup.run();
            if (unanswered(lookup.getResult())) {
                return new CaaAnswer(Optional.empty(), List.of(), List.of(), true);
            }
            if (records != null && records.length > 0) {
                List<String> issue = new ArrayList<>();
                List<String> issuewild = new ArrayList<>();
                for (Record record : records) {
                    if (record instanceof CAARecord caa) {
                        String issuer = caa.getValue().split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
                        List<String> into = "issue".equalsIgnoreCase(caa.getTag()) ? issue
                                : "issuewild".equalsIgnoreCase(caa.getTag()) ? issuewild : null;
                        if (into != null) {
                            into.add(issuer); // "" for ";": this property allows no authority
                        }
                    }
                }
                return new CaaAnswer(Optional.of(name), issue, issuewild, false);
            }
            int dot = name.indexOf('.');
            if (dot < 0 || name.indexOf('.', dot + 1) < 0) {
                break; // the registrable domain was the last level
            }
            name = name.substring(dot + 1);
        }
        return CaaAnswer.none();
    }

    /** The TXT records of {@code name}: one lookup, to the timeout. */
    TxtAnswer txt(String name) {
        Lookup lookup;
        try {
            lookup = lookup(strip(name), Type.TXT);
        } catch (TextParseException e) {
            return new TxtAnswer(List.of(), false); // not a name: it can hold no record
        }
        Record[] records = lookup.run();
        if (unanswered(lookup.getResult())) {
            return TxtAnswer.unknown();
        }
        List<String> values = new ArrayList<>();
        if (records != null) {
            for (Record record : records) {
                if (record instanceof TXTRecord txt) {
                    values.add(String.join("", txt.getStrings()));
                }
            }
        }
        return new TxtAnswer(values, false);
    }

    /** How many names up the tree a CAA lookup climbs at most: as many lookups as DnsProbe.worstCase counts. */
    static final int CAA_LEVELS = 4;

    /**
     * Where a chain without addresses points: its CNAME records read directly (an address lookup reports only the
     * names that have records, so a CNAME whose target is gone leaves no trace in it).
     *
     * @return the targets without records of their own, in order; null when a CNAME lookup failed (nothing is known)
     */
    private List<String> danglingTargets(String probed, List<String> chain) {
        List<String> dangling = new ArrayList<>();
        // From the chain's last name: the names before it are aliases whose targets had records.
        String at = !chain.isEmpty() ? chain.get(chain.size() - 1)
                : probed.endsWith(".") ? probed.substring(0, probed.length() - 1) : probed;
        for (int hops = 0; hops < 2; hops++) { // the name's CNAME and its target's: DnsProbe.worstCase counts two
            Lookup lookup;
            try {
                lookup = lookup(at, Type.CNAME);
            } catch (TextParseException e) {
                return dangling;
            }
            Record[] records = lookup.run();
            if (unanswered(lookup.getResult())) {
                return null;
            }
            String target = null;
            if (records != null) {
                for (Record record : records) {
                    if (record instanceof CNAMERecord cname && strip(cname.getName().toString()).equals(at)) {
                        target = strip(cname.getTarget().toString());
                    }
                }
            }
            if (target == null || dangling.contains(target)) {
                return dangling;
            }
            if (!chain.contains(target)) {
                dangling.add(target);
            }
            at = target;
        }
        return dangling;
    }

    private static String strip(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * A first resolution, as the scan makes them, answered by a responder on loopback started for it and closed
     * afterwards (a CNAME and an address): what the first look at a domain loads and initialises, with no query
     * leaving the machine.
     *
     * @return whether the lookup was answered
     */
    boolean prime() {
        try (DatagramSocket responder = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerOnce(responder), "dns-priming");
            answering.setDaemon(true);
            answering.start();
            SimpleResolver loopback = new SimpleResolver(InetAddress.getLoopbackAddress());
            loopback.setPort(responder.getLocalPort());
            loopback.setTimeout(java.time.Duration.ofSeconds(1));
            Lookup lookup = new Lookup(Name.fromString("priming.invalid."), Type.A);
            lookup.setResolver(loopback);
            lookup.setCache(null);
            lookup.run();
            answering.join(1000);
            return lookup.getResult() == Lookup.SUCCESSFUL;
        } catch (IOException e) {
            return false; // only the priming is lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void answerOnce(DatagramSocket responder) {
        try {
            DatagramPacket packet = new DatagramPacket(new byte[512], 512);
            responder.receive(packet);
            Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
            Message answer = new Message(query.getHeader().getID());
            answer.getHeader().setFlag(Flags.QR);
            answer.addRecord(query.getQuestion(), Section.QUESTION);
            Name target = Name.fromString("app.priming.invalid.");
            answer.addRecord(new CNAMERecord(query.getQuestion().getName(), DClass.IN, 60, target), Section.ANSWER);
            answer.addRecord(new ARecord(target, DClass.IN, 60, InetAddress.getByAddress(new byte[] { 10, 0, 0, 1 })), Section.ANSWER);
            byte[] wire = answer.toWire();
            responder.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        } catch (IOException e) {
            // the socket was closed: the lookup timed out or ended
        }
    }

    private static void addName(List<String> chain, Name name) {
        String text = name.toString(true).toLowerCase(java.util.Locale.ROOT);
        if (!chain.contains(text)) {
            chain.add(text);
        }
    }
}
