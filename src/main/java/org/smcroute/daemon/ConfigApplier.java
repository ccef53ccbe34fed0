package org.smcroute.daemon;

import java.util.List;
import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.log.Log;
import org.smcroute.group.Groups;
import org.smcroute.proxy.ProxyLines;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;

/**
 * Applies parsed configuration lines to the running state: interfaces that are missing send the
 * line to the pending list, everything else goes to the editors and, for {@code mproxy} lines, to
 * the proxy's table.
 */
final class ConfigApplier implements DirectiveHandler {

    private final Interfaces ifaces;
    private final RouteEditor routes;
    private final Phyints phyints;
    private final Groups groups;
    private final ProxyLines proxyLines;
    private final Log log;
    private int rejected;

    ConfigApplier(Interfaces ifaces, RouteEditor routes, Phyints phyints, Groups groups, ProxyLines proxyLines, Log log) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.phyints = phyints;
        this.groups = groups;
        this.proxyLines = proxyLines;
        this.log = log;
    }

    /** An instanceof chain, not a pattern switch (start-up rule, see the README). */
    @Override
    public boolean apply(Directive d) {
        log.context(d.origin().prefix());
        try {
            return applyOne(d);
        } finally {
            log.context(null);
        }
    }

    private boolean applyOne(Directive d) {
        if (d instanceof Directive.Mroute m) {
            ttl(m.origin(), "mroute", m.ttl());
            if (ifaces.matchPresent(m.from()).isEmpty()) {
                routes.queue(m.origin(), new Pending.Entry("mroute", m.from(), m.source(), m.group(), m.to()),
                        "inbound " + m.from());
                return true;
            }
            return applied(routes.add(m.origin(), m.from(), m.source(), m.group(), m.to()));
        }
        if (d instanceof Directive.Mgroup g) {
            ttl(g.origin(), "mgroup", g.ttl());
            if (ifaces.matchPresent(g.from()).isEmpty()) {
                routes.queue(g.origin(), new Pending.Entry("mgroup", g.from(), g.source(), g.group(), List.of()),
                        "interface " + g.from());
                return true;
            }
            return applied(groups.join(g.origin(), g.from(), g.source(), g.group()));
        }
        if (d instanceof Directive.Mproxy m) {
            ttl(m.origin(), "mproxy", m.ttl());
            return !proxyLines.apply(m.origin(), m.from(), m.group(), m.to()).failing();
        }
        phyints.apply((Directive.Phyint) d);
        return true;
    }

    /** Counts a line that did not take effect; false only for a failing one. */
    private boolean applied(Outcome o) {
        if (!o.ok()) {
            rejected++;
        }
        return !o.failing();
    }

    /** Route and group lines that did not take effect, invalid or failing, since the last call. */
    int takeRejected() {
        int n = rejected;
        rejected = 0;
        return n;
    }

    /**
     * A {@code ttl-threshold} on a route or group line: checked like the original does on every
     * line, then noted as having no effect there (thresholds belong to interfaces).
     */
    private void ttl(Origin o, String kind, String ttl) {
        if (ttl == null) {
            return;
        }
        if (Directive.ttl(ttl) < 0) {
            log.warn(o.prefix() + kind + ": ttl-threshold " + ttl + " out of range (1-255)");
        } else {
            log.info(o.prefix() + kind + ": ttl-threshold applies to phyint lines only, ignored");
        }
    }
}
