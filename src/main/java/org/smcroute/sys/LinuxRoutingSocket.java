package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.smcroute.sys.LibC.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.TableException;
import org.smcroute.kernel.Upcall;
import org.smcroute.kernel.VifCounters;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * One family's multicast routing API (ipmr/ip6mr): a raw IGMP or ICMPv6 socket driven with the
 * MRT_* socket options of SPEC §16.1. Used from the state thread only, so its request and
 * receive buffers are allocated once and reused; a source storm makes one MFC request per new
 * flow.
 */
final class LinuxRoutingSocket implements RoutingSocket {

    /** Room for thousands of queued upcalls; the default buffer holds only about 256. */
    private static final int RCVBUF = 8 << 20;
    private static final long BUF_SIZE = 2048;
    private static final String MC_FORWARDING = "/proc/sys/net/ipv6/conf/all/mc_forwarding";
    /** Most upcalls read in one {@link #readUpcalls} call. */
    static final int UPCALL_BATCH = 256;
    /** Longest stretch spent on upcalls in one {@link #readUpcalls} call. */
    static final long UPCALL_SLICE_NANOS = 20_000_000L;

    private static final long VIF_FLAGS = Layouts.offset(Layouts.VIFCTL, "vifc_flags");
    private static final long VIF_THRESHOLD = Layouts.offset(Layouts.VIFCTL, "vifc_threshold");
    private static final long VIF_IFINDEX = Layouts.offset(Layouts.VIFCTL, "u", "vifc_lcl_ifindex");
    private static final long MIF_THRESHOLD = Layouts.offset(Layouts.MIF6CTL, "vifc_threshold");
    private static final long MIF_PIFI = Layouts.offset(Layouts.MIF6CTL, "mif6c_pifi");
    private static final long SG_PKT = Layouts.offset(Layouts.SIOC_SG_REQ, "pktcnt");
    private static final long SG6_GROUP = Layouts.offset(Layouts.SIOC_SG_REQ6, "grp");
    private static final long SG6_PKT = Layouts.offset(Layouts.SIOC_SG_REQ6, "pktcnt");
    private static final long VIF_ICOUNT = Layouts.offset(Layouts.SIOC_VIF_REQ, "icount");
    private static final long VIF_OCOUNT = Layouts.offset(Layouts.SIOC_VIF_REQ, "ocount");
    private static final long VIF_IBYTES = Layouts.offset(Layouts.SIOC_VIF_REQ, "ibytes");
    private static final long VIF_OBYTES = Layouts.offset(Layouts.SIOC_VIF_REQ, "obytes");

    private final Family family;
    private final boolean v6;
    private final int level;
    private final Log log;
    private int fd;
    private final MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE, 8);
    private final MemorySegment mfcctl;
    private final ByteBuffer mfcScratch = MfcCodec.scratch();
    /** Counter requests, reused: a metrics scrape reads the counters of every entry. */
    private final MemorySegment sgReq;
    private final MemorySegment vifReq = Arena.ofAuto().allocate(Layouts.SIOC_VIF_REQ);

    private LinuxRoutingSocket(Family family, int fd, Log log) {
        this.family = family;
        this.v6 = family.v6();
        this.level = v6 ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        this.fd = fd;
        this.log = log;
        this.mfcctl = Arena.ofAuto().allocate(v6 ? Layouts.MF6CCTL : Layouts.MFCCTL);
        this.sgReq = Arena.ofAuto().allocate(v6 ? Layouts.SIOC_SG_REQ6 : Layouts.SIOC_SG_REQ);
    }

    /** See {@link org.smcroute.kernel.Kernel#openRouting}. */
    static LinuxRoutingSocket open(Family f, int table, Log log) throws KernelException {
        boolean v6 = f.v6();
        int level = v6 ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        int fd = check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK, v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        LinuxRoutingSocket s = new LinuxRoutingSocket(f, fd, log);
        try {
            s.soft(v6 ? Abi.IPV6_MULTICAST_LOOP : Abi.IP_MULTICAST_LOOP, v6 ? "IPV6_MULTICAST_LOOP" : "IP_MULTICAST_LOOP");
            s.soft(v6 ? Abi.IPV6_MULTICAST_ALL : Abi.IP_MULTICAST_ALL, v6 ? "IPV6_MULTICAST_ALL" : "IP_MULTICAST_ALL");
            if (LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, RCVBUF) < 0
                    && LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUF, RCVBUF) < 0) {
                log.debug("Failed raising the receive buffer of the " + f.label() + " routing socket");
            }
            if (table != 0) {
                log.info("Setting " + f.label() + " multicast routing table id " + table);
                int r = LibC.setsockoptInt(fd, level, v6 ? Abi.MRT6_TABLE : Abi.MRT_TABLE, table);
                if (r < 0) {
                    throw new TableException(v6 ? "MRT6_TABLE" : "MRT_TABLE", -r, LibC.strerror(-r));
                }
            }
            check(v6 ? "MRT6_INIT" : "MRT_INIT", LibC.setsockoptInt(fd, level, v6 ? Abi.MRT6_INIT : Abi.MRT_INIT, 1));
            if (v6) {
                enableMcForwarding();
                s.blockIcmp6();
            }
            s.primeUpcallPath();
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return s;
    }

    /** Loop and multicast-all off only save the socket from copies it skips anyway. */
    private void soft(int opt, String name) {
        int r = LibC.setsockoptInt(fd, level, opt, 0);
        if (r < 0) {
            log.warn("Failed disabling " + name + " on " + family.label() + " routing socket: " + LibC.strerror(-r));
        }
    }

    /** The kernel sets the flag itself on MRT6_INIT; the file is often read-only (SPEC §16.1). */
    private static void enableMcForwarding() throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            int fd = LibC.open(a.allocateFrom(MC_FORWARDING), Abi.O_WRONLY | Abi.O_CLOEXEC);
            if (fd >= 0) {
                long w = LibC.write(fd, a.allocateFrom("1"), 1);
                LibC.close(fd);
                fd = (int) Math.min(w, 0);
            }
            if (fd < 0 && fd != -Errno.EACCES && fd != -Errno.EPERM && fd != -Errno.EROFS) {
                throw LibC.error("mc_forwarding", fd);
            }
        }
    }

    /**
     * The raw ICMPv6 socket would also receive every ICMPv6 message of the host, MLD chatter
     * included; upcalls still arrive with every type blocked.
     */
    private void blockIcmp6() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment filter = a.allocate(Layouts.ICMP6_FILTER);
            filter.fill((byte) 0xff);
            int r = LibC.setsockopt(fd, Abi.IPPROTO_ICMPV6, Abi.ICMP6_FILTER, filter, (int) filter.byteSize());
            if (r < 0) {
                log.warn("Failed setting ICMP6_FILTER on IPv6 routing socket: " + LibC.strerror(-r));
            }
        }
    }

    /**
     * Links the upcall path before the first new flow needs it: the JVM builds the code of a
     * downcall and of each memory accessor on first use, which the first packet of the first
     * flow would otherwise wait for. Runs that code once on scratch memory: a peek at the socket
     * (MSG_PEEK leaves any queued upcall in place), an upcall decoded from a made-up buffer, and
     * an MFC request encoded but never sent.
     */
    private void primeUpcallPath() {
        try (Arena a = Arena.ofConfined()) {
            LibC.recv(fd, a.allocate(BUF_SIZE), BUF_SIZE, Abi.MSG_DONTWAIT | Abi.MSG_PEEK);
            MemorySegment scratch = a.allocate(BUF_SIZE, 8);
            Addr any = v6 ? Addr.ANY6 : Addr.ANY4;
            MfcCodec.primeUpcall(family, scratch);
            decode(scratch, v6 ? Layouts.MRT6MSG.byteSize() : Layouts.IGMPMSG.byteSize());
            encode(a.allocate(v6 ? Layouts.MF6CCTL : Layouts.MFCCTL), any, any, 0, new byte[Abi.MAXVIFS]);
        }
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public int fd() {
        return fd;
    }

    private int fd(String op) throws KernelException {
        if (fd < 0) {
            throw LibC.error(op, -Errno.EBADF);
        }
        return fd;
    }

    @Override
    public void enableWrongVif() throws KernelException {
        String op = v6 ? "MRT6_ASSERT" : "MRT_PIM";
        int s = fd(op);
        check(op, LibC.setsockoptInt(s, level, v6 ? Abi.MRT6_ASSERT : Abi.MRT_PIM, 1));
        if (v6) {
            // Without MRT6_PIM, ip6mr sends WRONGMIF only when the arrival MIF is an OIF of the
            // entry, so a source that moved to another inbound interface would never be
            // re-parented (§10.5); MRT_PIM does the same for IPv4. Best effort: a kernel
            // without CONFIG_IPV6_PIMSM_V2 refuses it and keeps the assert-only behaviour.
            LibC.setsockoptInt(s, level, Abi.MRT6_PIM, 1);
        }
    }

    @Override
    public void addVif(int slot, int ifindex, int threshold) throws KernelException {
        String op = v6 ? "MRT6_ADD_MIF" : "MRT_ADD_VIF";
        int s = fd(op);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m;
            if (v6) {
                m = a.allocate(Layouts.MIF6CTL);
                m.set(JAVA_SHORT, 0, (short) slot);
                m.set(JAVA_BYTE, MIF_THRESHOLD, (byte) threshold);
                m.set(JAVA_SHORT, MIF_PIFI, (short) ifindex);
            } else {
                m = vifctl(a, slot, ifindex, threshold);
            }
            check(op, setsockopt(s, v6 ? Abi.MRT6_ADD_MIF : Abi.MRT_ADD_VIF, m));
        }
    }

    @Override
    public void delVif(int slot, int ifindex) throws KernelException {
        String op = v6 ? "MRT6_DEL_MIF" : "MRT_DEL_VIF";
        int s = fd(op);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m;
            if (v6) {
                m = a.allocate(JAVA_SHORT);
                m.set(JAVA_SHORT, 0, (short) slot);
            } else {
                m = vifctl(a, slot, ifindex, 0);
            }
            check(op, setsockopt(s, v6 ? Abi.MRT6_DEL_MIF : Abi.MRT_DEL_VIF, m));
        }
    }

    private static MemorySegment vifctl(Arena a, int slot, int ifindex, int threshold) {
        MemorySegment v = a.allocate(Layouts.VIFCTL);
        v.set(JAVA_SHORT, 0, (short) slot);
        v.set(JAVA_BYTE, VIF_FLAGS, (byte) Abi.VIFF_USE_IFINDEX);
        v.set(JAVA_BYTE, VIF_THRESHOLD, (byte) threshold);
        v.set(JAVA_INT, VIF_IFINDEX, ifindex);
        return v;
    }

    private int setsockopt(int s, int opt, MemorySegment value) {
        return LibC.setsockopt(s, level, opt, value, (int) value.byteSize());
    }

    @Override
    public void addMfc(Addr source, Addr group, int parent, byte[] ttls) throws KernelException {
        mfc(source, group, parent, ttls, true);
    }

    @Override
    public void delMfc(Addr source, Addr group, int parent) throws KernelException {
        mfc(source, group, parent, NO_TTLS, false);
    }

    private static final byte[] NO_TTLS = new byte[0];

    private void mfc(Addr source, Addr group, int parent, byte[] ttls, boolean add) throws KernelException {
        requireFamily(source, group);
        String op = v6 ? (add ? "MRT6_ADD_MFC" : "MRT6_DEL_MFC") : (add ? "MRT_ADD_MFC" : "MRT_DEL_MFC");
        int s = fd(op);
        int opt = v6 ? (add ? Abi.MRT6_ADD_MFC : Abi.MRT6_DEL_MFC) : (add ? Abi.MRT_ADD_MFC : Abi.MRT_DEL_MFC);
        check(op, setsockopt(s, opt, encode(mfcctl, source, group, parent, ttls)));
    }

    private MemorySegment encode(MemorySegment m, Addr source, Addr group, int parent, byte[] ttls) {
        return v6 ? MfcCodec.encodeMf6cctl(m, mfcScratch, source, group, parent, ttls)
                : MfcCodec.encodeMfcctl(m, mfcScratch, source, group, parent, ttls);
    }

    private void requireFamily(Addr source, Addr group) {
        if (source.v6() != v6 || group.v6() != v6) {
            throw new IllegalArgumentException("address family mismatch: " + source + ", " + group + " for " + family);
        }
    }

    @Override
    public Counters counters(Addr source, Addr group) {
        if (fd < 0 || source.v6() != v6 || group.v6() != v6) {
            return Counters.ZERO;
        }
        MemorySegment req = sgReq;
        long pkt;
        if (v6) {
            Sockaddr.write(req, 0, source, 0);
            Sockaddr.write(req, SG6_GROUP, group, 0);
            pkt = SG6_PKT;
        } else {
            req.set(Layouts.IN_ADDR, 0, source.ipv4());
            req.set(Layouts.IN_ADDR, 4, group.ipv4());
            pkt = SG_PKT;
        }
        if (LibC.ioctl(fd, v6 ? Abi.SIOCGETSGCNT_IN6 : Abi.SIOCGETSGCNT, req) < 0) {
            return Counters.ZERO;
        }
        return new Counters(req.get(JAVA_LONG, pkt), req.get(JAVA_LONG, pkt + 8), req.get(JAVA_LONG, pkt + 16));
    }

    @Override
    public VifCounters vifCounters(int slot) {
        if (fd < 0) {
            return null;
        }
        MemorySegment req = vifReq;
        req.fill((byte) 0);
        req.set(JAVA_SHORT, 0, (short) slot);
        if (LibC.ioctl(fd, v6 ? Abi.SIOCGETMIFCNT_IN6 : Abi.SIOCGETVIFCNT, req) < 0) {
            return null;
        }
        return new VifCounters(req.get(JAVA_LONG, VIF_ICOUNT), req.get(JAVA_LONG, VIF_OCOUNT),
                req.get(JAVA_LONG, VIF_IBYTES), req.get(JAVA_LONG, VIF_OBYTES));
    }

    @Override
    public int readUpcalls(Consumer<Upcall> sink) {
        int count = 0;
        // At most a batch, and at most a time slice, per call: under a flood of new sources the
        // socket never runs dry, and the event loop must still get to IPC, timers and signals
        // (poll reports the rest). Each upcall may wait on the kernel's global rtnl lock.
        long until = System.nanoTime() + UPCALL_SLICE_NANOS;
        for (int reads = 0; fd >= 0 && reads < UPCALL_BATCH && (reads == 0 || System.nanoTime() - until < 0); reads++) {
            long n = LibC.recv(fd, buf, BUF_SIZE, Abi.MSG_DONTWAIT);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                if (n != -Errno.EAGAIN) {
                    log.debug("Failed reading " + family.label() + " routing socket: " + LibC.strerror((int) -n));
                }
                break;
            }
            Upcall u = decode(buf, n);
            if (u != null) {
                sink.accept(u);
                count++;
            }
        }
        return count;
    }

    private Upcall decode(MemorySegment b, long n) {
        return v6 ? MfcCodec.decode6(b, n) : MfcCodec.decode4(b, n);
    }

    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        int r = LibC.setsockopt(fd, level, v6 ? Abi.MRT6_DONE : Abi.MRT_DONE, MemorySegment.NULL, 0);
        if (r < 0) {
            log.debug("Failed shutting down " + family.label() + " multicast routing: " + LibC.strerror(-r));
        }
        LibC.close(fd);
        fd = -1;
    }
}
