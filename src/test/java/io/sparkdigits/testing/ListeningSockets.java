package io.sparkdigits.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TCP sockets one process listens on, read from Linux's {@code /proc}: the socket tables of
 * its network namespace ({@code /proc/PID/net/tcp} and {@code tcp6}) hold every process's
 * sockets, so only those whose inode is one of the process's open files
 * ({@code /proc/PID/fd/N -> socket:[INODE]}) count. Nothing is sent to any address.
 */
public final class ListeningSockets {
    private static final String LISTEN = "0A";
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private ListeningSockets() {
    }

    /** The local addresses {@code pid} listens on (IPv4-mapped IPv6 addresses come back as IPv4). */
    public static List<InetSocketAddress> of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = socketInodes(proc.resolve("fd"));
        List<InetSocketAddress> found = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = proc.resolve("net").resolve(table);
            try {
                for (String line : Files.readAllLines(file)) {
                    InetSocketAddress a = listening(line, inodes);
                    if (a != null) {
                        found.add(a);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return found;
    }

    /** The inodes of the sockets among the process's open files. */
    static Set<String> socketInodes(Path fdDir) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(fdDir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // The process closed this file between the listing and the read: not a listener.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + fdDir, e);
        }
        return inodes;
    }

    /**
     * The local address of a socket-table line if it is a listening socket whose inode is in
     * {@code inodes}, else null. Columns: {@code sl local rem st tx:rx tr:when retrnsmt uid timeout inode}.
     */
    static InetSocketAddress listening(String line, Set<String> inodes) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[3].equals(LISTEN) || !inodes.contains(f[9])) {
            return null;
        }
        String[] hostPort = f[1].split(":");
        return new InetSocketAddress(address(hostPort[0]), Integer.parseInt(hostPort[1], 16));
    }

    /**
     * The kernel prints an address as its 32-bit words, each in the machine's byte order
     * ({@code 0100007F} is 127.0.0.1 on x86): 8 hex digits for IPv4, 32 for IPv6.
     */
    static InetAddress address(String hex) {
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        try {
            return InetAddress.getByAddress(bytes.array());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }
}
