package org.smcroute.daemon;

import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.group.Groups;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;

/**
 * Applies parsed configuration lines to the running state (SPEC §6.3–§6.9): interfaces that
 * are missing send the line to the pending list, everything else goes to the editors.
 */
final class ConfigApplier implements DirectiveHandler {

    private final Interfaces ifaces;
    private final RouteEditor routes;
    private final Phyints phyints;
    private final Groups groups;

    ConfigApplier(Interfaces ifaces, RouteEditor routes, Phyints phyints, Groups groups) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.phyints = phyints;
        this.groups = groups;
    }

    /**
     * An instanceof chain rather than a pattern switch: the switch's bootstrap spins a class the
     * first time it runs, a millisecond of every start that reads a configuration.
     */
    @Override
    public boolean apply(Directive d) {
        if (d instanceof Directive.Mroute m) {
            if (ifaces.matchPresent(m.from()).isEmpty()) {
                routes.queue(m.origin(), new Pending.Entry("mroute", m.from(), m.source(), m.group(), m.to()));
                return true;
            }
            return !routes.add(m.origin(), m.from(), m.source(), m.group(), m.to()).failing();
        }
        if (d instanceof Directive.Mgroup g) {
            if (ifaces.matchPresent(g.from()).isEmpty()) {
                routes.queue(g.origin(), new Pending.Entry("mgroup", g.from(), g.source(), g.group(), java.util.List.of()));
                return true;
            }
            return !groups.join(g.origin(), g.from(), g.source(), g.group()).failing();
        }
        phyints.apply((Directive.Phyint) d);
        return true;
    }
}
