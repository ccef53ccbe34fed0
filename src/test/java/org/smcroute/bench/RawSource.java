package org.smcroute.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bench's forged multicast sources: a raw IPv4 socket with a hand-made header (IPPROTO_RAW
 * implies IP_HDRINCL), so source i can be any address without adding thousands of addresses to
 * the interface. Run it only inside a private namespace. Each UDP datagram carries
 * {@link #MAGIC}, the sender's index of the source and System.nanoTime() at sending.
 *
 * <p>The thread's timer slack is set to 1 µs, so a sender that paces itself by sleeping wakes
 * close to when it asked: on a 2-core machine a spinning sender would take a whole core from
 * the router under test.
 */
final class RawSource implements AutoCloseable {

    static final int MAGIC = 0x53746f72; // "Stor"
    static final int LOOPBACK = 0x7f000001;
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_RAW = 255;
    private static final int IP_MULTICAST_IF = 32;
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int PAYLOAD = 16;

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle PRCTL;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static {
        Linker l = Linker.nativeLinker();
        var lib = l.defaultLookup();
        SOCKET = l.downcallHandle(lib.find("socket").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        SETSOCKOPT = l.downcallHandle(lib.find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        PRCTL = l.downcallHandle(lib.find("prctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        SENDTO = l.downcallHandle(lib.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        CLOSE = l.downcallHandle(lib.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final Arena arena = Arena.ofConfined();
    private final int fd;
    private final int group;
    private final MemorySegment pkt;
    private final long len;
    private final ByteBuffer b;
    private final MemorySegment to = arena.allocate(16); // struct sockaddr_in

    /** A socket sending to {@code group}:{@code port} out of {@code iface} with {@code ttl}. */
    RawSource(String iface, String group, int port, int ttl) throws Throwable {
        this.group = Bench.ipv4(group);
        int ifindex = NetworkInterface.getByName(iface).getIndex();
        fd = (int) SOCKET.invokeExact(AF_INET, SOCK_RAW, IPPROTO_RAW);
        if (fd < 0) {
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_RAW) failed (root, namespace?)");
        }
        MemorySegment mreqn = arena.allocate(12); // struct ip_mreqn: multiaddr, address, ifindex
        mreqn.set(JAVA_INT, 8, ifindex);
        if ((int) SETSOCKOPT.invokeExact(fd, IPPROTO_IP, IP_MULTICAST_IF, mreqn, 12) < 0) {
            throw new IOException("IP_MULTICAST_IF failed");
        }
        int slack = (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, 1000L, 0L, 0L, 0L);
        to.set(JAVA_BYTE, 0, (byte) AF_INET);
        len = 20 + 8 + PAYLOAD;
        pkt = arena.allocate(len);
        b = pkt.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        b.put(0, (byte) 0x45).putShort(2, (short) len).put(8, (byte) ttl).put(9, (byte) 17); // id, checksum: the kernel's
        b.putShort(20, (short) 5000).putShort(22, (short) port).putShort(24, (short) (8 + PAYLOAD));
        b.putInt(28, MAGIC); // UDP checksum 0 = none
        target(this.group);
    }

    /**
     * Sends to {@code dst} from now on: the group, or {@link #LOOPBACK} for a warm-up of the
     * caller's loop that never leaves the namespace.
     */
    void target(int dst) {
        to.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, dst);
        b.putInt(16, dst);
    }

    /** Back to the group after a warm-up. */
    void targetGroup() {
        target(group);
    }

    /** One datagram from {@code source} carrying {@code index}; false when the kernel refused it (e.g. ENOBUFS). */
    boolean send(int source, int index) throws Throwable {
        b.putInt(12, source);
        b.putInt(32, index);
        b.putLong(36, System.nanoTime());
        return (long) SENDTO.invokeExact(fd, pkt, len, 0, to, 16) >= 0;
    }

    @Override
    public void close() {
        try {
            int r = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
