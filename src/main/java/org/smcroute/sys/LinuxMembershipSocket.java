package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * A plain UDP socket that exists only to hold RFC 3678 joins (SPEC §9.3, §16.3), made by
 * ifindex so that interfaces without an address work. A drop-all classic BPF program keeps the
 * kernel from queueing the joined groups' data to it.
 */
final class LinuxMembershipSocket implements MembershipSocket {

    private static final long GR_GROUP = Layouts.offset(Layouts.GROUP_REQ, "gr_group");
    private static final long GSR_GROUP = Layouts.offset(Layouts.GROUP_SOURCE_REQ, "gsr_group");
    private static final long GSR_SOURCE = Layouts.offset(Layouts.GROUP_SOURCE_REQ, "gsr_source");
    private static final long GF_GROUP = Layouts.offset(Layouts.GROUP_FILTER, "gf_group");
    private static final long GF_FMODE = Layouts.offset(Layouts.GROUP_FILTER, "gf_fmode");
    private static final long GF_NUMSRC = Layouts.offset(Layouts.GROUP_FILTER, "gf_numsrc");
    private static final long GF_SLIST = Layouts.offset(Layouts.GROUP_FILTER, "gf_slist");
    private static final long STORAGE = Layouts.SOCKADDR_STORAGE.byteSize();
    private static final long FILTER_CODE = Layouts.offset(Layouts.SOCK_FILTER, "code");
    private static final long FPROG_LEN = Layouts.offset(Layouts.SOCK_FPROG, "len");
    private static final long FPROG_FILTER = Layouts.offset(Layouts.SOCK_FPROG, "filter");

    private final Family family;
    private int fd;

    private LinuxMembershipSocket(Family family, int fd) {
        this.family = family;
        this.fd = fd;
    }

    /**
     * A new membership socket of family {@code f}. Failing to turn off loop or multicast-all, or
     * to attach the filter, only costs memory, so those are warnings, as in the C original.
     */
    static LinuxMembershipSocket open(Family f, Log log) throws KernelException {
        boolean v6 = f.v6();
        int fd = LibC.check("socket", LibC.socket(v6 ? Abi.AF_INET6 : Abi.AF_INET, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0));
        int level = v6 ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
        soft(log, LibC.setsockoptInt(fd, level, v6 ? Abi.IPV6_MULTICAST_LOOP : Abi.IP_MULTICAST_LOOP, 0),
                v6 ? "IPV6_MULTICAST_LOOP" : "IP_MULTICAST_LOOP", f);
        soft(log, LibC.setsockoptInt(fd, level, v6 ? Abi.IPV6_MULTICAST_ALL : Abi.IP_MULTICAST_ALL, 0),
                v6 ? "IPV6_MULTICAST_ALL" : "IP_MULTICAST_ALL", f);
        soft(log, attachDropAll(fd), "SO_ATTACH_FILTER", f);
        return new LinuxMembershipSocket(f, fd);
    }

    private static void soft(Log log, int r, String name, Family f) {
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

    /** The descriptor, for tests that inspect the socket. */
    int fd() {
        return fd;
    }

    @Override
    public void join(int ifindex, Addr source, Addr group) throws KernelException {
        membership(true, ifindex, source, group);
    }

    @Override
    public void leave(int ifindex, Addr source, Addr group) throws KernelException {
        membership(false, ifindex, source, group);
    }

    /**
     * {@code MCAST_[JOIN|LEAVE]_GROUP} with a {@code group_req}, or the {@code _SOURCE_GROUP}
     * variant with a {@code group_source_req} when {@code source} is set.
     */
    private void membership(boolean join, int ifindex, Addr source, Addr group) throws KernelException {
        if (group.v6() != family.v6() || (source != null && source.v6() != family.v6())) {
            throw new IllegalArgumentException("address family mismatch: " + source + ", " + group + " for " + family);
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
        if (fd < 0) {
            throw LibC.error(op, -Errno.EBADF);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req;
            if (source == null) {
                req = a.allocate(Layouts.GROUP_REQ);
                Sockaddr.write(req, GR_GROUP, group, 0);
            } else {
                req = a.allocate(Layouts.GROUP_SOURCE_REQ);
                Sockaddr.write(req, GSR_GROUP, group, 0);
                Sockaddr.write(req, GSR_SOURCE, source, 0);
            }
            req.set(JAVA_INT, 0, ifindex); // gr_interface / gsr_interface
            int level = family.v6() ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
            LibC.check(op, LibC.setsockopt(fd, level, opt, req, (int) req.byteSize()));
        }
    }

    /** {@code MCAST_MSFILTER} with a {@code group_filter} of the kernel's GROUP_FILTER_SIZE(n). */
    @Override
    public void setFilter(int ifindex, Addr group, boolean exclude, List<Addr> sources) throws KernelException {
        if (group.v6() != family.v6()) {
            throw new IllegalArgumentException("address family mismatch: " + group + " for " + family);
        }
        if (fd < 0) {
            throw LibC.error("MCAST_MSFILTER", -Errno.EBADF);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(GF_SLIST + STORAGE * sources.size(), 8);
            req.set(JAVA_INT, 0, ifindex); // gf_interface
            Sockaddr.write(req, GF_GROUP, group, 0);
            req.set(JAVA_INT, GF_FMODE, exclude ? Abi.MCAST_EXCLUDE : Abi.MCAST_INCLUDE);
            req.set(JAVA_INT, GF_NUMSRC, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                Sockaddr.write(req, GF_SLIST + STORAGE * i, sources.get(i), 0);
            }
            int level = family.v6() ? Abi.IPPROTO_IPV6 : Abi.IPPROTO_IP;
            LibC.check("MCAST_MSFILTER", LibC.setsockopt(fd, level, Abi.MCAST_MSFILTER, req, (int) req.byteSize()));
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
