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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * A (*,G) source storm (issue 3): many new sources, one packet each, to one group.
 *
 * <pre>
 * send --iface IF --group G --port P --base A.B.C.D --count N --rate PPS [--ttl T]
 *     Raw IPv4 socket with a hand-made header (IPPROTO_RAW implies IP_HDRINCL), so source i is
 *     base + i without adding N addresses to the interface. Run it only inside a private
 *     namespace. The payload carries i and System.nanoTime() at sending; prints
 *     "sent N NANOS BURST" (time from the first to the last packet, largest burst sent at once).
 * recv --iface IF --group G --port P [--trace FILE]
 *     Joins G, prints "ready", and until EOF on stdin records one latency per distinct source
 *     (arrival nanoTime minus the payload's); then prints
 *     "got SOURCES PACKETS P50_US P90_US P99_US MAX_US". With --trace, FILE gets one line per
 *     source in arrival order: "INDEX SENT_NANOS LATENCY_NANOS".
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
    private static final int PR_SET_TIMERSLACK = 29;

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
        MethodHandle prctl = l.downcallHandle(lib.find("prctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
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

            // Paced by sleeping, not spinning: on a 2-core machine a spinning sender would take a
            // whole core from the router under test. Whatever is due when the thread wakes is sent
            // at once (a burst of a few packets); each packet carries its own send time.
            int slack = (int) prctl.invokeExact(PR_SET_TIMERSLACK, 1000L, 0L, 0L, 0L);

            // Warm-up: the same paced loop to 127.0.0.1 (never leaves the namespace), so the timed
            // stream does not start with stalls and bursts of a cold sender.
            MemorySegment lo = a.allocate(16);
            lo.set(JAVA_BYTE, 0, (byte) AF_INET);
            lo.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
            b.putInt(16, 0x7f000001);
            for (int round = 0; round < 3; round++) {
                paced(sendto, fd, pkt, b, lo, 0x7f000001, 10_000, 100_000);
            }
            b.putInt(16, group);
            Thread.sleep(500); // let the JIT threads finish, so they do not compete with the router

            long[] r = paced(sendto, fd, pkt, b, to, base, count, rate);
            System.out.println("sent " + r[0] + " " + r[1] + " " + r[2]);
        }
    }

    /** Sends {@code count} packets from {@code base + i} at {@code rate}/s; returns sent, nanos, largest burst. */
    private static long[] paced(MethodHandle sendto, int fd, MemorySegment pkt, ByteBuffer b, MemorySegment to,
            int base, int count, int rate) throws Throwable {
        long len = pkt.byteSize();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long next = start;
        long failed = 0;
        int burst = 0;
        int maxBurst = 0;
        for (int i = 0; i < count; i++) {
            long now = System.nanoTime();
            if (next - now > 0) {
                LockSupport.parkNanos(next - now);
                burst = 0;
            }
            maxBurst = Math.max(maxBurst, ++burst);
            b.putInt(12, base + i);
            b.putInt(32, i);
            b.putLong(36, System.nanoTime());
            if ((long) sendto.invokeExact(fd, pkt, len, 0, to, 16) < 0) {
                failed++;
            }
            next += interval;
        }
        return new long[] {count - failed, System.nanoTime() - start, maxBurst};
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

        Rx.warmUp();
        Thread.sleep(500); // let the JIT threads finish before the measurement
        Rx rx = new Rx();
        Thread t = new Thread(() -> rx.run(ch), "rx");
        t.start();
        System.out.println("ready");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until EOF
        }
        ch.close(); // ends rx.run; join() publishes what it recorded
        t.join();
        long[] l = rx.firstLatencies();
        if (o.containsKey("trace")) {
            Files.writeString(Path.of(o.get("trace")), rx.trace());
        }
        System.out.println("got " + l.length + " " + rx.n + " " + us(pct(l, 50)) + " " + us(pct(l, 90))
                + " " + us(pct(l, 99)) + " " + us(l.length == 0 ? -1 : l[l.length - 1]));
        System.out.flush();
        System.exit(0);
    }

    /**
     * The receiving loop: records every packet in plain arrays (no per-packet map or lock, so the
     * receiver itself adds as little as possible to the latency it measures) and is JIT-warmed
     * on loopback before the measurement, so a cold receiver does not queue the first packets.
     */
    static final class Rx {
        int n;
        int[] src = new int[8192];
        int[] index = new int[8192];
        long[] sent = new long[8192];
        long[] arrived = new long[8192];

        void run(DatagramChannel ch) {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    InetSocketAddress from = (InetSocketAddress) ch.receive(buf.clear());
                    long now = System.nanoTime();
                    if (buf.position() >= 16 && buf.getInt(0) == MAGIC) {
                        record(ByteBuffer.wrap(from.getAddress().getAddress()).getInt(), buf.getInt(4), buf.getLong(8), now);
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        }

        private void record(int s, int i, long sentAt, long now) {
            if (n == src.length) {
                src = Arrays.copyOf(src, 2 * n);
                index = Arrays.copyOf(index, 2 * n);
                sent = Arrays.copyOf(sent, 2 * n);
                arrived = Arrays.copyOf(arrived, 2 * n);
            }
            src[n] = s;
            index[n] = i;
            sent[n] = sentAt;
            arrived[n] = now;
            n++;
        }

        /** Indexes of the records that are a source's first packet, in arrival order. */
        private int[] firsts() {
            Set<Integer> seen = new HashSet<>();
            return IntStream.range(0, n).filter(j -> seen.add(src[j])).toArray();
        }

        /** The first packet's latency of each distinct source, sorted. */
        long[] firstLatencies() {
            return Arrays.stream(firsts()).mapToLong(j -> arrived[j] - sent[j]).sorted().toArray();
        }

        /** One line per distinct source in arrival order: "INDEX SENT_NANOS LATENCY_NANOS". */
        String trace() {
            StringBuilder t = new StringBuilder();
            for (int j : firsts()) {
                t.append(index[j]).append(' ').append(sent[j]).append(' ').append(arrived[j] - sent[j]).append('\n');
            }
            return t.toString();
        }

        /** Runs the loop over 30,000 loopback datagrams so the JIT has compiled it. */
        static void warmUp() throws Exception {
            DatagramChannel in = DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            in.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            Thread feed = new Thread(() -> {
                try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    ByteBuffer p = ByteBuffer.allocate(16).putInt(MAGIC).putInt(0).putLong(System.nanoTime()).flip();
                    for (int i = 0; i < 30_000; i++) {
                        out.send(p.rewind(), in.getLocalAddress());
                        if (i % 64 == 0) {
                            Thread.yield();
                        }
                    }
                    Thread.sleep(200);
                    in.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "warm-up");
            feed.start();
            new Rx().run(in);
            feed.join();
        }
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
