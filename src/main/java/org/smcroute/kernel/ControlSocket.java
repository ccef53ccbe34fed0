package org.smcroute.kernel;

import java.util.List;
import org.smcroute.net.Addr;

/**
 * A raw IGMP or ICMPv6 socket tied to one interface (see {@link Kernel#openControl}). It only
 * moves packets; what they mean is the protocol code's business.
 */
public interface ControlSocket extends AutoCloseable {

    /**
     * What the socket receives: it joins {@code groups} on its interface; an IPv6 one lets only
     * the ICMPv6 types in {@code icmp6Types} through. With {@code routerAlert}, an IPv4 one also
     * gets the IGMP messages with a Router Alert that the kernel hands to multicast routers for
     * groups this host has not joined (IGMPv1/v2 reports and group-specific queries); IPv6 MLD
     * messages with a Router Alert reach every ICMPv6 socket anyway.
     */
    record Spec(List<Addr> groups, List<Integer> icmp6Types, boolean routerAlert) {
    }

    /** The descriptor to poll for incoming packets. */
    int fd();

    /**
     * Sends {@code msg} to {@code to} on the socket's interface. An IPv4 message carries its
     * checksum already; the kernel fills in the ICMPv6 one.
     */
    void send(Addr to, byte[] msg) throws KernelException;

    /** The next queued packet, without blocking; null when nothing is queued. */
    ControlPacket receive();

    /**
     * The address this socket's packets leave from, as the kernel picks it: the interface's
     * first IPv4 address, or its IPv6 link-local one; null when it has none. Read from the
     * system on each call.
     */
    Addr localAddress();

    @Override
    void close();
}
