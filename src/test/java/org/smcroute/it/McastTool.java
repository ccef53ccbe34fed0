package org.smcroute.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.smcroute.net.Addr;

/**
 * Multicast test traffic, run as its own JVM inside a namespace
 * ({@code ip netns exec NS java -cp target/test-classes:target/classes org.smcroute.it.McastTool ...}).
 * Test code drives it through {@link Mcast}; it is also handy by hand.
 *
 * <pre>
 * send --iface IF --group G [--group ...] --port P [--count N] [--rate PPS] [--ttl T] [--source ADDR]
 *      [--until FILE]
 *     Sends N (10) UDP datagrams "smcr-it SEQ" to each G:P out of IF at PPS (100) rounds/s with
 *     TTL / hop limit T (8), optionally from a bound source address (all groups then of its
 *     family). Groups may mix IPv4 and IPv6. With --until, sends until FILE exists (and at least
 *     N rounds), so a test's stream lasts as long as its work, however slow the machine. Prints
 *     "sent N" with the rounds sent.
 * recv --iface IF --port P --group [SRC@]G [--group ...] [--duration MS]
 *     Joins each group on IF (SRC@G is a source-specific join), prints "ready", and counts
 *     datagrams per (source, group). A "report" line on stdin prints the counts so far; EOF on
 *     stdin (or the duration) prints them and exits. Count lines are
 *     "count SRC GROUP PACKETS DISTINCT_SEQS", a report ends with "end".
 * join --iface IF --group G --count N
 *     Joins the N groups G, G+1, ... on IF with one socket (raise igmp_max_memberships or
 *     mld_max_memberships first), prints "ready", holds them until EOF on stdin, then prints
 *     "left" once the socket is closed.
 * </pre>
 * Addresses are printed in canonical form (compressed IPv6), as {@link Addr} does.
 */
public final class McastTool {

    private McastTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no mode");
        }
        Map<String, List<String>> opt = parse(args);
        switch (args[0]) {
            case "send" -> send(opt);
            case "recv" -> recv(opt);
            case "join" -> join(opt);
            default -> usage("unknown mode " + args[0]);
        }
    }

    static void send(Map<String, List<String>> opt) throws IOException {
        NetworkInterface nif = iface(one(opt, "iface"));
        List<InetAddress> groups = new ArrayList<>();
        for (String g : opt.getOrDefault("group", List.of())) {
            groups.add(InetAddress.ofLiteral(g));
        }
        if (groups.isEmpty()) {
            usage("send needs --group");
        }
        int port = Integer.parseInt(one(opt, "port"));
        int count = Integer.parseInt(one(opt, "count", "10"));
        int rate = Integer.parseInt(one(opt, "rate", "100"));
        int ttl = Integer.parseInt(one(opt, "ttl", "8"));
        String source = one(opt, "source", null);
        String until = one(opt, "until", null);
        // One channel per family; with several groups each round sends one datagram to each.
        Map<StandardProtocolFamily, DatagramChannel> channels = new LinkedHashMap<>();
        try {
            for (InetAddress group : groups) {
                if (channels.containsKey(family(group))) {
                    continue;
                }
                DatagramChannel ch = DatagramChannel.open(family(group));
                channels.put(family(group), ch);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl); // hop limit for IPv6
                ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
                if (source != null) {
                    ch.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
                }
            }
            long interval = 1_000_000_000L / Math.max(1, rate);
            long next = System.nanoTime();
            if (until != null) {
                count = Integer.MAX_VALUE;
            }
            int minimum = Integer.parseInt(one(opt, "count", "10"));
            for (int seq = 0; seq < count; seq++) {
                if (until != null && seq >= minimum && seq % 10 == 0 && Files.exists(Path.of(until))) {
                    count = seq;
                    break;
                }
                for (InetAddress group : groups) {
                    channels.get(family(group)).send(ByteBuffer.wrap(("smcr-it " + seq).getBytes(StandardCharsets.US_ASCII)),
                            new InetSocketAddress(group, port));
                }
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0 && seq + 1 < count) {
                    LockSupport.parkNanos(wait);
                }
            }
        } finally {
            for (DatagramChannel ch : channels.values()) {
                ch.close();
            }
        }
        System.out.println("sent " + count);
    }

    /** Packets and distinct sequence numbers of one (source, group) flow. */
    private static final class Flow {
        long packets;
        final BitSet seqs = new BitSet();
    }

    static void join(Map<String, List<String>> opt) throws IOException {
        NetworkInterface nif = iface(one(opt, "iface"));
        Addr first = Addr.parse(one(opt, "group"));
        int count = Integer.parseInt(one(opt, "count"));
        try (DatagramChannel ch = DatagramChannel.open(first.v6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            for (int i = 0; i < count; i++) {
                ch.join(InetAddress.getByAddress(first.plus(i).toBytes()), nif);
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // only EOF matters
            }
        }
        System.out.println("left");
        System.out.flush();
    }

    static void recv(Map<String, List<String>> opt) throws Exception {
        NetworkInterface nif = iface(one(opt, "iface"));
        int port = Integer.parseInt(one(opt, "port"));
        long duration = Long.parseLong(one(opt, "duration", "0"));
        List<String> specs = opt.getOrDefault("group", List.of());
        if (specs.isEmpty()) {
            usage("recv needs --group");
        }
        // One socket per group, bound to the group address so that Linux delivers to it only
        // datagrams sent to that group: the socket then tells us the destination.
        Map<InetAddress, DatagramChannel> channels = new LinkedHashMap<>();
        Selector selector = Selector.open();
        for (String spec : specs) {
            int at = spec.indexOf('@');
            InetAddress group = InetAddress.ofLiteral(spec.substring(at + 1));
            DatagramChannel ch = channels.get(group);
            if (ch == null) {
                ch = DatagramChannel.open(family(group));
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.bind(new InetSocketAddress(group, port));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, Addr.fromBytes(group.getAddress()).toString());
                channels.put(group, ch);
            }
            if (at < 0) {
                ch.join(group, nif);
            } else {
                ch.join(group, nif, InetAddress.ofLiteral(spec.substring(0, at)));
            }
        }

        // stdin is read on its own thread; the selector loop owns all counting state.
        AtomicInteger request = new AtomicInteger(); // 1 = report, 2 = finish
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.strip().equals("report")) {
                        signal(request, 1, selector);
                    }
                }
            } catch (IOException e) {
                // treated like EOF
            }
            signal(request, 2, selector);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        System.out.println("ready");
        System.out.flush();

        Map<String, Flow> flows = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        long deadline = duration > 0 ? System.nanoTime() + duration * 1_000_000L : Long.MAX_VALUE;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            selector.select(Math.min(left, 1000));
            for (SelectionKey key : selector.selectedKeys()) {
                DatagramChannel ch = (DatagramChannel) key.channel();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) ch.receive(buf.clear())) != null) {
                    String id = Addr.fromBytes(from.getAddress().getAddress()) + " " + key.attachment();
                    Flow f = flows.computeIfAbsent(id, k -> new Flow());
                    f.packets++;
                    int seq = seqOf(buf.flip());
                    if (seq >= 0) {
                        f.seqs.set(seq);
                    }
                }
            }
            selector.selectedKeys().clear();
            int r = request.getAndUpdate(v -> v == 2 ? 2 : 0);
            if (r == 2) {
                break;
            }
            if (r == 1) {
                report(flows);
            }
        }
        report(flows);
        System.exit(0); // the stdin thread may still be blocked in read
    }

    private static void signal(AtomicInteger request, int what, Selector selector) {
        request.accumulateAndGet(what, Math::max);
        selector.wakeup();
    }

    private static void report(Map<String, Flow> flows) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Flow> e : flows.entrySet()) {
            sb.append("count ").append(e.getKey()).append(' ').append(e.getValue().packets)
                    .append(' ').append(e.getValue().seqs.cardinality()).append('\n');
        }
        System.out.print(sb.append("end\n"));
        System.out.flush();
    }

    /** The sequence number of a "smcr-it SEQ" payload, or -1 for foreign traffic. */
    static int seqOf(ByteBuffer b) {
        String s = StandardCharsets.US_ASCII.decode(b).toString();
        if (!s.startsWith("smcr-it ")) {
            return -1;
        }
        try {
            return Integer.parseInt(s.substring(8).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static StandardProtocolFamily family(InetAddress a) {
        return a.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private static NetworkInterface iface(String name) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
            usage("no such interface " + name);
        }
        return nif;
    }

    /** "--key value" pairs after the mode; repeated keys accumulate. */
    public static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> opt = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("bad argument " + args[i]);
            }
            opt.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
        }
        return opt;
    }

    private static String one(Map<String, List<String>> opt, String key) {
        String v = one(opt, key, null);
        if (v == null) {
            usage("missing --" + key);
        }
        return v;
    }

    private static String one(Map<String, List<String>> opt, String key, String dflt) {
        List<String> v = opt.get(key);
        return v == null ? dflt : v.getLast();
    }

    private static void usage(String why) {
        System.err.println("McastTool: " + why + "\nusage: McastTool send --iface IF --group G --port P"
                + " [--count N] [--rate PPS] [--ttl T] [--source ADDR]\n"
                + "       McastTool recv --iface IF --port P --group [SRC@]G [--group ...] [--duration MS]\n"
                + "       McastTool join --iface IF --group G --count N");
        System.exit(2);
    }
}
