package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * A socket that exists only to hold group memberships (SPEC §9.3). Closing it makes the kernel
 * leave everything joined on it.
 */
public interface MembershipSocket extends AutoCloseable {

    /**
     * Joins {@code group} on the interface with {@code ifindex}, source-specific when
     * {@code source} is not null (RFC 3678 calls, by ifindex).
     *
     * @throws KernelException EADDRINUSE when already joined on this socket, ENOBUFS when the
     *     socket's membership limit was reached
     */
    void join(int ifindex, Addr source, Addr group) throws KernelException;

    void leave(int ifindex, Addr source, Addr group) throws KernelException;

    @Override
    void close();
}
