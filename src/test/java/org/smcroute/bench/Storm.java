package org.smcroute.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A (*,G) source storm (issue 3): many new sources, one packet each, to one group.
 *
 * <pre>
 * send --iface IF --group G --port P --base A.B.C.D --count N --rate PPS [--ttl T]
 *     Source i is base + i ({@link RawSource}); prints
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

    private static final int MAGIC = RawSource.MAGIC;

    private Storm() {
    }

    public static void main(String[] args) throws Throwable {
        Map<String, String> o = options(args);
        switch (args[0]) {
            case "send" -> send(o);
            case "recv" -> recv(o);
            default -> throw new IllegalArgumentException("mode send|recv");
        }
    }

    /** {@code MODE --name value ...} → name → value. */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    static void send(Map<String, String> o) throws Throwable {
        int base = Bench.ipv4(o.get("base"));
        int count = Integer.parseInt(o.get("count"));
        int rate = Integer.parseInt(o.get("rate"));
        int ttl = Integer.parseInt(o.getOrDefault("ttl", "8"));
        try (RawSource s = new RawSource(o.get("iface"), o.get("group"), Integer.parseInt(o.get("port")), ttl)) {
            // Warm-up: the same paced loop to 127.0.0.1 (never leaves the namespace), so the timed
            // stream does not start with stalls and bursts of a cold sender.
            s.target(RawSource.LOOPBACK);
            for (int round = 0; round < 3; round++) {
                paced(s, RawSource.LOOPBACK, 10_000, 100_000);
            }
            s.targetGroup();
            Thread.sleep(500); // let the JIT threads finish, so they do not compete with the router

            long[] r = paced(s, base, count, rate);
            System.out.println("sent " + r[0] + " " + r[1] + " " + r[2]);
        }
    }

    /** Sends {@code count} packets from {@code base + i} at {@code rate}/s; returns sent, nanos, largest burst. */
    private static long[] paced(RawSource s, int base, int count, int rate) throws Throwable {
        Pacer pacer = new Pacer(rate);
        long start = System.nanoTime();
        long failed = 0;
        for (int i = 0; i < count; i++) {
            pacer.await();
            if (!s.send(base + i, i)) {
                failed++;
            }
        }
        return new long[] {count - failed, System.nanoTime() - start, pacer.maxBurst()};
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
