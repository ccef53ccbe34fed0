package org.smcroute.kernel;

import java.util.List;
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

    /**
     * Replaces the source filter of a group joined on this socket (the full-state API of RFC
     * 3678): EXCLUDE or INCLUDE {@code sources}; the kernel reports the change upstream.
     *
     * @throws KernelException EINVAL when the group is not joined on this socket, ENOBUFS when
     *     the kernel takes fewer sources per filter ({@code igmp_max_msf}, {@code mld_max_msf})
     */
    void setFilter(int ifindex, Addr group, boolean exclude, List<Addr> sources) throws KernelException;

    @Override
    void close();
}
