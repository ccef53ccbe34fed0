package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.smcroute.sys.LibC.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.NoLinkLocalException;
import org.smcroute.net.Addr;
import org.smcroute.text.Bytes;

/**
 * A raw IGMP or ICMPv6 socket tied to one interface, for link-local control protocols (SPEC
 * §17.2, §17.5): bound to the device, sending with hop limit 1 and a Router Alert, joined to
 * the protocol's groups by ifindex.
 *
 * <p>An IPv6 interface without a link-local address is refused before any socket is made
 * (checked with getifaddrs, tentative addresses count): the kernel would have no source address
 * for a link-scope destination. The socket is not bound to that address, so it keeps working
 * when the address is still in DAD when it opens, or is re-created later.
 */
final class LinuxControlSocket implements ControlSocket {

    /** IP option Router Alert (RFC 2113), value 0. */
    private static final byte[] ROUTER_ALERT = {(byte) 0x94, 0x04, 0x00, 0x00};
    /** Hop-by-Hop header: next header (kernel), length 0, Router Alert (type 5, len 2, MLD 0), PadN. */
    private static final byte[] HOPOPTS_ROUTER_ALERT = {0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00};
    private static final int BUF_SIZE = 2048;

    private static final long MREQN_ADDRESS = Layouts.offset(Layouts.IP_MREQN, "imr_address");
    private static final long MREQN_IFINDEX = Layouts.offset(Layouts.IP_MREQN, "imr_ifindex");
    private static final long MREQ6_IFINDEX = Layouts.offset(Layouts.IPV6_MREQ, "ipv6mr_interface");

    private final boolean v6;
    private final int ifindex;
    private int fd;
    private final MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE, 8);

    private LinuxControlSocket(boolean v6, int ifindex, int fd) {
        this.v6 = v6;
        this.ifindex = ifindex;
        this.fd = fd;
    }

    /** See {@link org.smcroute.kernel.Kernel#openControl}. */
    static LinuxControlSocket open(Family f, String ifname, int ifindex, List<Addr> groups, List<Integer> icmp6Types)
            throws KernelException {
        boolean v6 = f.v6();
        if (v6 && !IfAddrs.hasLinkLocal6(ifname)) {
            throw new NoLinkLocalException(ifname);
        }
        int fd = check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK, v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        try (Arena a = Arena.ofConfined()) {
            byte[] name = Bytes.encode(ifname);
            MemorySegment dev = a.allocate(Abi.IFNAMSIZ);
            MemorySegment.copy(name, 0, dev, JAVA_BYTE, 0, Math.min(name.length, Abi.IFNAMSIZ - 1));
            check("SO_BINDTODEVICE", LibC.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_BINDTODEVICE, dev, Abi.IFNAMSIZ));
            if (v6) {
                setup6(a, fd, ifindex, groups, icmp6Types);
            } else {
                setup4(a, fd, ifindex, groups);
            }
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return new LinuxControlSocket(v6, ifindex, fd);
    }

    private static void setup4(Arena a, int fd, int ifindex, List<Addr> groups) throws KernelException {
        for (Addr group : groups) {
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

    private static void setup6(Arena a, int fd, int ifindex, List<Addr> groups, List<Integer> types) throws KernelException {
        MemorySegment filter = a.allocate(Layouts.ICMP6_FILTER);
        filter.fill((byte) 0xff); // a set bit blocks a type
        for (int type : types) {
            long word = 4L * (type >> 5);
            filter.set(JAVA_INT, word, filter.get(JAVA_INT, word) & ~(1 << (type & 31)));
        }
        check("ICMP6_FILTER", setsockopt(fd, Abi.IPPROTO_ICMPV6, Abi.ICMP6_FILTER, filter));
        for (Addr group : groups) {
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

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void send(Addr to, byte[] msg) throws KernelException {
        if (fd < 0) {
            throw LibC.error("sendto", -Errno.EBADF);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dest = a.allocate(Sockaddr.size(to), 8);
            Sockaddr.write(dest, 0, to, v6 ? ifindex : 0);
            MemorySegment data = a.allocateFrom(JAVA_BYTE, msg);
            long n;
            do {
                n = LibC.sendto(fd, data, msg.length, Abi.MSG_DONTWAIT, dest, (int) dest.byteSize());
            } while (n == -Errno.EINTR);
            check("sendto", (int) Math.min(n, 0));
        }
    }

    @Override
    public int receive(byte[] into) {
        while (fd >= 0) {
            long n = LibC.recv(fd, buf, BUF_SIZE, Abi.MSG_DONTWAIT);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                return -1;
            }
            int len = (int) Math.min(n, into.length);
            MemorySegment.copy(buf, JAVA_BYTE, 0, into, 0, len);
            return len;
        }
        return -1;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
