package io.sparkdigits.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The /proc reader that LoopbackIT relies on: it must see a wildcard or external listener as one. */
class ListeningSocketsTest {

    @Test
    void decodesTheKernelsAddressesOnALittleEndianMachine() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the hex below is x86/arm64 byte order");
        assertEquals(InetAddress.getByName("127.0.0.1"), ListeningSockets.address("0100007F"));
        assertEquals(InetAddress.getByName("192.0.2.2"), ListeningSockets.address("020200C0"));
        assertTrue(ListeningSockets.address("00000000").isAnyLocalAddress());
        assertTrue(ListeningSockets.address("00000000000000000000000000000000").isAnyLocalAddress());
        assertEquals(InetAddress.getByName("::1"), ListeningSockets.address("00000000000000000000000001000000"));
        assertEquals(InetAddress.getByName("127.0.0.1"), ListeningSockets.address("0000000000000000FFFF00000100007F"));
        assertEquals(InetAddress.getByName("fd00::2"), ListeningSockets.address("000000FD000000000000000002000000"));
    }

    @Test
    void keepsOnlyListeningSocketsOfTheProcess() {
        String listen = "   1: 00000000:0FC8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1";
        String established = "   2: 0100007F:0FC8 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1";
        assertEquals(new InetSocketAddress(ListeningSockets.address("00000000"), 4040),
                ListeningSockets.listening(listen, Set.of("4242")));
        assertNull(ListeningSockets.listening(listen, Set.of("1")), "another process's socket");
        assertNull(ListeningSockets.listening(established, Set.of("4343")), "not listening");
    }

    @Test
    void findsASocketThisJvmListensOn() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        long pid = ProcessHandle.current().pid();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            List<InetSocketAddress> open = ListeningSockets.of(pid);
            assertTrue(open.contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)), open::toString);
        }
        assertFalse(ListeningSockets.of(pid).stream().anyMatch(a -> a.getPort() == port), "closed");
    }
}
