package org.smcroute.daemon;

import java.util.List;
import java.util.function.Consumer;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.Upcall;
import org.smcroute.net.Addr;

/**
 * The kernel as verify mode sees it (SPEC §4.7): the real interface list, but routing calls
 * that succeed without touching anything, so the normal allocator simulates VIF numbering and
 * a check needs no root and disturbs no running daemon.
 */
final class VerifyKernel implements Kernel {

    private final Kernel real;
    private final boolean[] open = new boolean[2];

    VerifyKernel(Kernel real) {
        this.real = real;
    }

    @Override
    public int maxVifs(Family f) {
        return real.maxVifs(f);
    }

    @Override
    public void open(Family f, int table) {
        open[f.ordinal()] = true;
    }

    @Override
    public boolean isOpen(Family f) {
        return open[f.ordinal()];
    }

    @Override
    public void close(Family f) {
        open[f.ordinal()] = false;
    }

    @Override
    public void enableWrongVif(Family f) {
    }

    @Override
    public void addVif(Family f, int slot, int ifindex, int threshold) {
    }

    @Override
    public void delVif(Family f, int slot, int ifindex) {
    }

    @Override
    public void addMfc(Family f, Addr source, Addr group, int parent, byte[] ttls) {
    }

    @Override
    public void delMfc(Family f, Addr source, Addr group, int parent) {
    }

    @Override
    public Counters counters(Family f, Addr source, Addr group) {
        return Counters.ZERO;
    }

    @Override
    public int upcallFd(Family f) {
        return -1;
    }

    @Override
    public int readUpcalls(Family f, Consumer<Upcall> sink) {
        return 0;
    }

    @Override
    public int openJoinSocket(Family f) {
        return -1;
    }

    @Override
    public void join(int socket, Family f, int ifindex, Addr source, Addr group) {
    }

    @Override
    public void leave(int socket, Family f, int ifindex, Addr source, Addr group) {
    }

    @Override
    public void closeJoinSocket(int socket) {
    }

    @Override
    public int openMrdisc(Family f, String ifname, int ifindex) {
        return -1;
    }

    @Override
    public void sendMrdisc(int socket, Family f, int ifindex, byte[] msg) {
    }

    @Override
    public int readMrdisc(int socket, Family f) {
        return 0;
    }

    @Override
    public void closeMrdisc(int socket) {
    }

    @Override
    public List<Link> links() throws KernelException {
        return real.links();
    }

    @Override
    public void close() {
        open[0] = false;
        open[1] = false;
    }
}
