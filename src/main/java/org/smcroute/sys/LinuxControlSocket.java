package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.smcroute.sys.LibC.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.NoLinkLocalException;
import org.smcroute.net.Addr;
import org.smcroute.text.Bytes;

/**
 * A raw IGMP or ICMPv6 socket tied to one interface, for link-local control protocols (SPEC
 * §17.2, §17.5, and the IGMP/MLD querier): bound to the device, sending with hop limit 1 and a
 * Router Alert, joined to the protocol's groups by ifindex.
 *
 * <p>Packets are read with recvmsg: an IPv4 raw socket delivers the IP header, which holds the
 * addresses, the TTL and the options; an IPv6 one delivers the bare ICMPv6 message, so the
 * destination, hop limit and Hop-by-Hop header come as ancillary data and the source as the
 * peer address.
 *
 * <p>An IPv6 interface without a link-local address is refused before any socket is made
 * (checked with getifaddrs, tentative addresses count): the kernel would have no source address
 * for a link-scope destination. The socket is not bound to that address, so it keeps working
 * when the address is still in DAD when it opens, or is re-created later.
 */
final class LinuxControlSocket implements ControlSocket {

    /** IP option Router Alert (RFC 2113), value 0. */
    private static final byte[] ROUTER_ALERT = {(byte) 0x94, 0x04, 0x00, 0x00};
    private static final int IPOPT_RA = 0x94;
    /** Hop-by-Hop header: next header (kernel), length 0, Router Alert (type 5, len 2, MLD 0), PadN. */
    private static final byte[] HOPOPTS_ROUTER_ALERT = {0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00};
    private static final int HBH_ROUTER_ALERT = 5;
    private static final int BUF_SIZE = 16384;
    /** Room for bursts: a host answering a query for thousands of groups, or a flood being counted. */
    private static final int RCVBUF = 2 << 20;
    private static final int CONTROL_SIZE = 256;

    private static final long MREQN_ADDRESS = Layouts.offset(Layouts.IP_MREQN, "imr_address");
    private static final long MREQN_IFINDEX = Layouts.offset(Layouts.IP_MREQN, "imr_ifindex");
    private static final long MREQ6_IFINDEX = Layouts.offset(Layouts.IPV6_MREQ, "ipv6mr_interface");
    private static final long MSG_NAMELEN = Layouts.offset(Layouts.MSGHDR, "msg_namelen");
    private static final long MSG_CONTROLLEN = Layouts.offset(Layouts.MSGHDR, "msg_controllen");
    private static final long CMSG_LEVEL = Layouts.offset(Layouts.CMSGHDR, "cmsg_level");
    private static final long CMSG_TYPE = Layouts.offset(Layouts.CMSGHDR, "cmsg_type");
    private static final long CMSG_DATA = Layouts.CMSGHDR.byteSize();
    private static final int SIN6_ADDR = (int) Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");

    private final boolean v6;
    private final String ifname;
    private final int ifindex;
    private int fd;
    private final MemorySegment buf;
    private final MemorySegment name;
    private final MemorySegment control;
    private final MemorySegment msghdr;

    private LinuxControlSocket(boolean v6, String ifname, int ifindex, int fd) {
        this.v6 = v6;
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.fd = fd;
        Arena arena = Arena.ofAuto();
        this.buf = arena.allocate(BUF_SIZE, 8);
        this.name = arena.allocate(Layouts.SOCKADDR_STORAGE);
        this.control = arena.allocate(CONTROL_SIZE, 8);
        this.msghdr = arena.allocate(Layouts.MSGHDR);
        MemorySegment iov = arena.allocate(Layouts.IOVEC);
        iov.set(ADDRESS, 0, buf);
        iov.set(JAVA_LONG, 8, BUF_SIZE);
        msghdr.set(ADDRESS, Layouts.offset(Layouts.MSGHDR, "msg_name"), name);
        msghdr.set(ADDRESS, Layouts.offset(Layouts.MSGHDR, "msg_iov"), iov);
        msghdr.set(JAVA_LONG, Layouts.offset(Layouts.MSGHDR, "msg_iovlen"), 1);
        msghdr.set(ADDRESS, Layouts.offset(Layouts.MSGHDR, "msg_control"), control);
    }

    /** See {@link org.smcroute.kernel.Kernel#openControl}. */
    static LinuxControlSocket open(Family f, String ifname, int ifindex, Spec spec) throws KernelException {
        boolean v6 = f.v6();
        if (v6 && IfAddrs.linkAddress(ifname, true) == null) {
            throw new NoLinkLocalException(ifname);
        }
        int fd = check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK, v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        try (Arena a = Arena.ofConfined()) {
            byte[] dev = Bytes.encode(ifname);
            MemorySegment devName = a.allocate(Abi.IFNAMSIZ);
            MemorySegment.copy(dev, 0, devName, JAVA_BYTE, 0, Math.min(dev.length, Abi.IFNAMSIZ - 1));
            check("SO_BINDTODEVICE", LibC.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_BINDTODEVICE, devName, Abi.IFNAMSIZ));
            if (LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, RCVBUF) < 0) {
                LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUF, RCVBUF); // without CAP_NET_ADMIN: up to rmem_max
            }
            if (v6) {
                setup6(a, fd, ifindex, spec);
            } else {
                setup4(a, fd, ifindex, spec);
            }
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return new LinuxControlSocket(v6, ifname, ifindex, fd);
    }

    private static void setup4(Arena a, int fd, int ifindex, Spec spec) throws KernelException {
        for (Addr group : spec.groups()) {
            check("IP_ADD_MEMBERSHIP", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_ADD_MEMBERSHIP, mreqn(a, group, ifindex)));
        }
        check("IP_MULTICAST_TTL", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_TTL, 1));
        check("IP_MULTICAST_LOOP", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_LOOP, 0));
        check("IP_MULTICAST_IF", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_MULTICAST_IF, mreqn(a, null, ifindex)));
        check("IP_OPTIONS", setsockopt(fd, Abi.IPPROTO_IP, Abi.IP_OPTIONS, a.allocateFrom(JAVA_BYTE, ROUTER_ALERT)));
        if (spec.routerAlert()) {
            // the kernel's router-alert chain: only the device this socket is bound to
            check("IP_ROUTER_ALERT", LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.IP_ROUTER_ALERT, 1));
        }
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

    private static void setup6(Arena a, int fd, int ifindex, Spec spec) throws KernelException {
        MemorySegment filter = a.allocate(Layouts.ICMP6_FILTER);
        filter.fill((byte) 0xff); // a set bit blocks a type
        for (int type : spec.icmp6Types()) {
            long word = 4L * (type >> 5);
            filter.set(JAVA_INT, word, filter.get(JAVA_INT, word) & ~(1 << (type & 31)));
        }
        check("ICMP6_FILTER", setsockopt(fd, Abi.IPPROTO_ICMPV6, Abi.ICMP6_FILTER, filter));
        for (Addr group : spec.groups()) {
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
        check("IPV6_RECVPKTINFO", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_RECVPKTINFO, 1));
        check("IPV6_RECVHOPLIMIT", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_RECVHOPLIMIT, 1));
        check("IPV6_RECVHOPOPTS", LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.IPV6_RECVHOPOPTS, 1));
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
    public ControlPacket receive() {
        while (fd >= 0) {
            msghdr.set(JAVA_INT, MSG_NAMELEN, (int) name.byteSize());
            msghdr.set(JAVA_LONG, MSG_CONTROLLEN, CONTROL_SIZE);
            long n = LibC.recvmsg(fd, msghdr, Abi.MSG_DONTWAIT);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                return null;
            }
            byte[] data = buf.asSlice(0, n).toArray(JAVA_BYTE);
            ControlPacket p = v6 ? ipv6(data) : ipv4(data, data.length);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * The packet an IPv4 raw socket delivers, header first; null for one too short to hold the
     * header it announces (the kernel checked the header, so that does not happen).
     */
    static ControlPacket ipv4(byte[] p, int n) {
        if (n < 20) {
            return null;
        }
        int ihl = (p[0] & 0x0f) * 4;
        if (ihl < 20 || n < ihl) {
            return null;
        }
        boolean ra = false;
        for (int i = 20; i < ihl; ) {
            int type = p[i] & 0xff;
            if (type == 0) {
                break; // end of options
            }
            if (type == 1) {
                i++; // no-op
                continue;
            }
            ra |= type == IPOPT_RA;
            int len = i + 1 < ihl ? p[i + 1] & 0xff : 0;
            i += Math.max(len, 2);
        }
        return new ControlPacket(Addr.fromBytes(Arrays.copyOfRange(p, 12, 16)), Addr.fromBytes(Arrays.copyOfRange(p, 16, 20)),
                p[8] & 0xff, ra, Arrays.copyOfRange(p, ihl, n));
    }

    /** The ICMPv6 message with the peer address and the ancillary data of the last recvmsg. */
    private ControlPacket ipv6(byte[] message) {
        Addr source = Addr.fromBytes(name.asSlice(SIN6_ADDR, 16).toArray(JAVA_BYTE));
        Addr destination = Addr.ANY6;
        int hopLimit = -1;
        boolean ra = false;
        long len = msghdr.get(JAVA_LONG, MSG_CONTROLLEN);
        for (long at = 0; at + CMSG_DATA <= len; ) {
            long cmsgLen = control.get(JAVA_LONG, at);
            if (cmsgLen < CMSG_DATA || at + cmsgLen > len) {
                break;
            }
            if (control.get(JAVA_INT, at + CMSG_LEVEL) == Abi.IPPROTO_IPV6) {
                int type = control.get(JAVA_INT, at + CMSG_TYPE);
                MemorySegment data = control.asSlice(at + CMSG_DATA, cmsgLen - CMSG_DATA);
                if (type == Abi.IPV6_PKTINFO && data.byteSize() >= 16) {
                    destination = Addr.fromBytes(data.asSlice(0, 16).toArray(JAVA_BYTE));
                } else if (type == Abi.IPV6_HOPLIMIT && data.byteSize() >= 4) {
                    hopLimit = data.get(JAVA_INT, 0);
                } else if (type == Abi.IPV6_HOPOPTS) {
                    ra |= hasRouterAlert(data.toArray(JAVA_BYTE));
                }
            }
            at += (cmsgLen + 7) & ~7L;
        }
        return new ControlPacket(source, destination, hopLimit, ra, message);
    }

    /** Whether a Hop-by-Hop header (next header, length, options) holds a Router Alert option. */
    static boolean hasRouterAlert(byte[] hbh) {
        int end = Math.min(hbh.length, hbh.length >= 2 ? ((hbh[1] & 0xff) + 1) * 8 : 0);
        for (int i = 2; i < end; ) {
            int type = hbh[i] & 0xff;
            if (type == 0) {
                i++; // Pad1
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            if (type == HBH_ROUTER_ALERT) {
                return true;
            }
            i += 2 + (hbh[i + 1] & 0xff);
        }
        return false;
    }

    @Override
    public Addr localAddress() {
        try {
            return IfAddrs.linkAddress(ifname, v6);
        } catch (KernelException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
