package io.domainautomation.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Resolves what a hostname points at with dnsjava, against the configured resolver, without caching. */
@ApplicationScoped
public class DnsProbe {

    private final Resolver resolver;

    DnsProbe(DnsConfig config) {
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
            throw new IllegalStateException("cleanup.dns.resolver (CLEANUP_DNS_RESOLVER) is not a usable host: " + e.getMessage(), e);
        }
    }

    /** A wildcard domain is probed through one name it covers. */
    public DnsAnswer resolve(String hostname) {
        String probed = hostname.startsWith("*.") ? "stale-check-probe." + hostname.substring(2) : hostname;
        List<String> chain = new ArrayList<>();
        Set<InetAddress> addresses = new HashSet<>();
        boolean failed = false;
        for (int type : new int[] { Type.A, Type.AAAA }) {
            Lookup lookup;
            try {
                lookup = new Lookup(Name.fromString(probed.endsWith(".") ? probed : probed + "."), type);
            } catch (TextParseException e) {
                return new DnsAnswer(List.of(), Set.of(), true);
            }
            lookup.setResolver(resolver);
            lookup.setCache(null);
            Record[] records = lookup.run();
            int result = lookup.getResult();
            if (result == Lookup.TRY_AGAIN || result == Lookup.UNRECOVERABLE) {
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
        return new DnsAnswer(chain, addresses, failed);
    }

    private static void addName(List<String> chain, Name name) {
        String text = name.toString(true).toLowerCase(java.util.Locale.ROOT);
        if (!chain.contains(text)) {
            chain.add(text);
        }
    }
}
