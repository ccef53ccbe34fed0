package org.smcroute.daemon;

import java.util.List;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.event.Events;
import org.smcroute.group.Groups;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.Routing;
import org.smcroute.log.Log;
import org.smcroute.proxy.ProxyLines;
import org.smcroute.route.IfaceSlots;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.RouteSweep;
import org.smcroute.route.Routes;

/**
 * The routing state and its editors, wired once for a kernel: the running daemon and verify
 * mode build the very same objects, so a verified file behaves as it will at startup. It also
 * owns the order of a reload (SPEC §11), in which each table takes part through its own
 * begin/end pair.
 */
final class State {

    private final Routing routing;
    private final Interfaces ifaces;
    private final Pending pending = new Pending();
    private final Routes routes;
    private final RouteEditor editor;
    private final Phyints phyints;
    private final Groups groups;
    private final ProxyLines proxyLines;
    private final ConfigApplier applier;
    private final Hotplug hotplug;
    /** Between {@link #endReload} and {@link #completeReload}: the interfaces no line claimed. */
    private List<Iface> unclaimed;

    /** {@code check}: verify mode (SPEC §4.7), where a missing interface is a warning. */
    State(Kernel kernel, Log log, boolean bareDisables, int rangeLimit, boolean check) {
        this.routing = new Routing(kernel);
        this.ifaces = new Interfaces(routing, log);
        this.routes = new Routes(routing, log, new IfaceSlots(ifaces));
        this.editor = new RouteEditor(ifaces, routes, pending, log, check);
        this.phyints = new Phyints(ifaces, routes, log, bareDisables);
        this.groups = new Groups(kernel, ifaces, log, rangeLimit);
        this.proxyLines = new ProxyLines(ifaces, editor, log);
        this.applier = new ConfigApplier(ifaces, editor, phyints, groups, proxyLines, log);
        this.hotplug = new Hotplug(kernel, ifaces, routes, groups, editor, proxyLines, pending, log);
    }

    Routing routing() {
        return routing;
    }

    Interfaces ifaces() {
        return ifaces;
    }

    Pending pending() {
        return pending;
    }

    Routes routes() {
        return routes;
    }

    RouteEditor editor() {
        return editor;
    }

    Groups groups() {
        return groups;
    }

    ProxyLines proxyLines() {
        return proxyLines;
    }

    Hotplug hotplug() {
        return hotplug;
    }

    Phyints phyints() {
        return phyints;
    }

    /** Reports kernel changes of the routing domain to {@code events}. */
    void setEvents(Events events) {
        ifaces.setEvents(events);
        routes.setEvents(events);
        groups.setEvents(events);
    }

    /** Applies configuration lines to the running state. */
    DirectiveHandler applier() {
        return applier;
    }

    /** Route and group lines that did not take effect since the last call (see {@link ConfigApplier}). */
    int takeRejected() {
        return applier.takeRejected();
    }

    /**
     * Reload steps 2-4: everything is marked unused, the pending list cleared and the interfaces
     * refreshed. Until {@link #endReload}, the lines of the file claim what they name again and
     * route changes wait, so each kernel entry is pushed at most once.
     */
    void beginReload() {
        groups.beginReload();
        ifaces.beginReload();
        phyints.beginReload();
        pending.clear();
        hotplug.refresh();
        routes.beginReload();
        proxyLines.beginReload();
    }

    /**
     * Reload steps 6-8, first part: the VIFs/MIFs of unclaimed or absent interfaces go first
     * (with every route and OIF that used them), then unclaimed proxy lines (the proxy keeps
     * what hosts reported on links that stay), then unclaimed routes; the returned sweep
     * reconciles the whole kernel cache once, in slices, after which {@link #completeReload}
     * ends the reload.
     */
    RouteSweep endReload() {
        unclaimed = ifaces.unclaimed();
        for (Iface i : unclaimed) {
            phyints.deleteSlots(i);
        }
        proxyLines.endReload();
        return routes.endReload();
    }

    /**
     * Reload steps 7-8: the joins of the unclaimed interfaces and unclaimed groups are left; last
     * the remaining VIFs/MIFs take their new settings and absent rows leave the table.
     */
    void completeReload() {
        groups.endReload(unclaimed);
        unclaimed = null;
        ifaces.endReload();
    }

    /** Shutdown: the routing sockets closed, everything they held is forgotten without kernel calls. */
    void close() {
        for (Family f : Family.values()) {
            routing.close(f);
        }
        routes.forgetKernel();
        ifaces.forgetSlots();
        groups.closeAll();
    }
}
