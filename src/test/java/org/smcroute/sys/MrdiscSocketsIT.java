package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.NoLinkLocalException;
import org.smcroute.log.Log;
import org.smcroute.mrdisc.Mrdisc;

/**
 * The mrdisc half of {@link LinuxKernel} against the real kernel, on the veth pair a/b of
 * {@link NetnsFixture}: memberships, socket options, a Solicitation sent out of b and read on a,
 * and the refusals that must leave no descriptor behind.
 */
class MrdiscSocketsIT {

    static int ifA;
    static int ifB;

    final LinuxKernel k = new LinuxKernel(new Log(Log.DEBUG, (level, m) -> { }));
    final List<ControlSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void topology() throws Exception {
        NetnsFixture.ensure();
        ifA = NetworkInterface.getByName("a").getIndex();
        ifB = NetworkInterface.getByName("b").getIndex();
    }

    @AfterEach
    void closeAll() {
        sockets.forEach(ControlSocket::close);
    }

    /** A control socket as mrdisc opens it, closed after the test. */
    ControlSocket open(Family f, String ifname, int ifindex) throws KernelException {
        ControlSocket s = k.openControl(f, ifname, ifindex, Mrdisc.spec(f));
        sockets.add(s);
        return s;
    }

    /** Solicitations among the packets queued on {@code s}. */
    static int solicitations(ControlSocket s, Family f) {
        int count = 0;
        for (ControlPacket p; (p = s.receive()) != null; ) {
            count += Mrdisc.isSolicitation(f, p) ? 1 : 0;
        }
        return count;
    }

    static void send(ControlSocket s, Family f, int type, int interval, int robustness) throws KernelException {
        s.send(f.v6() ? Mrdisc.ALL_SNOOPERS6 : Mrdisc.ALL_SNOOPERS, Mrdisc.encode(f, type, interval, robustness));
    }

    static String proc(String file) throws Exception {
        return Files.readString(Path.of("/proc/net", file));
    }

    /** The group lines of one device in /proc/net/igmp (they follow its header, tab-indented). */
    static String igmpGroups(int ifindex) throws Exception {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : proc("igmp").split("\n")) {
            if (!line.startsWith("\t")) {
                in = line.startsWith(ifindex + "\t");
            } else if (in) {
                out.append(line.strip()).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Raw sockets of the namespace (rows of /proc/net/raw or raw6): only this JVM makes them,
     * and unlike /proc/self/fd the count does not move with the JVM's own descriptors.
     */
    static long rawSockets(Family f) throws Exception {
        return proc(f.v6() ? "raw6" : "raw").lines().count() - 1;
    }

    @Test
    void ipv4SocketJoinsAllSnoopersAndAllRoutersWithHopLimitOne() throws Exception {
        int s = open(Family.INET, "a", ifA).fd();
        String block = igmpGroups(ifA);
        assertThat(block).contains("6A0000E0", "020000E0");
        assertThat(LibC.getsockoptInt(s, Abi.IPPROTO_IP, Abi.IP_MULTICAST_TTL)).isEqualTo(1);
        assertThat(LibC.getsockoptInt(s, Abi.IPPROTO_IP, Abi.IP_MULTICAST_LOOP)).isZero();
    }

    @Test
    void ipv6SocketJoinsAllRoutersAndAllSnoopersWithHopLimitOne() throws Exception {
        int s = open(Family.INET6, "a", ifA).fd();
        assertThat(proc("igmp6")).containsPattern(ifA + "\\s+a\\s+ff02000000000000000000000000006a")
                .containsPattern(ifA + "\\s+a\\s+ff020000000000000000000000000002");
        assertThat(LibC.getsockoptInt(s, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_HOPS)).isEqualTo(1);
        assertThat(LibC.getsockoptInt(s, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_LOOP)).isZero();
        assertThat(LibC.getsockoptInt(s, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_IF)).isEqualTo(ifA);
    }

    @Test
    void solicitationSentOutOfBIsReadOnA() throws Exception {
        for (Family f : Family.values()) {
            ControlSocket a = open(f, "a", ifA);
            ControlSocket b = open(f, "b", ifB);
            assertThat(solicitations(a, f)).isZero();
            // an Advertisement out of b reaches a too, but is not a Solicitation
            send(b, f, f.v6() ? Mrdisc.ADVERTISEMENT6 : Mrdisc.ADVERTISEMENT, 20, 2);
            send(b, f, f.v6() ? Mrdisc.SOLICITATION6 : Mrdisc.SOLICITATION, 0, 0);
            int n = 0;
            for (int i = 0; i < 50 && n == 0; i++) {
                Thread.sleep(20);
                n = solicitations(a, f);
            }
            assertThat(n).as(f.label()).isEqualTo(1);
            assertThat(solicitations(a, f)).isZero();
        }
    }

    @Test
    void ipv6WithoutLinkLocalIsRefusedBeforeAnySocket() throws Exception {
        // a private pair, removed again: the other ITs of this JVM expect only a and b
        LinuxKernelIT.sh("ip", "link", "add", "name", "nolla", "type", "veth", "peer", "name", "nollb");
        try {
            LinuxKernelIT.sh("ip", "link", "set", "dev", "nolla", "addrgenmode", "none");
            LinuxKernelIT.sh("ip", "link", "set", "dev", "nolla", "up");
            int index = LibC.ifNameToIndex("nolla");
            long before = rawSockets(Family.INET6);
            assertThatThrownBy(() -> open(Family.INET6, "nolla", index)).isInstanceOf(NoLinkLocalException.class);
            assertThat(rawSockets(Family.INET6)).isEqualTo(before);
            open(Family.INET, "nolla", index).close(); // IPv4 needs no address
            sockets.clear();
        } finally {
            LinuxKernelIT.sh("ip", "link", "del", "nolla");
        }
    }

    @Test
    void failedSetupLeavesNoDescriptor() throws Exception {
        long before = rawSockets(Family.INET);
        assertThatThrownBy(() -> open(Family.INET, "nosuchif", 9999)).isInstanceOf(KernelException.class)
                .extracting(e -> ((KernelException) e).op()).isEqualTo("SO_BINDTODEVICE");
        assertThat(rawSockets(Family.INET)).isEqualTo(before);
    }
}
