package org.smcroute.group;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * Join sockets of one family (SPEC §9.3). Linux limits memberships per socket
 * ({@code igmp_max_memberships}, and {@code igmp_max_msf} for sources), so joins are spread
 * over as many sockets as needed; the per-socket budget starts at 20 and shrinks on ENOBUFS.
 */
public final class JoinPool {

    /** A pooled socket and the number of joins it holds. */
    public static final class Socket {
        final MembershipSocket kernel;
        int joins;

        Socket(MembershipSocket kernel) {
            this.kernel = kernel;
        }
    }

    private final Kernel kernel;
    private final Family family;
    private final Log log;
    private final List<Socket> sockets = new ArrayList<>();
    private int maxGroups = 20;

    public JoinPool(Kernel kernel, Family family, Log log) {
        this.kernel = kernel;
        this.family = family;
        this.log = log;
    }

    public int socketCount() {
        return sockets.size();
    }

    /**
     * Joins on the first socket with room, opening one when needed and adapting the budget on
     * ENOBUFS.
     *
     * @return the socket used, or null when the membership already existed (EADDRINUSE)
     */
    public Socket join(int ifindex, Addr source, Addr group) throws KernelException {
        while (true) {
            Socket s = socketWithRoom();
            try {
                s.kernel.join(ifindex, source, group);
                s.joins++;
                return s;
            } catch (KernelException e) {
                if (s.joins == 0) {
                    close(s);
                }
                if (e.errno() == Errno.EADDRINUSE) {
                    return null;
                }
                if (e.errno() != Errno.ENOBUFS || maxGroups <= 1 || s.joins == 0) {
                    throw e;
                }
                // this socket is full at its current count: never offer it more
                maxGroups = Math.max(1, Math.min(maxGroups - 1, s.joins));
                log.warn("Out of groups on socket adjusting max_groups " + maxGroups + ".");
            }
        }
    }

    private Socket socketWithRoom() throws KernelException {
        for (Socket s : sockets) {
            if (s.joins < maxGroups) {
                return s;
            }
        }
        Socket s = new Socket(kernel.openMembership(family));
        sockets.add(s);
        return s;
    }

    /** Leaves on the socket that joined; closes the socket when it becomes empty. */
    public void leave(Socket s, int ifindex, Addr source, Addr group) {
        try {
            s.kernel.leave(ifindex, source, group);
        } catch (KernelException e) {
            log.debug("Failed leaving (" + (source == null ? "*" : source) + "," + group + "): " + e.reason());
        }
        s.joins--;
        if (s.joins <= 0) {
            close(s);
        }
    }

    /** Replaces the source filter of a group joined on {@code s}; see {@link MembershipSocket#setFilter}. */
    public void setFilter(Socket s, int ifindex, Addr group, boolean exclude, List<Addr> sources) throws KernelException {
        s.kernel.setFilter(ifindex, group, exclude, sources);
    }

    private void close(Socket s) {
        if (sockets.remove(s)) {
            s.kernel.close();
        }
    }

    /** Closes every socket; the kernel leaves what they held. */
    public void closeAll() {
        for (Socket s : new ArrayList<>(sockets)) {
            close(s);
        }
    }
}
