package org.smcroute.group;

import java.util.Objects;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/**
 * One membership held in the kernel: needed to leave on the very socket that joined, and to re-join
 * on a new ifindex when an interface is re-created. {@code socket} is null while the interface is
 * gone or not multicast capable (left, to be re-joined).
 */
public record KernelJoin(ConfGroup owner, String ifname, int ifindex, Family family, Addr source, Addr group, JoinPool.Socket socket) {

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof KernelJoin j && owner == j.owner && ifname.equals(j.ifname) && ifindex == j.ifindex
                && family == j.family && Objects.equals(source, j.source) && group.equals(j.group) && socket == j.socket;
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, ifname, ifindex, family, source, group, socket);
    }
}
