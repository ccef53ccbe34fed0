package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.smcroute.sys.LibC.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.net.Addr;

/**
 * Multicast Router Discovery sockets (SPEC §17.2, §17.5), one per interface and family: a raw
 * IGMP or ICMPv6 socket tied to its device that sends to All-Snoopers with hop limit 1 and a
 * Router Alert, and receives Solicitations. Split out of {@link LinuxKernel}, which delegates
 * here; used from the state thread only, so one receive buffer serves every socket.
 *
 * <p>An IPv6 interface without a link-local address is refused before any socket is made
 * (checked with getifaddrs, tentative addresses count): the kernel would have no source
 * address for ff02::6a. The socket is not bound to that address, so it keeps working when the
 * address is still in DAD at registration or is re-created later.
 */
final class MrdiscSockets {

    static final Addr ALL_ROUTERS = Addr.parse("224.0.0.2");
    static final Addr ALL_SNOOPERS = Addr.parse("224.0.0.106");
    static final Addr ALL_ROUTERS6 = Addr.parse("ff02::2");
    static final Addr ALL_SNOOPERS6 = Addr.parse("ff02::6a");
    static final int IGMP_SOLICITATION = 0x31;
    static final int ICMP6_SOLICITATION = 152;
    /** IP option Router Alert (RFC 2113), value 0. */
    private static final byte[] ROUTER_ALERT = {(byte) 0x94, 0x04, 0x00, 0x00};
    /** Hop-by-Hop header: next header (kernel), length 0, Router Alert (type 5, len 2, MLD 0), PadN. */
    private static final byte[] HOPOPTS_ROUTER_ALERT = {0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00};
    private static final long BUF_SIZE = 2048;

    private static final long SIN6_ADDR = Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");
    private static final long SIN6_SCOPE = Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_scope_id");
    private static final long SIN_ADDR = Layouts.offset(Layouts.SOCKADDR_IN, "sin_addr");
    private static final long MREQN_ADDRESS = Layouts.offset(Layouts.IP_MREQN, "imr_address");
    private static final long MREQN_IFINDEX = Layouts.offset(Layouts.IP_MREQN, "imr_ifindex");
    private static final long MREQ6_IFINDEX = Layouts.offset(Layouts.IPV6_MREQ, "ipv6mr_interface");

    private final MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE, 8);

    /** See {@link Kernel#openMrdisc}. */
    int open(Family f, String ifname, int ifindex) throws KernelException {
        boolean v6 = f.v6();
        if (v6 && !IfAddrs.hasLinkLocal6(ifname)) {
            throw new KernelException(Kernel.NO_LINK_LOCAL, Errno.EADDRNOTAVAIL, "no link-local address");
        }
        int fd = check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK, v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        try (Arena a = Arena.ofConfined()) {
            byte[] name = ifname.getBytes(StandardCharsets.UTF_8);
            MemorySegment dev = a.allocate(Abi.IFNAMSIZ);
            MemorySegment.copy(name, 0, dev, JAVA_BYTE, 0, Math.min(name.length, Abi.IFNAMSIZ - 1));
            check("SO_BINDTODEVICE", LibC.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_BINDTODEVICE, dev, Abi.IFNAMSIZ));
            if (v6) {
                setup6(a, fd, ifindex);
            } else {
                setup4(a, fd, ifindex);
            }
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return fd;
    }

    private static void setup4(Arena a, int fd, int ifindex) throws KernelException {
        for (Addr group : new Addr[] {ALL_SNOOPERS, ALL_ROUTERS}) {
            check("IP_ADD_MEMBERSHIP", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_ADD_MEMBERSHIP, mreqn(a, group, ifindex)));
        }
        check("IP_MULTICAST_TTL", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_TTL, 1));
        check("IP_MULTICAST_LOOP", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_LOOP, 0));
        check("IP_MULTICAST_IF", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_IF, mreqn(a, null, ifindex)));
        check("IP_OPTIONS", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_OPTIONS, a.allocateFrom(JAVA_BYTE, ROUTER_ALERT)));
    }

    private static MemorySegment mreqn(Arena a, Addr group, int ifindex) {
        MemorySegment m = a.allocate(Layouts.IP_MREQN);
        if (group != null) {
            m.set(Layouts.IN_ADDR, 0, group.ipv4());
        }
        m.set(Layouts.IN_ADDR, MREQN_ADDRESS, 0);
        m.set(JAVA_INT, MREQN_IFINDEX, ifindex);
        return m;
    }

    private static void setup6(Arena a, int fd, int ifindex) throws KernelException {
        MemorySegment filter = a.allocate(Layouts.ICMP6_FILTER);
        filter.fill((byte) 0xff); // a set bit blocks a type: pass only Solicitations
        long word = 4L * (ICMP6_SOLICITATION >> 5);
        filter.set(JAVA_INT, word, filter.get(JAVA_INT, word) & ~(1 << (ICMP6_SOLICITATION & 31)));
        check("ICMP6_FILTER", setsockopt(fd, Abi.IPPROTO_ICMPV6, Abi.ICMP6_FILTER, filter));
        for (Addr group : new Addr[] {ALL_ROUTERS6, ALL_SNOOPERS6}) {
            MemorySegment m = a.allocate(Layouts.IPV6_MREQ);
            MemorySegment.copy(group.toBytes(), 0, m, JAVA_BYTE, 0, 16);
            m.set(JAVA_INT, MREQ6_IFINDEX, ifindex);
            check("IPV6_ADD_MEMBERSHIP", setsockopt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_JOIN_GROUP, m));
        }
        check("IPV6_MULTICAST_HOPS", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_HOPS, 1));
        check("IPV6_MULTICAST_LOOP", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_LOOP, 0));
        check("IPV6_MULTICAST_IF", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_MULTICAST_IF, ifindex));
        check("IPV6_HOPOPTS", setsockopt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_HOPOPTS,
                a.allocateFrom(JAVA_BYTE, HOPOPTS_ROUTER_ALERT)));
    }

    private static int setsockopt(int fd, int level, int opt, MemorySegment value) {
        return LibC.setsockopt(fd, level, opt, value, (int) value.byteSize());
    }

    /** See {@link Kernel#sendMrdisc}. */
    void send(int fd, Family f, int ifindex, byte[] msg) throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment to;
            if (f.v6()) {
                to = a.allocate(Layouts.SOCKADDR_IN6);
                to.set(JAVA_SHORT, 0, (short) Abi.AF_INET6);
                MemorySegment.copy(ALL_SNOOPERS6.toBytes(), 0, to, JAVA_BYTE, SIN6_ADDR, 16);
                to.set(JAVA_INT, SIN6_SCOPE, ifindex);
            } else {
                to = a.allocate(Layouts.SOCKADDR_IN);
                to.set(JAVA_SHORT, 0, (short) Abi.AF_INET);
                to.set(Layouts.IN_ADDR, SIN_ADDR, ALL_SNOOPERS.ipv4());
            }
            MemorySegment data = a.allocateFrom(JAVA_BYTE, msg);
            long n;
            do {
                n = LibC.sendto(fd, data, msg.length, Abi.MSG_DONTWAIT, to, (int) to.byteSize());
            } while (n == -Errno.EINTR);
            check("sendto", (int) Math.min(n, 0));
        }
    }

    /** See {@link Kernel#readMrdisc}. */
    int read(int fd, Family f) {
        int solicitations = 0;
        while (true) {
            long n = LibC.recv(fd, buf, BUF_SIZE, Abi.MSG_DONTWAIT);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                return solicitations;
            }
            if (f.v6() ? isSolicitation6(n) : isSolicitation4(n)) {
                solicitations++;
            }
        }
    }

    /** Raw IPv4 sockets deliver the IP header: skip {@code ihl * 4} bytes to the IGMP type. */
    private boolean isSolicitation4(long n) {
        if (n < 20) {
            return false;
        }
        int ihl = (buf.get(JAVA_BYTE, 0) & 0x0f) * 4;
        return ihl >= 20 && n >= ihl + 8L && (buf.get(JAVA_BYTE, 9) & 0xff) == Abi.IPPROTO_IGMP
                && (buf.get(JAVA_BYTE, ihl) & 0xff) == IGMP_SOLICITATION;
    }

    /** Raw ICMPv6 sockets deliver the ICMPv6 message only. */
    private boolean isSolicitation6(long n) {
        return n >= 4 && (buf.get(JAVA_BYTE, 0) & 0xff) == ICMP6_SOLICITATION;
    }

    void close(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}
