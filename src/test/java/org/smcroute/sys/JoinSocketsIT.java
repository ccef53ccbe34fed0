package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * The join half of {@link LinuxKernel} against the real kernel, checked through /proc/net/igmp,
 * igmp6, mcfilter and mcfilter6 in the private namespace of {@link NetnsFixture}.
 */
class JoinSocketsIT {

    static final int PORT = 4321; // where LinuxKernelIT.send aims
    static int ifA;

    final List<String> logged = new ArrayList<>();
    final LinuxKernel k = new LinuxKernel(new Log(Log.DEBUG, (level, m) -> logged.add(m)));
    final List<MembershipSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void topology() throws Exception {
        NetnsFixture.ensure();
        ifA = NetworkInterface.getByName("a").getIndex();
    }

    @AfterEach
    void closeAll() {
        sockets.forEach(MembershipSocket::close);
    }

    MembershipSocket socket(Family f) throws KernelException {
        MembershipSocket s = k.openMembership(f);
        sockets.add(s);
        return s;
    }

    static Addr src(Family f) {
        return f.v6() ? LinuxKernelIT.SRC6 : LinuxKernelIT.SRC4;
    }

    static Addr grp(Family f, int n) {
        return (f.v6() ? Addr.parse("ff0e::5:0") : Addr.parse("225.5.0.0")).plus(n);
    }

    @Test
    void asmAndSsmJoinsShowInProcAndLeaveRemovesThem() throws Exception {
        for (Family f : Family.values()) {
            MembershipSocket s = socket(f);
            Addr asm = grp(f, 1);
            Addr ssm = grp(f, 2);
            s.join(ifA, null, asm);
            s.join(ifA, src(f), ssm);
            assertThat(memberships(f)).contains("a " + asm, "a " + ssm);
            assertThat(sources(f)).containsExactly("a " + src(f) + " " + ssm);
            assertThat(logged).isEmpty(); // loop, multicast-all and the filter were all set

            s.leave(ifA, null, asm);
            assertThat(memberships(f)).contains("a " + ssm).doesNotContain("a " + asm);
            s.leave(ifA, src(f), ssm);
            assertThat(memberships(f)).doesNotContain("a " + ssm);
            assertThat(sources(f)).isEmpty();
            assertThatThrownBy(() -> s.leave(ifA, null, asm))
                    .isInstanceOfSatisfying(KernelException.class, e -> {
                        assertThat(e.op()).isEqualTo("MCAST_LEAVE_GROUP");
                        assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL);
                    });
        }
    }

    @Test
    void sourceFiltersReplaceTheWholeStateAndAreLimitedPerSocket() throws Exception {
        for (Family f : Family.values()) {
            MembershipSocket s = socket(f);
            Addr g = grp(f, 3);
            Addr s1 = src(f);
            Addr s2 = s1.plus(1);
            assertThatThrownBy(() -> s.setFilter(ifA, g, true, List.of()))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            s.join(ifA, null, g);
            s.setFilter(ifA, g, true, List.of(s1));
            assertThat(filterModes(f)).containsExactly("a " + s1 + " " + g + " EXCLUDE");
            s.setFilter(ifA, g, false, List.of(s1, s2));
            assertThat(filterModes(f)).containsExactlyInAnyOrder("a " + s1 + " " + g + " INCLUDE",
                    "a " + s2 + " " + g + " INCLUDE");
            // igmp_max_msf (10) and mld_max_msf (64) bound the sources of one filter; the IPv6 one
            // is global, so a namespace does not show it
            Path msf = Path.of(f.v6() ? "/proc/sys/net/ipv6/mld_max_msf" : "/proc/sys/net/ipv4/igmp_max_msf");
            int max = Files.exists(msf) ? Integer.parseInt(Files.readAllLines(msf).get(0)) : 64;
            List<Addr> many = new ArrayList<>();
            for (int i = 0; i <= max; i++) {
                many.add(s1.plus(100 + i));
            }
            assertThatThrownBy(() -> s.setFilter(ifA, g, false, many))
                    .isInstanceOfSatisfying(KernelException.class, e -> {
                        assertThat(e.op()).isEqualTo("MCAST_MSFILTER");
                        assertThat(e.errno()).isEqualTo(Errno.ENOBUFS);
                    });
            s.setFilter(ifA, g, true, List.of());
            assertThat(memberships(f)).contains("a " + g);
            assertThat(filterModes(f)).isEmpty();
            s.leave(ifA, null, g);
            assertThat(memberships(f)).doesNotContain("a " + g);
        }
    }

    @Test
    void closingTheSocketLeavesEverything() throws Exception {
        for (Family f : Family.values()) {
            MembershipSocket s = k.openMembership(f);
            s.join(ifA, null, grp(f, 1));
            s.join(ifA, src(f), grp(f, 2));
            assertThat(memberships(f)).contains("a " + grp(f, 1), "a " + grp(f, 2));
            s.close();
            assertThat(memberships(f)).doesNotContain("a " + grp(f, 1), "a " + grp(f, 2));
            assertThat(sources(f)).isEmpty();
        }
    }

    @Test
    void joiningTwiceIsAddressInUse() throws Exception {
        for (Family f : Family.values()) {
            MembershipSocket s = socket(f);
            s.join(ifA, null, grp(f, 1));
            assertThatThrownBy(() -> s.join(ifA, null, grp(f, 1)))
                    .isInstanceOfSatisfying(KernelException.class, e -> {
                        assertThat(e.op()).isEqualTo("MCAST_JOIN_GROUP");
                        assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE);
                    });
            assertThatThrownBy(() -> s.join(ifA, null, src(f)))
                    .isInstanceOf(KernelException.class); // not a multicast group
            assertThatThrownBy(() -> s.join(ifA, null, grp(f.v6() ? Family.INET : Family.INET6, 1)))
                    .isInstanceOf(IllegalArgumentException.class); // a group of the other family
        }
    }

    @Test
    void socketMembershipLimitIsNoBufs() throws Exception {
        // not Files.readString: on /proc/sys files it returns only the first byte ("2" for "20")
        int max = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/igmp_max_memberships")).get(0));
        assertThat(max).isEqualTo(20); // the Linux default the join pool starts from
        MembershipSocket s = socket(Family.INET);
        for (int i = 0; i < max; i++) {
            s.join(ifA, null, grp(Family.INET, i));
        }
        assertThatThrownBy(() -> s.join(ifA, null, grp(Family.INET, max)))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.op()).isEqualTo("MCAST_JOIN_GROUP");
                    assertThat(e.errno()).isEqualTo(Errno.ENOBUFS);
                });
        socket(Family.INET).join(ifA, null, grp(Family.INET, max)); // a fresh socket has room
    }

    @Test
    void twoThousandJoinsOverOneHundredSocketsLeaveNothingBehind() throws Exception {
        for (Family f : Family.values()) {
            Set<String> before = memberships(f);
            MembershipSocket[] fds = new MembershipSocket[100];
            for (int i = 0; i < fds.length; i++) {
                fds[i] = k.openMembership(f);
                for (int j = 0; j < 20; j++) {
                    fds[i].join(ifA, null, grp(f, 1000 + i * 20 + j));
                }
            }
            Set<String> joined = memberships(f);
            joined.removeAll(before);
            assertThat(joined).hasSize(2000).contains("a " + grp(f, 1000), "a " + grp(f, 2999));
            for (MembershipSocket fd : fds) {
                fd.close();
            }
            assertThat(memberships(f)).isEqualTo(before);
        }
    }

    @Test
    void dropAllFilterKeepsDataOut() throws Exception {
        for (Family f : Family.values()) {
            Addr g = grp(f, 7);
            MembershipSocket s = socket(f);
            bindAny(((LinuxMembershipSocket) s).fd(), f, PORT);
            s.join(ifA, null, g);
            try (DatagramChannel control = DatagramChannel.open(
                    f.v6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
                control.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                control.bind(new InetSocketAddress(PORT));
                control.join(InetAddress.getByAddress(g.toBytes()), NetworkInterface.getByName("a"));
                control.configureBlocking(false);
                ByteBuffer in = ByteBuffer.allocate(64);
                assertThat(LinuxKernelIT.await(() -> {
                    sendQuietly(f, g);
                    return receive(control, in);
                })).as("the control socket receives the group").isTrue();
                int fd = ((LinuxMembershipSocket) s).fd();
                assertThat(queued(fd)).isZero();
                try (Arena a = Arena.ofConfined()) {
                    assertThat(LibC.recv(fd, a.allocate(64), 64, Abi.MSG_DONTWAIT)).isEqualTo(-Errno.EAGAIN);
                }
                // without the filter the same socket does get the data, so the filter is what works
                assertThat(LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_DETACH_FILTER, 0)).isZero();
                assertThat(LinuxKernelIT.await(() -> {
                    sendQuietly(f, g);
                    return queued(fd) > 0;
                })).isTrue();
            }
        }
    }

    static boolean receive(DatagramChannel ch, ByteBuffer in) {
        try {
            return ch.receive(in.clear()) != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sendQuietly(Family f, Addr g) {
        try {
            LinuxKernelIT.send(f.v6(), "b", g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes waiting in the receive queue (FIONREAD). */
    static int queued(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            assertThat(LibC.ioctl(fd, Abi.FIONREAD, n)).isZero();
            return n.get(JAVA_INT, 0);
        }
    }

    /** Binds to the wildcard address and {@code port}, sharing the port (SO_REUSEADDR). */
    static void bindAny(int fd, Family f, int port) {
        assertThat(LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_REUSEADDR, 1)).isZero();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(f.v6() ? Layouts.SOCKADDR_IN6 : Layouts.SOCKADDR_IN);
            sa.set(JAVA_SHORT, 0, (short) (f.v6() ? Abi.AF_INET6 : Abi.AF_INET));
            sa.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
            assertThat(LibC.bind(fd, sa, (int) sa.byteSize())).isZero();
        }
    }

    /** "dev group" per membership from /proc/net/igmp or igmp6. */
    static Set<String> memberships(Family f) throws Exception {
        Set<String> out = new HashSet<>();
        if (f.v6()) {
            for (String l : Files.readAllLines(Path.of("/proc/net/igmp6"))) {
                String[] x = l.trim().split("\\s+");
                out.add(x[1] + " " + addr6(x[2]));
            }
            return out;
        }
        String dev = null;
        for (String l : LinuxKernelIT.lines("igmp")) {
            String[] x = l.trim().split("\\s+");
            if (!l.startsWith("\t")) {
                dev = x[1];
            } else {
                // the raw __be32 printed with %08X, so byte-swapped on a little-endian host
                int raw = (int) Long.parseLong(x[0], 16);
                boolean le = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
                out.add(dev + " " + Addr.ofIpv4(le ? Integer.reverseBytes(raw) : raw));
            }
        }
        return out;
    }

    /** "dev source group" per source filter from /proc/net/mcfilter or mcfilter6. */
    static Set<String> sources(Family f) throws Exception {
        Set<String> out = new HashSet<>();
        for (String l : LinuxKernelIT.lines(f.v6() ? "mcfilter6" : "mcfilter")) {
            String[] x = l.trim().split("\\s+");
            Addr g = f.v6() ? addr6(x[2]) : Addr.ofIpv4((int) Long.decode(x[2]).longValue());
            Addr s = f.v6() ? addr6(x[3]) : Addr.ofIpv4((int) Long.decode(x[3]).longValue());
            out.add(x[1] + " " + s + " " + g);
        }
        return out;
    }

    /** "dev source group INCLUDE|EXCLUDE" per source filter of /proc/net/mcfilter or mcfilter6. */
    static List<String> filterModes(Family f) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : LinuxKernelIT.lines(f.v6() ? "mcfilter6" : "mcfilter")) {
            String[] x = l.trim().split("\\s+");
            Addr g = f.v6() ? addr6(x[2]) : Addr.ofIpv4((int) Long.decode(x[2]).longValue());
            Addr s = f.v6() ? addr6(x[3]) : Addr.ofIpv4((int) Long.decode(x[3]).longValue());
            out.add(x[1] + " " + s + " " + g + (Long.parseLong(x[4]) > 0 ? " INCLUDE" : " EXCLUDE"));
        }
        return out;
    }

    static Addr addr6(String hex32) {
        return Addr.fromBytes(HexFormat.of().parseHex(hex32));
    }
}
