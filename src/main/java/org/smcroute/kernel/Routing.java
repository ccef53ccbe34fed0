package org.smcroute.kernel;

/**
 * The routing sockets of both families as the routing domain sees them: open or not. A family
 * that could not be opened simply has no socket, and everything that needs one (VIFs, MFC
 * entries, counters) skips it. State thread only.
 */
public final class Routing {

    private final Kernel kernel;
    private final RoutingSocket[] sockets = new RoutingSocket[Family.values().length];

    public Routing(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Largest VIF/MIF count of a family, whether open or not. */
    public int maxVifs(Family f) {
        return kernel.maxVifs(f);
    }

    /** Opens the family's routing API unless it is open already; see {@link Kernel#openRouting}. */
    public RoutingSocket open(Family f, int table) throws KernelException {
        RoutingSocket s = sockets[f.ordinal()];
        if (s == null) {
            s = kernel.openRouting(f, table);
            sockets[f.ordinal()] = s;
        }
        return s;
    }

    public boolean isOpen(Family f) {
        return sockets[f.ordinal()] != null;
    }

    /** The open socket of a family, or null. */
    public RoutingSocket socket(Family f) {
        return sockets[f.ordinal()];
    }

    /** Closes the family's socket, if open: the kernel drops its VIFs/MIFs and MFC entries. */
    public void close(Family f) {
        RoutingSocket s = sockets[f.ordinal()];
        sockets[f.ordinal()] = null;
        if (s != null) {
            s.close();
        }
    }
}
