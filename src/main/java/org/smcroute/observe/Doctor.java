package org.smcroute.observe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.group.Groups;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Routing;
import org.smcroute.loop.Deferred;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.route.Phyints;
import org.smcroute.route.Routes;

/**
 * {@code smcroutectl doctor}: the common reasons multicast is not routed, checked where they
 * can be seen. The daemon runs every check, because it knows its routes, interfaces and VIF
 * use, and because the kernel settings that matter ({@code /proc/sys/net}) are those of its
 * own network namespace, which need not be the client's. The reply is one {@link Finding} per
 * line, in a fixed order of codes; the client renders it as text or JSON.
 */
public final class Doctor {

    /** What the daemon knows of itself beyond its state objects. */
    public interface Self {
        /** The multicast routing table ({@code -t}). */
        int table();

        /** Why the routing API of {@code f} is not open; null when it is open or was never tried. */
        KernelException openFailure(Family f);

        String configFile();

        /** What went wrong with the last load of the file, following its name in a sentence; null if nothing. */
        String configProblem();
    }

    private final EventLoop loop;
    private final Routing routing;
    private final Interfaces ifaces;
    private final Routes routes;
    private final Checks checks;

    public Doctor(EventLoop loop, Routing routing, Interfaces ifaces, Routes routes, Groups groups, Pending pending,
            Phyints phyints, Sysctl sysctl, Self self) {
        this.loop = loop;
        this.routing = routing;
        this.ifaces = ifaces;
        this.routes = routes;
        this.checks = new Checks(routing, ifaces, routes, groups, pending, phyints, sysctl, self);
    }

    /** One examination: the checks run now, the reply is ready after the TTL sample. */
    public Stream examine() {
        List<Finding> found = new ArrayList<>();
        found.addAll(checks.rpFilter());
        found.addAll(checks.noMulticast());
        found.addAll(checks.linkLocalGroup());
        found.addAll(checks.missingIface());
        int ttlAt = found.size();
        found.addAll(checks.vifCapacity());
        found.addAll(checks.mcForwarding());
        found.addAll(checks.ifaceDown());
        found.addAll(checks.cacheFull());
        found.addAll(checks.config());
        TtlCheck ttl = new TtlCheck(loop, routing, ifaces, routes);
        Deferred reply = new Deferred(ttl::cancel);
        ttl.start(sampled -> {
            found.addAll(ttlAt, sampled);
            StringBuilder sb = new StringBuilder();
            for (Finding f : found) {
                sb.append(f.wire());
            }
            reply.complete(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
        return reply;
    }
}
