package org.smcroute.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;

/**
 * Sources that keep sending until they are routed (issue 18), and the flood of new sources:
 * N forged sources to one group, round-robin, one packet from every source per round.
 *
 * <pre>
 * send --iface IF --group G --port P --base A.B.C.D --count N --rate PPS --rounds R --seconds S
 *     Source i is base + i ({@link RawSource}). PPS 0 sends as fast as the sender can; R 0
 *     repeats the rounds until EOF on stdin; S ends it in any case. Warms its loop up on
 *     loopback first. Prints "sent PACKETS FAILED ROUNDS FIRST_NANOS END_NANOS BURST ROUND1_NANOS"
 *     (the System.nanoTime() of the first packet, after the last, and after the first round:
 *     every source's first packet sent).
 * recv --iface IF --group G --port P --base A.B.C.D --count N
 *     Joins G and prints "ready"; prints "got DISTINCT LAST_NANOS" as soon as it has seen a
 *     packet from each of the N sources, or at EOF on stdin, then exits. LAST_NANOS is the
 *     System.nanoTime() at which the last new source's first packet arrived.
 * </pre>
 * The receiver counts a packet only when its source address is base + the index it carries,
 * so packets of an earlier run that the kernel still held cannot count for this one.
 */
public final class Resend {

    private Resend() {
    }

    public static void main(String[] args) throws Throwable {
        Map<String, String> o = Storm.options(args);
        switch (args[0]) {
            case "send" -> send(o);
            case "recv" -> new Receiver(o).run();
            default -> throw new IllegalArgumentException("mode send|recv");
        }
    }

    private static volatile boolean stop;

    static void send(Map<String, String> o) throws Throwable {
        int base = Bench.ipv4(o.get("base"));
        int count = Integer.parseInt(o.get("count"));
        int rate = Integer.parseInt(o.get("rate"));
        int rounds = Integer.parseInt(o.get("rounds"));
        long seconds = Long.parseLong(o.get("seconds"));
        Thread.ofPlatform().daemon().start(() -> {
            drain(System.in);
            stop = true;
        });
        try (RawSource s = new RawSource(o.get("iface"), o.get("group"), Integer.parseInt(o.get("port")), 8)) {
            // the same loop on loopback (never leaves the namespace), so the timed run starts compiled
            s.target(RawSource.LOOPBACK);
            rounds(s, RawSource.LOOPBACK, Math.min(count, 10_000), rate, 3, 10);
            s.targetGroup();
            Thread.sleep(500); // let the JIT threads finish, so they do not compete with the router
            long[] r = rounds(s, base, count, rate, rounds, seconds);
            System.out.println("sent " + r[0] + " " + r[1] + " " + r[2] + " " + r[3] + " " + r[4] + " " + r[5] + " " + r[6]);
        }
    }

    /** Returns packets, failed, rounds started, first nanos, end nanos, largest burst, first round's end nanos. */
    private static long[] rounds(RawSource s, int base, int count, int rate, int rounds, long seconds) throws Throwable {
        Pacer pacer = new Pacer(rate);
        long first = System.nanoTime();
        long deadline = first + seconds * 1_000_000_000L;
        long packets = 0;
        long failed = 0;
        int round = 0;
        long round1 = -1;
        while ((rounds == 0 || round < rounds) && !stop && System.nanoTime() - deadline < 0) {
            round++;
            for (int i = 0; i < count && !stop; i++) {
                pacer.await();
                if (s.send(base + i, i)) {
                    packets++;
                } else {
                    failed++;
                }
            }
            if (round == 1) {
                round1 = System.nanoTime();
            }
        }
        return new long[] {packets, failed, round, first, System.nanoTime(), pacer.maxBurst(), round1};
    }

    private static void drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // until EOF
            }
        } catch (IOException e) {
            // EOF enough
        }
    }

    /** Records the first arrival of each source; the receiving thread is the only writer. */
    static final class Receiver {
        private final int base;
        private final int count;
        private final DatagramChannel ch;
        private final boolean[] seen;
        private volatile int distinct;
        private volatile long last;
        private boolean reported;

        Receiver(Map<String, String> o) throws IOException {
            base = Bench.ipv4(o.get("base"));
            count = Integer.parseInt(o.get("count"));
            seen = new boolean[count];
            InetAddress group = InetAddress.ofLiteral(o.get("group"));
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            ch.bind(new InetSocketAddress(group, Integer.parseInt(o.get("port"))));
            ch.join(group, NetworkInterface.getByName(o.get("iface")));
        }

        void run() throws Exception {
            Thread.ofPlatform().daemon().start(() -> {
                drain(System.in);
                report();
            });
            System.out.println("ready");
            System.out.flush();
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            while (true) {
                InetSocketAddress from = (InetSocketAddress) ch.receive(buf.clear());
                long now = System.nanoTime();
                if (buf.position() >= 8 && buf.getInt(0) == RawSource.MAGIC) {
                    int i = buf.getInt(4);
                    if (i >= 0 && i < count && !seen[i] && from.getAddress() instanceof Inet4Address a
                            && ByteBuffer.wrap(a.getAddress()).getInt() == base + i) {
                        seen[i] = true;
                        last = now;
                        distinct++; // the only writer
                        if (distinct == count) {
                            report();
                        }
                    }
                }
            }
        }

        private synchronized void report() {
            if (!reported) {
                reported = true;
                System.out.println("got " + distinct + " " + last);
                System.out.flush();
                System.exit(0);
            }
        }
    }
}
