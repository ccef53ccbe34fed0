package org.smcroute.daemon;

import java.util.List;
import java.util.function.Consumer;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.VifCounters;
import org.smcroute.kernel.Upcall;
import org.smcroute.net.Addr;

/**
 * The kernel as verify mode sees it (SPEC §4.7): the real interface list, but routing and
 * membership sockets whose calls succeed without touching anything, so the normal allocator
 * simulates VIF numbering and a check needs no root and disturbs no running daemon.
 */
final class VerifyKernel implements Kernel {

    private final Kernel real;

    VerifyKernel(Kernel real) {
        this.real = real;
    }

    @Override
    public int maxVifs(Family f) {
        return real.maxVifs(f);
    }

    @Override
    public RoutingSocket openRouting(Family f, int table) {
        return new Routing(f);
    }

    @Override
    public MembershipSocket openMembership(Family f) {
        return new Membership();
    }

    @Override
    public ControlSocket openControl(Family f, String ifname, int ifindex, ControlSocket.Spec spec) throws KernelException {
        throw new KernelException("socket", 0, "verify mode sends nothing");
    }

    @Override
    public List<Link> links() throws KernelException {
        return real.links();
    }

    /** Accepts every VIF and MFC change; nothing is ever queued. */
    private record Routing(Family family) implements RoutingSocket {
        @Override
        public int fd() {
            return -1;
        }

        @Override
        public void enableWrongVif() {
        }

        @Override
        public void addVif(int slot, int ifindex, int threshold) {
        }

        @Override
        public void delVif(int slot, int ifindex) {
        }

        @Override
        public void addMfc(Addr source, Addr group, int parent, byte[] ttls) {
        }

        @Override
        public void delMfc(Addr source, Addr group, int parent) {
        }

        @Override
        public Counters counters(Addr source, Addr group) {
            return Counters.ZERO;
        }

        @Override
        public VifCounters vifCounters(int slot) {
            return null;
        }

        @Override
        public int readUpcalls(Consumer<Upcall> sink) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    /** Accepts every join and leave. */
    private static final class Membership implements MembershipSocket {
        @Override
        public void join(int ifindex, Addr source, Addr group) {
        }

        @Override
        public void leave(int ifindex, Addr source, Addr group) {
        }

        @Override
        public void setFilter(int ifindex, Addr group, boolean exclude, List<Addr> sources) {
        }

        @Override
        public void close() {
        }
    }
}
