package org.smcroute.kernel;

import java.util.List;

/**
 * Opens what the daemon needs of the operating system, one typed socket object per concern:
 * the routing API of a family, sockets that hold group memberships, per-interface control
 * sockets for IGMP/ICMPv6 protocols such as mrdisc, and the interface list. The routing domain
 * only ever sees these interfaces, so it runs against a fake in unit tests and a FreeBSD backend
 * can be added later without touching config, IPC, show or routing logic (SPEC §16.8).
 * Implementations and the sockets they open are used from the state thread only.
 */
public interface Kernel {

    /**
     * Most VIF/MIF slots the domain can address: OIF sets are {@code int} bitmasks, and a
     * route line or request may name at most this many outbound interfaces (SPEC §6.5, §14.3).
     * A backend's {@link #maxVifs} is never larger.
     */
    int MAX_VIFS = 32;

    /** Largest VIF/MIF count of a family on this system (32 on Linux). */
    int maxVifs(Family f);

    /**
     * Opens the routing API of a family, on {@code table} when it is not 0 (SPEC §16.1).
     *
     * @throws TableException when the kernel refuses the table (no multiple-table support)
     * @throws KernelException otherwise; its errno tells in-use (EADDRINUSE) from
     *     not-permitted (EPERM, EACCES)
     */
    RoutingSocket openRouting(Family f, int table) throws KernelException;

    /**
     * Opens a socket for group joins: datagram, loop and multicast-all off, and a filter that
     * drops every packet so no data is ever queued to it (SPEC §9.3, §16.3).
     */
    MembershipSocket openMembership(Family f) throws KernelException;

    /**
     * Opens a control socket on one interface: raw IGMP (IPv4) or ICMPv6, bound to the device,
     * joined to the groups of {@code spec} by ifindex, multicast hops 1, loop off, output
     * interface set, Router Alert on every packet sent, non-blocking.
     *
     * @throws NoLinkLocalException when an IPv6 interface has no link-local address to send
     *     from; any failure leaves nothing open
     */
    ControlSocket openControl(Family f, String ifname, int ifindex, ControlSocket.Spec spec) throws KernelException;

    /** Present interfaces, in system order, alias rows folded into their base name. */
    List<Link> links() throws KernelException;
}
