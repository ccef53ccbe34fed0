package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.TableException;
import org.smcroute.kernel.Upcall;
import org.smcroute.kernel.VifCounters;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * LinuxKernel against the real ipmr/ip6mr. Needs root and runs only inside the private network
 * namespace that failsafe's {@code src/test/sh/netns/bin/java} wrapper creates; see
 * {@link NetnsFixture} for the veth pair a/b (traffic sent out of b arrives on a).
 */
class LinuxKernelIT {

    static final Addr SRC4 = Addr.parse("10.0.0.2");
    static final Addr GRP4 = Addr.parse("225.1.2.3");
    static final Addr SRC6 = Addr.parse("fd00::2");
    static final Addr GRP6 = Addr.parse("ff0e::1:2:3");
    static int ifA;
    static int ifB;

    final List<String> logged = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (level, m) -> logged.add(m));
    final List<RoutingSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void topology() throws Exception {
        NetnsFixture.ensure();
        ifA = NetworkInterface.getByName("a").getIndex();
        ifB = NetworkInterface.getByName("b").getIndex();
    }

    @AfterEach
    void closeAll() {
        sockets.forEach(RoutingSocket::close);
    }

    /** A routing socket that is closed after the test. */
    RoutingSocket open(Family f, int table) throws KernelException {
        RoutingSocket s = new LinuxKernel(log).openRouting(f, table);
        sockets.add(s);
        return s;
    }

    @Test
    void openTwiceInOneTableIsInUse() throws Exception {
        for (Family f : Family.values()) {
            RoutingSocket k = open(f, 0);
            assertThat(k.family()).isEqualTo(f);
            assertThat(k.fd()).isGreaterThanOrEqualTo(0);
            k.enableWrongVif();
            String op = f.v6() ? "MRT6_INIT" : "MRT_INIT";
            assertThatThrownBy(() -> open(f, 0)).isInstanceOfSatisfying(KernelException.class, e -> {
                assertThat(e.op()).isEqualTo(op);
                assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE);
                assertThat(e.reason()).isEqualTo("Address already in use");
            });
            open(f, 5);
            assertThat(logged).contains("Setting " + f.label() + " multicast routing table id 5");
            assertThatThrownBy(() -> open(f, 5)).isInstanceOf(KernelException.class)
                    .isNotInstanceOf(TableException.class); // in use, not unsupported
            k.close();
            k.close(); // idempotent
            assertThat(k.fd()).isEqualTo(-1);
            open(f, 0); // the table is free again
        }
        // newer kernels count the open IPv6 routing sockets here
        assertThat(Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/mc_forwarding")).trim()))
                .isPositive();
    }

    @Test
    void routingSocketBufferIsRaised() throws Exception {
        RoutingSocket k = open(Family.INET, 0);
        assertThat(LibC.getsockoptInt(k.fd(), Abi.SOL_SOCKET, Abi.SO_RCVBUF))
                .isGreaterThanOrEqualTo(8 << 20);
    }

    @Test
    void ipv4VifsAndMfc() throws Exception {
        RoutingSocket k = open(Family.INET, 0);
        k.addVif(0, ifA, 1);
        k.addVif(3, ifB, 5);
        assertThat(vifs("ip_mr_vif")).containsEntry(0, "a").containsEntry(3, "b").hasSize(2);
        byte[] ttls = new byte[32];
        ttls[3] = 5;
        k.addMfc(SRC4, GRP4, 0, ttls);
        List<String> cache = lines("ip_mr_cache");
        assertThat(cache).hasSize(1);
        // Group and Origin are the raw __be32 printed with %08X (little-endian host)
        assertThat(cache.get(0)).matches("030201E1 0200000A 0 .* 3:5\\s*");
        Counters c = k.counters(SRC4, GRP4);
        assertThat(c.packets()).isZero();
        send(false, "b");
        assertThat(await(() -> k.counters(SRC4, GRP4).packets() > 0)).isTrue();
        assertThat(k.counters(SRC4, GRP4).bytes()).isPositive();
        assertThat(k.counters(SRC4, Addr.parse("225.9.9.9"))).isEqualTo(Counters.ZERO);
        assertThat(await(() -> k.vifCounters(3).packetsOut() > 0)).isTrue();
        assertThat(k.vifCounters(0)).isEqualTo(procVif("ip_mr_vif", 0));
        assertThat(k.vifCounters(3)).isEqualTo(procVif("ip_mr_vif", 3));
        assertThat(k.vifCounters(0).packetsIn()).isPositive();
        assertThat(k.vifCounters(1)).isNull();
        assertThat(k.vifCounters(32)).isNull();
        k.delMfc(SRC4, GRP4, 0);
        assertThat(lines("ip_mr_cache")).isEmpty();
        assertThatThrownBy(() -> k.delMfc(SRC4, GRP4, 0))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        k.delVif(3, ifB);
        assertThat(vifs("ip_mr_vif")).containsOnlyKeys(0);
        k.addMfc(SRC4, GRP4, 0, ttls);
        k.close();
        assertThat(vifs("ip_mr_vif")).isEmpty();
        assertThat(lines("ip_mr_cache")).isEmpty();
        assertThatThrownBy(() -> k.addVif(0, ifA, 1))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    @Test
    void ipv6MifsAndMfc() throws Exception {
        RoutingSocket k = open(Family.INET6, 0);
        k.addVif(0, ifA, 1);
        k.addVif(2, ifB, 1);
        assertThat(vifs("ip6_mr_vif")).containsEntry(0, "a").containsEntry(2, "b").hasSize(2);
        byte[] ttls = new byte[32];
        ttls[2] = 1;
        k.addMfc(SRC6, GRP6, 0, ttls);
        List<String> cache = lines("ip6_mr_cache");
        assertThat(cache).hasSize(1);
        String[] f = cache.get(0).trim().split("\\s+");
        assertThat(Addr.parse(f[0])).isEqualTo(GRP6);
        assertThat(Addr.parse(f[1])).isEqualTo(SRC6);
        assertThat(f[2]).isEqualTo("0");
        assertThat(cache.get(0)).matches(".* 2:1\\s*");
        send(true, "b");
        assertThat(await(() -> k.counters(SRC6, GRP6).packets() > 0)).isTrue();
        assertThat(await(() -> k.vifCounters(2).packetsOut() > 0)).isTrue();
        assertThat(k.vifCounters(0)).isEqualTo(procVif("ip6_mr_vif", 0));
        assertThat(k.vifCounters(2)).isEqualTo(procVif("ip6_mr_vif", 2));
        assertThat(k.vifCounters(1)).isNull();
        k.delMfc(SRC6, GRP6, 0);
        assertThat(lines("ip6_mr_cache")).isEmpty();
        k.delVif(2, ifB);
        assertThat(vifs("ip6_mr_vif")).containsOnlyKeys(0);
        k.addMfc(SRC6, GRP6, 0, ttls);
        k.close();
        assertThat(vifs("ip6_mr_vif")).isEmpty();
        assertThat(lines("ip6_mr_cache")).isEmpty();
    }

    @Test
    void nocacheUpcalls() throws Exception {
        for (Family fam : Family.values()) {
            RoutingSocket k = open(fam, 0);
            k.addVif(0, ifA, 1);
            assertThat(k.readUpcalls(u -> { })).isZero();
            List<Upcall> got = pollUpcalls(k, u -> true);
            Addr src = fam.v6() ? SRC6 : SRC4;
            Addr grp = fam.v6() ? GRP6 : GRP4;
            assertThat(got).contains(new Upcall(fam, Upcall.Kind.NOCACHE, 1, 0, src, grp));
            k.close();
        }
    }

    @Test
    void wrongVifUpcalls() throws Exception {
        for (Family fam : Family.values()) {
            RoutingSocket k = open(fam, 0);
            k.enableWrongVif();
            k.addVif(0, ifA, 1);
            k.addVif(1, ifB, 1);
            byte[] ttls = new byte[32];
            ttls[0] = 1; // ip6mr asserts only towards an OIF (no PIM mode)
            Addr src = fam.v6() ? SRC6 : SRC4;
            Addr grp = fam.v6() ? GRP6 : GRP4;
            k.addMfc(src, grp, 1, ttls); // expects b, traffic arrives on a
            List<Upcall> got = pollUpcalls(k, u -> u.kind() == Upcall.Kind.WRONGVIF);
            assertThat(got).contains(new Upcall(fam, Upcall.Kind.WRONGVIF, 2, 0, src, grp));
            k.close();
        }
    }

    @Test
    void burstOfUpcallsIsNotDropped() throws Exception {
        RoutingSocket k = open(Family.INET, 0);
        k.addVif(0, ifA, 1);
        int n = 1000; // one NOCACHE per unresolved (S,G), so vary G; default rcvbuf holds ~256
        for (int i = 0; i < n; i++) {
            send(false, "b", GRP4.plus(i));
        }
        Set<Addr> groups = new HashSet<>();
        for (int i = 0; i < 50 && groups.size() < n; i++) {
            k.readUpcalls(u -> groups.add(u.group()));
            Thread.sleep(20);
        }
        assertThat(groups).hasSize(n);
    }

    @Test
    void ipNetnsStillWorksFromHere() throws Exception {
        String ns = "smcr-sys-it-" + ProcessHandle.current().pid();
        sh("ip", "netns", "add", ns);
        try {
            assertThat(sh("ip", "netns", "exec", ns, "ip", "-o", "link")).contains("lo:").doesNotContain(" a@");
        } finally {
            sh("ip", "netns", "del", ns);
        }
    }

    private static List<Upcall> pollUpcalls(RoutingSocket k, Predicate<Upcall> want)
            throws Exception {
        List<Upcall> got = new ArrayList<>();
        Poller p = new Poller();
        short[] rev = new short[1];
        for (int i = 0; i < 24 && got.stream().noneMatch(want); i++) {
            send(k.family().v6(), "b");
            if (p.poll(new int[] {k.fd()}, new short[] {Poller.POLLIN}, rev, 250) > 0) {
                k.readUpcalls(got::add);
            }
        }
        return got;
    }

    @Test
    void linksFoldAliasesAndKeepOrder() throws Exception {
        List<Link> links = new LinuxKernel(log).links();
        assertThat(links).extracting(Link::name).containsExactlyInAnyOrder("lo", "a", "b");
        assertThat(links).extracting(Link::index).isSorted(); // system order
        Link lo = links.get(0);
        assertThat(lo.index()).isEqualTo(1);
        assertThat(lo.flags() & (Link.IFF_UP | Link.IFF_LOOPBACK)).isEqualTo(Link.IFF_UP | Link.IFF_LOOPBACK);
        assertThat(lo.ipv4()).isEqualTo(Addr.parse("127.0.0.1"));
        Link a = links.stream().filter(l -> l.name().equals("a")).findFirst().orElseThrow();
        Link b = links.stream().filter(l -> l.name().equals("b")).findFirst().orElseThrow();
        assertThat(a.index()).isEqualTo(ifA);
        assertThat(a.multicast()).isTrue();
        assertThat(a.flags() & Link.IFF_UP).isNotZero();
        assertThat(a.ipv4()).isEqualTo(Addr.parse("10.0.0.1"));
        assertThat(b).isEqualTo(new Link("b", ifB, b.flags(), SRC4));
    }

    /** One UDP datagram to the test group out of {@code dev}, hop limit 8, no loopback copy. */
    static void send(boolean v6, String dev) throws IOException {
        send(v6, dev, v6 ? GRP6 : GRP4);
    }

    static void send(boolean v6, String dev, Addr grp) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(dev);
        try (DatagramChannel ch = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 8);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            ch.bind(new InetSocketAddress(InetAddress.getByAddress((v6 ? SRC6 : SRC4).toBytes()), 0));
            ch.send(ByteBuffer.wrap("smcroute".getBytes()),
                    new InetSocketAddress(InetAddress.getByAddress(grp.toBytes()), 4321));
        }
    }

    static boolean await(BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** VIF/MIF number → device name from /proc/net/ip_mr_vif or ip6_mr_vif. */
    static Map<Integer, String> vifs(String file) throws IOException {
        Map<Integer, String> m = new TreeMap<>();
        Pattern p = Pattern.compile("^\\s*(\\d+)\\s+(\\S+)");
        for (String l : lines(file)) {
            Matcher x = p.matcher(l);
            if (x.find()) {
                m.put(Integer.parseInt(x.group(1)), x.group(2));
            }
        }
        return m;
    }

    /** The counters of one VIF/MIF row of /proc/net/ip_mr_vif or ip6_mr_vif ("Interface BytesIn PktsIn BytesOut PktsOut ..."). */
    static VifCounters procVif(String file, int vif) throws IOException {
        for (String l : lines(file)) {
            String[] f = l.trim().split("\\s+");
            if (Integer.parseInt(f[0]) == vif) {
                return new VifCounters(Long.parseLong(f[3]), Long.parseLong(f[5]), Long.parseLong(f[2]), Long.parseLong(f[4]));
            }
        }
        return null;
    }

    /** Lines of a /proc/net file without its header. */
    static List<String> lines(String file) throws IOException {
        List<String> l = Files.readAllLines(Path.of("/proc/net", file));
        return l.subList(1, l.size());
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
