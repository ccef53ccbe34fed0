package org.smcroute.daemon;

import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.log.Log;
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
    private final Log log;

    ConfigApplier(Interfaces ifaces, RouteEditor routes, Phyints phyints, Log log) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.phyints = phyints;
        this.log = log;
    }

    @Override
    public boolean apply(Directive d) {
        switch (d) {
            case Directive.Phyint p -> {
                phyints.apply(p);
                return true;
            }
            case Directive.Mroute m -> {
                if (ifaces.matchPresent(m.from()).isEmpty()) {
                    routes.queue(m.origin(), new Pending.Entry("mroute", m.from(), m.source(), m.group(), m.to()));
                    return true;
                }
                return !routes.add(m.origin(), m.from(), m.source(), m.group(), m.to()).failing();
            }
            case Directive.Mgroup g -> {
                log.warn(g.origin().prefix() + "mgroup: group membership is not active yet in this version, line ignored");
                return true;
            }
        }
    }
}
