package org.smcroute.kernel;

import java.util.function.Consumer;
import org.smcroute.net.Addr;

/**
 * The multicast routing API of one family: its VIF/MIF table, its MFC and its upcalls. The
 * kernel keeps those entries only while this socket is open, which is why the daemon is a
 * daemon. Calls after {@link #close} fail with EBADF.
 */
public interface RoutingSocket extends AutoCloseable {

    Family family();

    /** The descriptor to poll for upcalls. */
    int fd();

    /** Enables WRONGVIF/WRONGMIF upcalls. */
    void enableWrongVif() throws KernelException;

    void addVif(int slot, int ifindex, int threshold) throws KernelException;

    void delVif(int slot, int ifindex) throws KernelException;

    /**
     * Adds or replaces the (S,G) entry. {@code ttls} has one byte per VIF/MIF slot, 0 = not an
     * OIF; IPv6 uses only "non-zero".
     */
    void addMfc(Addr source, Addr group, int parent, byte[] ttls) throws KernelException;

    void delMfc(Addr source, Addr group, int parent) throws KernelException;

    /** Packet/byte counters of an (S,G); {@link Counters#ZERO} when they cannot be read. */
    Counters counters(Addr source, Addr group);

    /** Packet/byte counters of a VIF/MIF slot; null when the slot has no kernel VIF/MIF. */
    VifCounters vifCounters(int slot);

    /**
     * Reads queued upcalls without blocking, a bounded batch per call (the poll loop calls again
     * while more are queued), and hands each decoded one to {@code sink}; ordinary IGMP/ICMPv6
     * traffic on the socket is skipped.
     *
     * @return the number of upcalls delivered
     */
    int readUpcalls(Consumer<Upcall> sink);

    /** Ends multicast routing on the socket: the kernel drops every VIF/MIF and MFC entry. */
    @Override
    void close();
}
