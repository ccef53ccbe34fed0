package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * Group membership sockets (SPEC §9.3, §16.3): plain UDP sockets that exist only to hold
 * RFC 3678 joins, by ifindex so that interfaces without an address work. A drop-all classic BPF
 * program keeps the kernel from queueing the joined groups' data to them. Split out of
 * {@link LinuxKernel}, which delegates here.
 */
final class JoinSockets {

    private static final long GR_GROUP = Layouts.offset(Layouts.GROUP_REQ, "gr_group");
    private static final long GSR_GROUP = Layouts.offset(Layouts.GROUP_SOURCE_REQ, "gsr_group");
    private static final long GSR_SOURCE = Layouts.offset(Layouts.GROUP_SOURCE_REQ, "gsr_source");
    private static final long SIN_ADDR = Layouts.offset(Layouts.SOCKADDR_IN, "sin_addr");
    private static final long SIN6_ADDR = Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");
    private static final long FILTER_CODE = Layouts.offset(Layouts.SOCK_FILTER, "code");
    private static final long FPROG_LEN = Layouts.offset(Layouts.SOCK_FPROG, "len");
    private static final long FPROG_FILTER = Layouts.offset(Layouts.SOCK_FPROG, "filter");

    private final Log log;

    JoinSockets(Log log) {
        this.log = log;
    }

    /**
     * A new join socket of family {@code f}. Failing to turn off loop or multicast-all, or to
     * attach the filter, only costs memory, so those are warnings, as in the C original.
     */
    int open(Family f) throws KernelException {
        boolean v6 = f.v6();
        int fd = LibC.check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0));
        int level = v6 ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        soft(LibC.setsockoptInt(fd, level, v6 ? Abi.IPV6_MULTICAST_LOOP : Abi.IP_MULTICAST_LOOP, 0),
                v6 ? "IPV6_MULTICAST_LOOP" : "IP_MULTICAST_LOOP", f);
        soft(LibC.setsockoptInt(fd, level, v6 ? Abi.IPV6_MULTICAST_ALL : Abi.IP_MULTICAST_ALL, 0),
                v6 ? "IPV6_MULTICAST_ALL" : "IP_MULTICAST_ALL", f);
        soft(attachDropAll(fd), "SO_ATTACH_FILTER", f);
        return fd;
    }

    private void soft(int r, String name, Family f) {
        if (r < 0) {
            log.warn("Failed setting " + name + " on " + f.label() + " join socket: " + LibC.strerror(-r));
        }
    }

    /** {@code sock_fprog { len = 1, filter -> { BPF_RET|BPF_K, 0, 0, k = 0 } }}: accept 0 bytes. */
    static int attachDropAll(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insn = a.allocate(Layouts.SOCK_FILTER);
            insn.set(JAVA_SHORT, FILTER_CODE, Abi.BPF_RET_K); // jt, jf and k stay 0
            MemorySegment prog = a.allocate(Layouts.SOCK_FPROG);
            prog.set(JAVA_SHORT, FPROG_LEN, (short) 1);
            prog.set(ADDRESS, FPROG_FILTER, insn);
            return LibC.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_ATTACH_FILTER, prog, (int) prog.byteSize());
        }
    }

    /**
     * Joins or leaves: {@code MCAST_[JOIN|LEAVE]_GROUP} with a {@code group_req}, or the
     * {@code _SOURCE_GROUP} variant with a {@code group_source_req} when {@code source} is set.
     */
    void membership(boolean join, int fd, Family f, int ifindex, Addr source, Addr group) throws KernelException {
        if (group.v6() != f.v6() || (source != null && source.v6() != f.v6())) {
            throw new IllegalArgumentException("address family mismatch: " + source + ", " + group + " for " + f);
        }
        int opt;
        String op;
        if (source == null) {
            opt = join ? Abi.MCAST_JOIN_GROUP : Abi.MCAST_LEAVE_GROUP;
            op = join ? "MCAST_JOIN_GROUP" : "MCAST_LEAVE_GROUP";
        } else {
            opt = join ? Abi.MCAST_JOIN_SOURCE_GROUP : Abi.MCAST_LEAVE_SOURCE_GROUP;
            op = join ? "MCAST_JOIN_SOURCE_GROUP" : "MCAST_LEAVE_SOURCE_GROUP";
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req;
            if (source == null) {
                req = a.allocate(Layouts.GROUP_REQ);
                sockaddr(req, GR_GROUP, group);
            } else {
                req = a.allocate(Layouts.GROUP_SOURCE_REQ);
                sockaddr(req, GSR_GROUP, group);
                sockaddr(req, GSR_SOURCE, source);
            }
            req.set(JAVA_INT, 0, ifindex); // gr_interface / gsr_interface
            int level = f.v6() ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
            LibC.check(op, LibC.setsockopt(fd, level, opt, req, (int) req.byteSize()));
        }
    }

    /** A {@code sockaddr_in} or {@code sockaddr_in6} (port 0) inside a {@code sockaddr_storage}. */
    private static void sockaddr(MemorySegment m, long at, Addr addr) {
        if (addr.v6()) {
            m.set(JAVA_SHORT, at, (short) Abi.AF_INET6);
            MemorySegment.copy(addr.toBytes(), 0, m, JAVA_BYTE, at + SIN6_ADDR, 16);
        } else {
            m.set(JAVA_SHORT, at, (short) Abi.AF_INET);
            m.set(Layouts.IN_ADDR, at + SIN_ADDR, addr.ipv4());
        }
    }

    /** Closing makes the kernel drop every membership of the socket. */
    void close(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}
