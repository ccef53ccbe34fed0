package org.smcroute.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A (*,G) source storm (issue 3): many new sources, one packet each, to one group.
 *
 * <pre>
 * send --iface IF --group G --port P --base A.B.C.D --count N --rate PPS [--ttl T]
 *     Raw IPv4 socket with a hand-made header (IPPROTO_RAW implies IP_HDRINCL), so source i is
 *     base + i without adding N addresses to the interface. Run it only inside a private
 *     namespace. The payload carries i and System.nanoTime() at sending; prints
 *     "sent N NANOS" (time from the first to the last packet).
 * recv --iface IF --group G --port P
 *     Joins G, prints "ready", and until EOF on stdin records one latency per distinct source
 *     (arrival nanoTime minus the payload's); then prints
 *     "got SOURCES PACKETS P50_US P90_US P99_US MAX_US".
 * </pre>
 * Sender and receiver compare System.nanoTime() of two JVMs: on Linux HotSpot it is
 * CLOCK_MONOTONIC, one clock for the whole host whatever the network namespace.
 */
public final class Storm {

    private static final int MAGIC = 0x53746f72; // "Stor"
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_RAW = 255;
    private static final int IP_MULTICAST_IF = 32;

    private Storm() {
    }

    public static void main(String[] args) throws Throwable {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        switch (args[0]) {
            case "send" -> send(o);
            case "recv" -> recv(o);
            default -> throw new IllegalArgumentException("mode send|recv");
        }
    }

    private static int ipv4(String text) throws IOException {
        return ByteBuffer.wrap(InetAddress.ofLiteral(text).getAddress()).getInt();
    }

    static void send(Map<String, String> o) throws Throwable {
        Linker l = Linker.nativeLinker();
        var lib = l.defaultLookup();
        MethodHandle socket = l.downcallHandle(lib.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle setsockopt = l.downcallHandle(lib.find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle sendto = l.downcallHandle(lib.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

        int ifindex = NetworkInterface.getByName(o.get("iface")).getIndex();
        int group = ipv4(o.get("group"));
        int port = Integer.parseInt(o.get("port"));
        int base = ipv4(o.get("base"));
        int count = Integer.parseInt(o.get("count"));
        int rate = Integer.parseInt(o.get("rate"));
        int ttl = Integer.parseInt(o.getOrDefault("ttl", "8"));

        try (Arena a = Arena.ofConfined()) {
            int fd = (int) socket.invokeExact(AF_INET, SOCK_RAW, IPPROTO_RAW);
            if (fd < 0) {
                throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_RAW) failed (root, namespace?)");
            }
            MemorySegment mreqn = a.allocate(12); // struct ip_mreqn: multiaddr, address, ifindex
            mreqn.set(JAVA_INT, 8, ifindex);
            if ((int) setsockopt.invokeExact(fd, IPPROTO_IP, IP_MULTICAST_IF, mreqn, 12) < 0) {
                throw new IOException("IP_MULTICAST_IF failed");
            }
            MemorySegment to = a.allocate(16); // struct sockaddr_in
            to.set(JAVA_BYTE, 0, (byte) AF_INET);
            to.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, group);

            int payload = 16;
            int len = 20 + 8 + payload;
            MemorySegment pkt = a.allocate(len);
            ByteBuffer b = pkt.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            b.put(0, (byte) 0x45).putShort(2, (short) len).put(8, (byte) ttl).put(9, (byte) 17)
                    .putInt(16, group); // id, checksum: filled in by the kernel
            b.putShort(20, (short) 5000).putShort(22, (short) port).putShort(24, (short) (8 + payload));
            b.putInt(28, MAGIC); // UDP checksum 0 = none

            // Warm-up to 127.0.0.1 (never leaves the namespace): links the downcall and compiles
            // the loop, so the timed stream does not start with a burst after a slow first call.
            MemorySegment lo = a.allocate(16);
            lo.set(JAVA_BYTE, 0, (byte) AF_INET);
            lo.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
            b.putInt(16, 0x7f000001).putInt(12, 0x7f000001);
            for (int i = 0; i < 3000; i++) {
                long r = (long) sendto.invokeExact(fd, pkt, (long) len, 0, lo, 16);
            }
            b.putInt(16, group);

            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long next = start;
            long failed = 0;
            for (int i = 0; i < count; i++) {
                long now = System.nanoTime();
                if (next - now > 100_000) {
                    LockSupport.parkNanos(next - now - 50_000);
                }
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                b.putInt(12, base + i);
                b.putInt(32, i);
                b.putLong(36, System.nanoTime());
                if ((long) sendto.invokeExact(fd, pkt, (long) len, 0, to, 16) < 0) {
                    failed++;
                }
                next += interval;
            }
            long took = System.nanoTime() - start;
            System.out.println("sent " + (count - failed) + " " + took);
        }
    }

    static void recv(Map<String, String> o) throws Exception {
        NetworkInterface nif = NetworkInterface.getByName(o.get("iface"));
        InetAddress group = InetAddress.ofLiteral(o.get("group"));
        int port = Integer.parseInt(o.get("port"));
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        ch.bind(new InetSocketAddress(group, port));
        ch.join(group, nif);

        Map<Integer, Long> latency = new HashMap<>();
        long[] packets = {0};
        Thread rx = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    InetSocketAddress from = (InetSocketAddress) ch.receive(buf.clear());
                    long now = System.nanoTime();
                    buf.flip();
                    if (buf.remaining() < 16 || buf.getInt(0) != MAGIC) {
                        continue;
                    }
                    int src = ByteBuffer.wrap(from.getAddress().getAddress()).getInt();
                    synchronized (latency) {
                        packets[0]++;
                        latency.putIfAbsent(src, now - buf.getLong(8));
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        }, "rx");
        rx.setDaemon(true);
        rx.start();
        System.out.println("ready");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until EOF
        }
        long[] l;
        long p;
        synchronized (latency) {
            l = latency.values().stream().mapToLong(Long::longValue).sorted().toArray();
            p = packets[0];
        }
        System.out.println("got " + l.length + " " + p + " " + us(pct(l, 50)) + " " + us(pct(l, 90))
                + " " + us(pct(l, 99)) + " " + us(l.length == 0 ? -1 : l[l.length - 1]));
        System.out.flush();
        System.exit(0);
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long us(long nanos) {
        return nanos < 0 ? -1 : nanos / 1000;
    }
}
