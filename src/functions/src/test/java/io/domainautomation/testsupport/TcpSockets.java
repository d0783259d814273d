package io.domainautomation.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The machine's TCP sockets as Linux lists them (/proc/net/tcp and tcp6), for tests that check none is left open. */
public final class TcpSockets {

    public static final String LISTEN = "0A";
    public static final String TIME_WAIT = "06";

    /** One line of the table: its ports, its state (hex, as the kernel writes it), and the inode its descriptors name. */
    public record Socket(int localPort, int remotePort, String state, String inode) {

        public boolean on(int port) {
            return localPort == port || remotePort == port;
        }
    }

    private TcpSockets() {
    }

    public static List<Socket> all() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                sockets.add(new Socket(port(fields[1]), port(fields[2]), fields[3], fields[9]));
            }
        }
        return sockets;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
