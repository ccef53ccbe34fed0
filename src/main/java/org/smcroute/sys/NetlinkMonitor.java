package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;
import org.smcroute.text.Bytes;

/**
 * The rtnetlink listener of SPEC §12.3: tells the daemon that interfaces or their addresses
 * changed, so it refreshes its interface table and activates pending routes and groups without
 * a reload. The socket is non-blocking and belongs in the poll loop; {@link #drain} empties it.
 * The daemon only needs "something changed", but the headers are cheap to decode, so callers
 * may also look at each {@link LinkEvent}.
 */
public final class NetlinkMonitor implements AutoCloseable {

    public static final int NEWLINK = Abi.RTM_NEWLINK;
    public static final int DELLINK = Abi.RTM_DELLINK;
    public static final int NEWADDR = Abi.RTM_NEWADDR;
    public static final int DELADDR = Abi.RTM_DELADDR;
    /** The kernel dropped messages (ENOBUFS): anything may have changed. Index 0, no name. */
    public static final int OVERRUN = -1;

    /**
     * One decoded message: {@code type} is one of the constants above, {@code name} the
     * IFLA_IFNAME (links) or IFA_LABEL (IPv4 addresses), or null when absent.
     */
    public record LinkEvent(int type, int ifindex, String name) {
    }

    /** Bigger than the SPEC's 8 KiB: one RTM_NEWLINK with stats can take several KiB. */
    private static final int BUF = 32 << 10;
    private static final int HDR = (int) Layouts.NLMSGHDR.byteSize();
    private static final long NL_TYPE = Layouts.offset(Layouts.NLMSGHDR, "nlmsg_type");
    private static final long NL_GROUPS = Layouts.offset(Layouts.SOCKADDR_NL, "nl_groups");
    private static final long IFI_SIZE = Layouts.IFINFOMSG.byteSize();
    private static final long IFA_SIZE = Layouts.IFADDRMSG.byteSize();
    private static final long IFI_INDEX = Layouts.offset(Layouts.IFINFOMSG, "ifi_index");
    private static final long IFA_INDEX = Layouts.offset(Layouts.IFADDRMSG, "ifa_index");
    private static final long RTA_TYPE = Layouts.offset(Layouts.RTATTR, "rta_type");
    private static final int RTA_HDR = (int) Layouts.RTATTR.byteSize();
    /** NLA_F_NESTED and NLA_F_NET_BYTEORDER share the type field. */
    private static final int NLA_TYPE_MASK = 0x3fff;

    private final MemorySegment buf = Arena.ofAuto().allocate(BUF, 8);
    private int fd;

    private NetlinkMonitor(int fd) {
        this.fd = fd;
    }

    /** Opens and binds the listener to the link and IPv4/IPv6 address multicast groups. */
    public static NetlinkMonitor open() throws KernelException {
        int fd = LibC.check("socket", LibC.socket(Abi.AF_NETLINK,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK, Abi.NETLINK_ROUTE));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(Layouts.SOCKADDR_NL);
            sa.set(JAVA_SHORT, 0, (short) Abi.AF_NETLINK);
            sa.set(JAVA_INT, NL_GROUPS, Abi.RTMGRP_LINK | Abi.RTMGRP_IPV4_IFADDR | Abi.RTMGRP_IPV6_IFADDR);
            LibC.check("bind", LibC.bind(fd, sa, (int) sa.byteSize()));
            return new NetlinkMonitor(fd);
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** The fd to poll for POLLIN, or -1 after {@link #close}. */
    public int fd() {
        return fd;
    }

    /** Reads everything pending; see {@link #drain(Consumer)}. */
    public int drain() {
        return drain(null);
    }

    /**
     * Reads everything pending without blocking and counts the link and address messages,
     * handing each to {@code sink} when it is not null. An overrun (ENOBUFS: the kernel dropped
     * messages) counts as one, delivered as {@link #OVERRUN}, so the caller still refreshes.
     *
     * @return the number of events; 0 means there is nothing to refresh
     */
    public int drain(Consumer<LinkEvent> sink) {
        int count = 0;
        while (fd >= 0) {
            long n = LibC.recv(fd, buf, BUF, Abi.MSG_DONTWAIT);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n == -Errno.ENOBUFS) {
                count += deliver(sink, new LinkEvent(OVERRUN, 0, null));
                continue;
            }
            if (n <= 0) { // EAGAIN: all read; anything else: nothing more to get now
                break;
            }
            count += parse(buf, n, sink);
        }
        return count;
    }

    private static int deliver(Consumer<LinkEvent> sink, LinkEvent e) {
        if (sink != null) {
            sink.accept(e);
        }
        return 1;
    }

    /**
     * Walks the {@code nlmsghdr} chain of one datagram. Malformed or truncated tails end the walk;
     * they cannot come from the kernel, but a bad length must not loop or read out of bounds.
     */
    static int parse(MemorySegment b, long n, Consumer<LinkEvent> sink) {
        int count = 0;
        long off = 0;
        while (off + HDR <= n) {
            int len = b.get(JAVA_INT, off);
            if (len < HDR || off + len > n) {
                break;
            }
            int type = b.get(JAVA_SHORT, off + NL_TYPE) & 0xffff;
            long body = off + HDR;
            long end = off + len;
            if (type == NEWLINK || type == DELLINK) {
                count += deliver(sink, event(b, type, body, end, IFI_SIZE, IFI_INDEX, Abi.IFLA_IFNAME));
            } else if (type == NEWADDR || type == DELADDR) {
                count += deliver(sink, event(b, type, body, end, IFA_SIZE, IFA_INDEX, Abi.IFA_LABEL));
            } else if (type == Abi.NLMSG_OVERRUN) {
                count += deliver(sink, new LinkEvent(OVERRUN, 0, null));
            }
            off += align(len);
        }
        return count;
    }

    /** Decodes the fixed family header's ifindex and the name attribute, when present. */
    private static LinkEvent event(MemorySegment b, int type, long body, long end, long fixed, long indexAt, int nameAttr) {
        if (body + fixed > end) {
            return new LinkEvent(type, 0, null);
        }
        int index = b.get(JAVA_INT, body + indexAt);
        String name = null;
        long at = body + align(fixed);
        while (at + RTA_HDR <= end) {
            int len = b.get(JAVA_SHORT, at) & 0xffff;
            if (len < RTA_HDR || at + len > end) {
                break;
            }
            if ((b.get(JAVA_SHORT, at + RTA_TYPE) & NLA_TYPE_MASK) == nameAttr) {
                name = cstring(b.asSlice(at + RTA_HDR, len - RTA_HDR));
                break;
            }
            at += align(len);
        }
        return new LinkEvent(type, index, name);
    }

    private static String cstring(MemorySegment s) {
        byte[] bytes = s.toArray(JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return Bytes.decode(bytes, 0, n);
    }

    /** NLMSG_ALIGN / RTA_ALIGN: 4 bytes. */
    private static long align(long len) {
        return (len + 3) & ~3L;
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
