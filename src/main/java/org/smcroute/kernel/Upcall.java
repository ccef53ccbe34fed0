package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * A decoded kernel upcall from a routing socket: what arrived (S,G) on which VIF/MIF and why.
 * Types share numbers across families (IGMPMSG_* and MRT6MSG_*).
 */
public record Upcall(Family family, int type, int vif, Addr source, Addr group) {
    public static final int NOCACHE = 1;
    public static final int WRONGVIF = 2;
    public static final int WHOLEPKT = 3;
    public static final int WRVIFWHOLE = 4;
}
