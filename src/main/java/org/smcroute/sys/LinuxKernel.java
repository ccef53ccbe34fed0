package org.smcroute.sys;

import java.util.List;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;

/** Linux behind the {@link Kernel} seam: ipmr/ip6mr, RFC 3678 joins, raw control sockets, getifaddrs. */
public final class LinuxKernel implements Kernel {

    private final Log log;

    public LinuxKernel(Log log) {
        this.log = log;
    }

    @Override
    public int maxVifs(Family f) {
        return f.v6() ? Abi.MAXMIFS : Abi.MAXVIFS;
    }

    @Override
    public RoutingSocket openRouting(Family f, int table) throws KernelException {
        return LinuxRoutingSocket.open(f, table, log);
    }

    @Override
    public MembershipSocket openMembership(Family f) throws KernelException {
        return LinuxMembershipSocket.open(f, log);
    }

    @Override
    public ControlSocket openControl(Family f, String ifname, int ifindex, ControlSocket.Spec spec) throws KernelException {
        return LinuxControlSocket.open(f, ifname, ifindex, spec);
    }

    @Override
    public List<Link> links() throws KernelException {
        return IfAddrs.links();
    }
}
