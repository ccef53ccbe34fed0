package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.mrdisc.Mrdisc;
import org.smcroute.net.Addr;

/**
 * The neighbour's side of the mrdisc integration test, run as its own JVM inside a namespace
 * ({@code ip netns exec NS java -cp ... org.smcroute.sys.MrdiscProbe IFNAME}). It lives in
 * {@code sys} because it needs raw sockets.
 *
 * <p>Captures every packet on IFNAME with an AF_PACKET socket (cooked, so lines start at the
 * IP header) and prints the mrdisc ones, IGMP types 0x30-0x32 and ICMPv6 types 151-153 behind
 * an optional Hop-by-Hop header: {@code pkt EPOCH_MS PKTTYPE HEX}. Prints {@code ready} once
 * capturing. Commands on stdin: {@code solicit4} / {@code solicit6} send a Solicitation to
 * All-Routers and print {@code sent EPOCH_MS}; EOF exits.
 */
public final class MrdiscProbe {

    private static final int AF_PACKET = 17;
    /** htons(ETH_P_ALL). */
    private static final short ETH_P_ALL_BE = 0x0300;
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final MethodHandle RECVFROM =
            LibC.errno("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);

    private MrdiscProbe() {
    }

    public static void main(String[] args) throws Throwable {
        String ifname = args[0];
        int ifindex = LibC.ifNameToIndex(ifname);
        if (ifindex == 0) {
            throw new IllegalArgumentException("no interface " + ifname);
        }
        int fd = LibC.check("socket", LibC.socket(AF_PACKET, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, Short.toUnsignedInt(ETH_P_ALL_BE)));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ll = a.allocate(SOCKADDR_LL_SIZE, 4);
            ll.set(JAVA_SHORT, 0, (short) AF_PACKET);
            ll.set(JAVA_SHORT, 2, ETH_P_ALL_BE);
            ll.set(JAVA_INT, 4, ifindex);
            LibC.check("bind", LibC.bind(fd, ll, SOCKADDR_LL_SIZE));
        }
        Thread.ofPlatform().daemon().name("probe-stdin").start(() -> commands(ifindex));
        print("ready");
        capture(fd);
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void commands(int ifindex) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.strip()) {
                    case "solicit4" -> solicit(false, ifindex);
                    case "solicit6" -> solicit(true, ifindex);
                    default -> print("error unknown command " + line);
                }
            }
        } catch (Exception e) {
            print("error " + e);
        }
        System.exit(0);
    }

    private static void solicit(boolean v6, int ifindex) throws KernelException {
        int fd = LibC.check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC,
                v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment to;
            byte[] msg;
            if (v6) {
                LibC.check("IPV6_MULTICAST_IF", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_IF, ifindex));
                LibC.check("IPV6_MULTICAST_HOPS", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_HOPS, 1));
                to = a.allocate(Layouts.SOCKADDR_IN6);
                to.set(JAVA_SHORT, 0, (short) Abi.AF_INET6);
                MemorySegment.copy(Addr.parse("ff02::2").toBytes(), 0, to, JAVA_BYTE,
                        Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr"), 16);
                to.set(JAVA_INT, Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_scope_id"), ifindex);
                msg = Mrdisc.encode(Family.INET6, Mrdisc.SOLICITATION6, 0, 0);
            } else {
                MemorySegment mreqn = a.allocate(Layouts.IP_MREQN);
                mreqn.set(JAVA_INT, Layouts.offset(Layouts.IP_MREQN, "imr_ifindex"), ifindex);
                LibC.check("IP_MULTICAST_IF", LibC.setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_IF, mreqn,
                        (int) mreqn.byteSize()));
                LibC.check("IP_MULTICAST_TTL", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_TTL, 1));
                to = a.allocate(Layouts.SOCKADDR_IN);
                to.set(JAVA_SHORT, 0, (short) Abi.AF_INET);
                to.set(Layouts.IN_ADDR, Layouts.offset(Layouts.SOCKADDR_IN, "sin_addr"), Addr.parse("224.0.0.2").ipv4());
                msg = Mrdisc.encode(Family.INET, Mrdisc.SOLICITATION, 0, 0);
            }
            long now = System.currentTimeMillis();
            long n = LibC.sendto(fd, a.allocateFrom(JAVA_BYTE, msg), msg.length, 0, to, (int) to.byteSize());
            LibC.check("sendto", (int) Math.min(n, 0));
            print("sent " + now);
        } finally {
            LibC.close(fd);
        }
    }

    private static void capture(int fd) throws Throwable {
        MemorySegment buf = Arena.global().allocate(65536);
        MemorySegment from = Arena.global().allocate(SOCKADDR_LL_SIZE, 4);
        MemorySegment fromLen = Arena.global().allocate(JAVA_INT);
        HexFormat hex = HexFormat.of();
        while (true) {
            fromLen.set(JAVA_INT, 0, SOCKADDR_LL_SIZE);
            long n = (long) RECVFROM.invokeExact(LibC.state(), fd, buf, buf.byteSize(), 0, from, fromLen);
            if (n < 0) {
                continue; // EINTR
            }
            byte[] p = buf.asSlice(0, n).toArray(JAVA_BYTE);
            if (isMrdisc(p)) {
                print("pkt " + System.currentTimeMillis() + " " + (from.get(JAVA_BYTE, 10) & 0xff) + " " + hex.formatHex(p));
            }
        }
    }

    static boolean isMrdisc(byte[] p) {
        if (p.length < 20) {
            return false;
        }
        int version = (p[0] & 0xff) >> 4;
        if (version == 4) {
            int ihl = (p[0] & 0x0f) * 4;
            int type = p.length > ihl ? p[ihl] & 0xff : -1;
            return (p[9] & 0xff) == Abi.IPPROTO_IGMP && type >= 0x30 && type <= 0x32;
        }
        if (version == 6 && p.length >= 48) {
            int next = p[6] & 0xff;
            int at = 40;
            if (next == 0) { // Hop-by-Hop
                next = p[at] & 0xff;
                at += ((p[at + 1] & 0xff) + 1) * 8;
            }
            int type = p.length > at ? p[at] & 0xff : -1;
            return next == Abi.IPPROTO_ICMPV6 && type >= 151 && type <= 153;
        }
        return false;
    }
}
