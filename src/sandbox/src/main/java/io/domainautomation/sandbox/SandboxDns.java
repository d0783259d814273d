package io.domainautomation.sandbox;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server on loopback UDP, built on dnsjava's message classes: answers A, AAAA, CNAME (following
 * CNAME chains within its zone), CAA and TXT; NXDOMAIN for unknown names. Tests set its records; in dev mode, where it
 * stands in for the whole DNS, {@code POST /_sandbox/dns} does.
 */
public final class SandboxDns implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, String> cnames = new ConcurrentHashMap<>();
    private final Map<String, List<String[]>> caas = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<String>> txts = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    public SandboxDns(int port) throws SocketException {
        socket = bind(port);
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Binds the port, waiting a little while another server of an earlier test is still letting it go. */
    private static DatagramSocket bind(int port) throws SocketException {
        for (int attempt = 1;; attempt++) {
            try {
                return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (java.net.BindException taken) {
                if (attempt == 50) {
                    throw taken;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw taken;
                }
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    public void clear() {
        txts.clear();
        cnames.clear();
        caas.clear();
        addresses.clear();
        failing.clear();
        failEveryQuery = false;
    }

    private volatile boolean failEveryQuery;

    /** Every query answered SERVFAIL (true), whatever the records, or as the records say (false). */
    public SandboxDns failEveryQuery(boolean fail) {
        failEveryQuery = fail;
        return this;
    }

    /** Queries that reach the name (asked, or met along a CNAME chain) are answered SERVFAIL: a broken zone. */
    public SandboxDns failing(String name, boolean fails) {
        if (fails) {
            failing.add(key(name));
        } else {
            failing.remove(key(name));
        }
        return this;
    }

    /** The name no longer has any record (NXDOMAIN). */
    public SandboxDns remove(String name) {
        cnames.remove(key(name));
        addresses.remove(key(name));
        txts.remove(key(name));
        return this;
    }

    /** The TXT records at the name (none given: its TXT records removed). */
    public SandboxDns txt(String name, String... values) {
        if (values.length == 0) {
            txts.remove(key(name));
        } else {
            txts.put(key(name), List.of(values));
        }
        return this;
    }


    /** A CAA record ({@code tag} issue, issuewild or iodef) at the name. */
    public SandboxDns caa(String name, String tag, String value) {
        caas.computeIfAbsent(key(name), k -> new ArrayList<>()).add(new String[] { tag, value });
        return this;
    }

    public SandboxDns cname(String name, String target) {
        cnames.put(key(name), key(target));
        return this;
    }

    public SandboxDns address(String name, String... ips) {
        List<InetAddress> list = new ArrayList<>();
        for (String ip : ips) {
            try {
                list.add(InetAddress.getByName(ip));
            } catch (IOException e) {
                throw new IllegalArgumentException(ip, e);
            }
        }
        addresses.put(key(name), list);
        return this;
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        String name = key(question.getName().toString());
        boolean known = false;
        for (int hops = 0; hops < 8; hops++) {
            if (failEveryQuery || failing.contains(name)) {
                Message failure = new Message(query.getHeader().getID());
                failure.getHeader().setFlag(Flags.QR);
                failure.addRecord(question, Section.QUESTION);
                failure.getHeader().setRcode(Rcode.SERVFAIL);
                return failure;
            }
            String target = cnames.get(name);
            if (target == null) {
                break;
            }
            known = true;
            response.addRecord(new CNAMERecord(Name.fromString(name), DClass.IN, 60, Name.fromString(target)), Section.ANSWER);
            name = target;
        }
        List<String[]> caa = caas.get(name);
        if (caa != null) {
            known = true;
            if (question.getType() == Type.CAA) {
                for (String[] record : caa) {
                    response.addRecord(new org.xbill.DNS.CAARecord(Name.fromString(name), DClass.IN, 60, 0, record[0], record[1]),
                            Section.ANSWER);
                }
            }
        }
        List<String> txt = txts.get(name);
        if (txt != null) {
            known = true;
            if (question.getType() == Type.TXT) {
                for (String value : txt) {
                    response.addRecord(new TXTRecord(Name.fromString(name), DClass.IN, 60, value), Section.ANSWER);
                }
            }
        }
        List<InetAddress> ips = addresses.get(name);
        if (ips != null) {
            known = true;
            for (InetAddress ip : ips) {
                if (question.getType() == Type.A && ip.getAddress().length == 4) {
                    response.addRecord(new ARecord(Name.fromString(name), DClass.IN, 60, ip), Section.ANSWER);
                } else if (question.getType() == Type.AAAA && ip.getAddress().length == 16) {
                    response.addRecord(new AAAARecord(Name.fromString(name), DClass.IN, 60, ip), Section.ANSWER);
                }
            }
        }
        response.getHeader().setRcode(known ? Rcode.NOERROR : Rcode.NXDOMAIN);
        return response;
    }

    /**
     * Closes the socket and waits for the serving thread: a socket closed while a thread is blocked receiving on it
     * keeps its port until that thread has left the call, and the next test binds the same port at once.
     */
    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
