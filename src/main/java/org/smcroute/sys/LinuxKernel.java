package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.smcroute.sys.LibC.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * The Linux multicast routing API (ipmr/ip6mr) behind the {@link Kernel} seam: one raw routing
 * socket per family, driven with the MRT_* socket options of SPEC §16.1. Single-threaded by
 * contract (the daemon's state thread), so one receive buffer serves both families.
 */
public final class LinuxKernel implements Kernel {

    /** Room for thousands of queued upcalls; the default buffer holds only about 256. */
    private static final int RCVBUF = 8 << 20;
    private static final long BUF_SIZE = 2048;
    private static final String MC_FORWARDING = "/proc/sys/net/ipv6/conf/all/mc_forwarding";

    private static final long VIF_FLAGS = Layouts.offset(Layouts.VIFCTL, "vifc_flags");
    private static final long VIF_THRESHOLD = Layouts.offset(Layouts.VIFCTL, "vifc_threshold");
    private static final long VIF_IFINDEX = Layouts.offset(Layouts.VIFCTL, "u", "vifc_lcl_ifindex");
    private static final long MIF_THRESHOLD = Layouts.offset(Layouts.MIF6CTL, "vifc_threshold");
    private static final long MIF_PIFI = Layouts.offset(Layouts.MIF6CTL, "mif6c_pifi");
    private static final long SG_PKT = Layouts.offset(Layouts.SIOC_SG_REQ, "pktcnt");
    private static final long SG6_GROUP = Layouts.offset(Layouts.SIOC_SG_REQ6, "grp");
    private static final long SG6_PKT = Layouts.offset(Layouts.SIOC_SG_REQ6, "pktcnt");

    private final Log log;
    private final JoinSockets joins;
    private final MrdiscSockets mrdisc = new MrdiscSockets();
    private final int[] fds = {-1, -1};
    private final MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE, 8);
    /**
     * The mfcctl / mf6cctl of every MFC call, reused: one is made per new flow in a source storm,
     * and like every kernel call it is made on the state thread only.
     */
    private final MemorySegment mfcctl = Arena.ofAuto().allocate(Layouts.MFCCTL);
    private final MemorySegment mf6cctl = Arena.ofAuto().allocate(Layouts.MF6CCTL);
    private final ByteBuffer mfcScratch = MfcCodec.scratch();

    public LinuxKernel(Log log) {
        this.log = log;
        this.joins = new JoinSockets(log);
    }

    @Override
    public int maxVifs(Family f) {
        return f.v6() ? Abi.MAXMIFS : Abi.MAXVIFS;
    }

    @Override
    public void open(Family f, int table) throws KernelException {
        if (isOpen(f)) {
            return;
        }
        boolean v6 = f.v6();
        int level = v6 ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        int fd = check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET,
                Abi.SOCK_RAW | Abi.SOCK_CLOEXEC | Abi.SOCK_NONBLOCK,
                v6 ? Abi.IPPROTO_ICMPV6 : Abi.IPPROTO_IGMP));
        try {
            soft(fd, level, v6 ? Abi.IPV6_MULTICAST_LOOP : Abi.IP_MULTICAST_LOOP, 0,
                    v6 ? "IPV6_MULTICAST_LOOP" : "IP_MULTICAST_LOOP", f);
            soft(fd, level, v6 ? Abi.IPV6_MULTICAST_ALL : Abi.IP_MULTICAST_ALL, 0,
                    v6 ? "IPV6_MULTICAST_ALL" : "IP_MULTICAST_ALL", f);
            if (LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, RCVBUF) < 0
                    && LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUF, RCVBUF) < 0) {
                log.debug("Failed raising the receive buffer of the " + f.label() + " routing socket");
            }
            if (table != 0) {
                log.info("Setting " + f.label() + " multicast routing table id " + table);
                check(v6 ? "MRT6_TABLE" : "MRT_TABLE",
                        LibC.setsockoptInt(fd, level, v6 ? Abi.MRT6_TABLE : Abi.MRT_TABLE, table));
            }
            check(v6 ? "MRT6_INIT" : "MRT_INIT",
                    LibC.setsockoptInt(fd, level, v6 ? Abi.MRT6_INIT : Abi.MRT_INIT, 1));
            if (v6) {
                enableMcForwarding();
                blockIcmp6(fd);
            }
            primeUpcallPath(f, fd);
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        fds[f.ordinal()] = fd;
    }

    private void soft(int fd, int level, int opt, int value, String name, Family f) {
        int r = LibC.setsockoptInt(fd, level, opt, value);
        if (r < 0) {
            log.warn("Failed disabling " + name + " on " + f.label() + " routing socket: " + LibC.strerror(-r));
        }
    }

    /** The kernel sets the flag itself on MRT6_INIT; the file is often read-only (SPEC §16.1). */
    private static void enableMcForwarding() throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            int fd = LibC.open(a.allocateFrom(MC_FORWARDING), Abi.O_WRONLY | Abi.O_CLOEXEC);
            if (fd >= 0) {
                MemorySegment one = a.allocateFrom("1");
                long w = LibC.write(fd, one, 1);
                LibC.close(fd);
                fd = (int) Math.min(w, 0);
            }
            if (fd < 0 && fd != -Errno.EACCES && fd != -Errno.EPERM && fd != -Errno.EROFS) {
                throw LibC.error("mc_forwarding", fd);
            }
        }
    }

    /** Upcalls still arrive with every ICMPv6 type blocked; MLD chatter does not (pitfall 9). */
    private void blockIcmp6(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment filter = a.allocate(Layouts.ICMP6_FILTER);
            filter.fill((byte) 0xff);
            int r = LibC.setsockopt(fd, Abi.IPPROTO_ICMPV6, Abi.ICMP6_FILTER, filter, (int) filter.byteSize());
            if (r < 0) {
                log.warn("Failed setting ICMP6_FILTER on IPv6 routing socket: " + LibC.strerror(-r));
            }
        }
    }

    @Override
    public boolean isOpen(Family f) {
        return fds[f.ordinal()] >= 0;
    }

    @Override
    public void close(Family f) {
        int fd = fds[f.ordinal()];
        if (fd < 0) {
            return;
        }
        fds[f.ordinal()] = -1;
        int level = f.v6() ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        int r = LibC.setsockopt(fd, level, f.v6() ? Abi.MRT6_DONE : Abi.MRT_DONE, MemorySegment.NULL, 0);
        if (r < 0) {
            log.debug("Failed shutting down " + f.label() + " multicast routing: " + LibC.strerror(-r));
        }
        LibC.close(fd);
    }

    private int fd(Family f, String op) throws KernelException {
        int fd = fds[f.ordinal()];
        if (fd < 0) {
            throw LibC.error(op, -Errno.EBADF);
        }
        return fd;
    }

    @Override
    public void enableWrongVif(Family f) throws KernelException {
        String op = f.v6() ? "MRT6_ASSERT" : "MRT_PIM";
        int fd = fd(f, op);
        check(op, f.v6()
                ? LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.MRT6_ASSERT, 1)
                : LibC.setsockoptInt(fd, Abi.IPPROTO_IP, Abi.MRT_PIM, 1));
        if (f.v6()) {
            // Without MRT6_PIM, ip6mr sends WRONGMIF only when the arrival MIF is an OIF of the
            // entry, so a source that moved to another inbound interface would never be
            // re-parented (§10.5). MRT_PIM does the same for IPv4. Best effort: a kernel
            // without CONFIG_IPV6_PIMSM_V2 refuses it and keeps the assert-only behaviour.
            LibC.setsockoptInt(fd, Abi.IPPROTO_IPV6, Abi.MRT6_PIM, 1);
        }
    }

    @Override
    public void addVif(Family f, int slot, int ifindex, int threshold) throws KernelException {
        if (f.v6()) {
            int fd = fd(f, "MRT6_ADD_MIF");
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = a.allocate(Layouts.MIF6CTL);
                m.set(JAVA_SHORT, 0, (short) slot);
                m.set(JAVA_BYTE, MIF_THRESHOLD, (byte) threshold);
                m.set(JAVA_SHORT, MIF_PIFI, (short) ifindex);
                check("MRT6_ADD_MIF", setsockopt(fd, Abi.IPPROTO_IPV6, Abi.MRT6_ADD_MIF, m));
            }
        } else {
            int fd = fd(f, "MRT_ADD_VIF");
            try (Arena a = Arena.ofConfined()) {
                check("MRT_ADD_VIF", setsockopt(fd, Abi.IPPROTO_IP, Abi.MRT_ADD_VIF, vifctl(a, slot, ifindex, threshold)));
            }
        }
    }

    @Override
    public void delVif(Family f, int slot, int ifindex) throws KernelException {
        if (f.v6()) {
            int fd = fd(f, "MRT6_DEL_MIF");
            try (Arena a = Arena.ofConfined()) {
                MemorySegment mifi = a.allocate(JAVA_SHORT);
                mifi.set(JAVA_SHORT, 0, (short) slot);
                check("MRT6_DEL_MIF", setsockopt(fd, Abi.IPPROTO_IPV6, Abi.MRT6_DEL_MIF, mifi));
            }
        } else {
            int fd = fd(f, "MRT_DEL_VIF");
            try (Arena a = Arena.ofConfined()) {
                check("MRT_DEL_VIF", setsockopt(fd, Abi.IPPROTO_IP, Abi.MRT_DEL_VIF, vifctl(a, slot, ifindex, 0)));
            }
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

    private static int setsockopt(int fd, int level, int opt, MemorySegment value) {
        return LibC.setsockopt(fd, level, opt, value, (int) value.byteSize());
    }

    @Override
    public void addMfc(Family f, Addr source, Addr group, int parent, byte[] ttls) throws KernelException {
        mfc(f, source, group, parent, ttls, true);
    }

    @Override
    public void delMfc(Family f, Addr source, Addr group, int parent) throws KernelException {
        mfc(f, source, group, parent, new byte[0], false);
    }

    private void mfc(Family f, Addr source, Addr group, int parent, byte[] ttls, boolean add)
            throws KernelException {
        requireFamily(f, source, group);
        String op = f.v6() ? (add ? "MRT6_ADD_MFC" : "MRT6_DEL_MFC") : (add ? "MRT_ADD_MFC" : "MRT_DEL_MFC");
        int fd = fd(f, op);
        if (f.v6()) {
            check(op, setsockopt(fd, Abi.IPPROTO_IPV6, add ? Abi.MRT6_ADD_MFC : Abi.MRT6_DEL_MFC,
                    MfcCodec.encodeMf6cctl(mf6cctl, mfcScratch, source, group, parent, ttls)));
        } else {
            check(op, setsockopt(fd, Abi.IPPROTO_IP, add ? Abi.MRT_ADD_MFC : Abi.MRT_DEL_MFC,
                    MfcCodec.encodeMfcctl(mfcctl, mfcScratch, source, group, parent, ttls)));
        }
    }

    /**
     * Links the upcall path before the first new flow needs it: the JVM builds the method-handle
     * code of a downcall and of each memory accessor on first use. Measured: the first packet of
     * the first new flow after start waited 13-21 ms; 6-9 ms with this and the upcalls in the AOT
     * training run (tools/aot-train-daemon.sh). This runs that code once on scratch memory: a
     * peek at the routing socket (MSG_PEEK leaves any queued upcall in place), an upcall decoded
     * from a made-up buffer, and an MFC request encoded but never sent.
     */
    private void primeUpcallPath(Family f, int fd) {
        try (Arena a = Arena.ofConfined()) {
            LibC.recv(fd, a.allocate(BUF_SIZE), BUF_SIZE, Abi.MSG_DONTWAIT | Abi.MSG_PEEK);
            MemorySegment scratch = a.allocate(BUF_SIZE, 8);
            Addr any = f.v6() ? Addr.parse("::") : Addr.parse("0.0.0.0");
            if (f.v6()) {
                MfcCodec.setUpcallType6(scratch, Upcall.NOCACHE);
                MfcCodec.decode6(scratch, Layouts.MRT6MSG.byteSize());
                MfcCodec.encodeMf6cctl(a.allocate(Layouts.MF6CCTL), mfcScratch, any, any, 0, new byte[Abi.MAXMIFS]);
            } else {
                MfcCodec.setUpcallType4(scratch, Upcall.NOCACHE);
                MfcCodec.decode4(scratch, Layouts.IGMPMSG.byteSize());
                MfcCodec.encodeMfcctl(a.allocate(Layouts.MFCCTL), mfcScratch, any, any, 0, new byte[Abi.MAXVIFS]);
            }
        }
    }

    private static void requireFamily(Family f, Addr source, Addr group) {
        if (source.v6() != f.v6() || group.v6() != f.v6()) {
            throw new IllegalArgumentException("address family mismatch: " + source + ", " + group + " for " + f);
        }
    }

    @Override
    public Counters counters(Family f, Addr source, Addr group) {
        int fd = fds[f.ordinal()];
        if (fd < 0 || source.v6() != f.v6() || group.v6() != f.v6()) {
            return Counters.ZERO;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req;
            long pkt;
            if (f.v6()) {
                req = a.allocate(Layouts.SIOC_SG_REQ6);
                MfcCodec.sockaddrIn6(req, 0, source);
                MfcCodec.sockaddrIn6(req, SG6_GROUP, group);
                pkt = SG6_PKT;
            } else {
                req = a.allocate(Layouts.SIOC_SG_REQ);
                req.set(Layouts.IN_ADDR, 0, source.ipv4());
                req.set(Layouts.IN_ADDR, 4, group.ipv4());
                pkt = SG_PKT;
            }
            long cmd = f.v6() ? Abi.SIOCGETSGCNT_IN6 : Abi.SIOCGETSGCNT;
            if (LibC.ioctl(fd, cmd, req) < 0) {
                return Counters.ZERO;
            }
            return new Counters(req.get(JAVA_LONG, pkt), req.get(JAVA_LONG, pkt + 8), req.get(JAVA_LONG, pkt + 16));
        }
    }

    @Override
    public int upcallFd(Family f) {
        return fds[f.ordinal()];
    }

    /** Most upcalls read in one {@link #readUpcalls} call. */
    static final int UPCALL_BATCH = 256;
    /** Longest stretch spent on upcalls in one {@link #readUpcalls} call. */
    static final long UPCALL_SLICE_NANOS = 20_000_000L;

    @Override
    public int readUpcalls(Family f, Consumer<Upcall> sink) {
        int fd = fds[f.ordinal()];
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
                    log.debug("Failed reading " + f.label() + " routing socket: " + LibC.strerror((int) -n));
                }
                break;
            }
            Upcall u = f.v6() ? MfcCodec.decode6(buf, n) : MfcCodec.decode4(buf, n);
            if (u != null) {
                sink.accept(u);
                count++;
            }
        }
        return count;
    }

    @Override
    public int openJoinSocket(Family f) throws KernelException {
        return joins.open(f);
    }

    @Override
    public void join(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException {
        joins.membership(true, socket, f, ifindex, source, group);
    }

    @Override
    public void leave(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException {
        joins.membership(false, socket, f, ifindex, source, group);
    }

    @Override
    public void closeJoinSocket(int socket) {
        joins.close(socket);
    }

    @Override
    public int openMrdisc(Family f, String ifname, int ifindex) throws KernelException {
        return mrdisc.open(f, ifname, ifindex);
    }

    @Override
    public void sendMrdisc(int socket, Family f, int ifindex, byte[] msg) throws KernelException {
        mrdisc.send(socket, f, ifindex, msg);
    }

    @Override
    public int readMrdisc(int socket, Family f) {
        return mrdisc.read(socket, f);
    }

    @Override
    public void closeMrdisc(int socket) {
        mrdisc.close(socket);
    }

    @Override
    public List<Link> links() throws KernelException {
        return IfAddrs.links();
    }

    @Override
    public void close() {
        close(Family.INET);
        close(Family.INET6);
    }
}
