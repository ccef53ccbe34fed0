package org.smcroute.kernel;

import java.util.List;
import java.util.function.Consumer;
import org.smcroute.net.Addr;

/**
 * Everything the daemon asks of the operating system's multicast routing, in decoded values.
 * The routing domain only ever sees this interface, so it runs against a fake in unit tests and a
 * FreeBSD backend can be added later without touching config, IPC, show or routing logic
 * (SPEC §16.8). Implementations are used from the state thread only.
 */
public interface Kernel extends AutoCloseable {

    /** Largest VIF/MIF count of a family (32 on Linux). */
    int maxVifs(Family f);

    /**
     * Opens the routing API of a family, on {@code table} when it is not 0 (SPEC §16.1). The
     * exception's {@link KernelException#op()} names the failing step ({@code MRT_TABLE},
     * {@code MRT_INIT}, {@code socket}, ...) and its errno tells in-use from not-permitted.
     */
    void open(Family f, int table) throws KernelException;

    boolean isOpen(Family f);

    /** {@code MRT_DONE} and close: the kernel drops every VIF and MFC entry of the socket. */
    void close(Family f);

    /** Enables WRONGVIF/WRONGMIF upcalls ({@code MRT_PIM} / {@code MRT6_ASSERT}). */
    void enableWrongVif(Family f) throws KernelException;

    void addVif(Family f, int slot, int ifindex, int threshold) throws KernelException;

    void delVif(Family f, int slot, int ifindex) throws KernelException;

    /**
     * Adds or replaces the (S,G) entry. {@code ttls} has one byte per VIF/MIF slot, 0 = not an
     * OIF; IPv6 backends use only "non-zero".
     */
    void addMfc(Family f, Addr source, Addr group, int parent, byte[] ttls) throws KernelException;

    void delMfc(Family f, Addr source, Addr group, int parent) throws KernelException;

    /** Packet/byte counters of an (S,G); {@link Counters#ZERO} when they cannot be read. */
    Counters counters(Family f, Addr source, Addr group);

    /** The routing socket to poll for upcalls, or -1 when the family is closed. */
    int upcallFd(Family f);

    /**
     * Reads queued upcalls without blocking, a bounded batch per call (the poll loop calls again
     * while more are queued), and hands each decoded one to {@code sink};
     * ordinary IGMP/ICMPv6 traffic on the socket is skipped.
     *
     * @return the number of upcalls delivered
     */
    int readUpcalls(Family f, Consumer<Upcall> sink);

    /**
     * Opens a socket for group joins: datagram, loop and multicast-all off, and a filter that
     * drops every packet so no data is ever queued to it (SPEC §9.3, §16.3).
     *
     * @return a handle for {@link #join}, {@link #leave} and {@link #closeJoinSocket}
     */
    int openJoinSocket(Family f) throws KernelException;

    /**
     * Joins {@code group} on the interface with {@code ifindex}, source-specific when
     * {@code source} is not null (RFC 3678 calls, by ifindex). EADDRINUSE means already joined
     * on this socket; ENOBUFS means the socket's membership limit was reached.
     */
    void join(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException;

    void leave(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException;

    /** Closing a join socket makes the kernel leave everything joined on it. */
    void closeJoinSocket(int socket);

    /**
     * The {@link KernelException#op()} of {@link #openMrdisc} when an IPv6 interface has no
     * link-local address to send from; mrdisc skips such an interface quietly (SPEC §17.5).
     */
    String NO_LINK_LOCAL = "link-local";

    /**
     * Opens the Multicast Router Discovery socket of one interface (SPEC §17.2, §17.5): raw
     * IGMP or ICMPv6, bound to the device, joined to All-Routers and All-Snoopers by ifindex,
     * multicast hops 1, loop off, output interface set, Router Alert on every packet; the IPv6
     * one passes only Solicitations. Non-blocking.
     *
     * @return a handle for {@link #sendMrdisc}, {@link #readMrdisc} and {@link #closeMrdisc};
     *     it is also the descriptor to poll for incoming Solicitations
     * @throws KernelException with op {@link #NO_LINK_LOCAL} when an IPv6 interface has no
     *     link-local address; any other failure leaves nothing open
     */
    int openMrdisc(Family f, String ifname, int ifindex) throws KernelException;

    /**
     * Sends one 8-byte mrdisc message to All-Snoopers (224.0.0.106 or ff02::6a on
     * {@code ifindex}). The IPv4 message carries its checksum already; the kernel fills in the
     * ICMPv6 one.
     */
    void sendMrdisc(int socket, Family f, int ifindex, byte[] msg) throws KernelException;

    /**
     * Reads every queued packet of an mrdisc socket without blocking.
     *
     * @return how many of them were Solicitations (IGMP type 0x31, ICMPv6 type 152)
     */
    int readMrdisc(int socket, Family f);

    void closeMrdisc(int socket);

    /** Present interfaces, in system order, alias rows folded into their base name. */
    List<Link> links() throws KernelException;

    /** Closes every family that is still open. */
    @Override
    void close();
}
