package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * A raw IGMP or ICMPv6 socket tied to one interface (see {@link Kernel#openControl}). It only
 * moves packets; what they mean is the protocol code's business.
 */
public interface ControlSocket extends AutoCloseable {

    /** The descriptor to poll for incoming packets. */
    int fd();

    /**
     * Sends {@code msg} to {@code to} on the socket's interface. An IPv4 message carries its
     * checksum already; the kernel fills in the ICMPv6 one.
     */
    void send(Addr to, byte[] msg) throws KernelException;

    /**
     * Copies the next queued packet into {@code buf} without blocking, as the kernel delivers it:
     * IPv4 with its IP header, IPv6 as the bare ICMPv6 message.
     *
     * @return its length (cut to {@code buf}), or -1 when nothing is queued
     */
    int receive(byte[] buf);

    @Override
    void close();
}
