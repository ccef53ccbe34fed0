package org.smcroute.daemon;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Origin;
import org.smcroute.group.Groups;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.proxy.ProxyLines;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;

/**
 * Interfaces that appear, vanish and come back. Configuration is never dropped because an interface
 * went away: its slots, routes and joins are kept, its OIF bits leave the kernel while it is gone,
 * and everything is re-applied, on the same slot, when it returns, whatever its new ifindex.
 * Pending lines are replayed once their interfaces exist.
 */
final class Hotplug {

    private final Kernel kernel;
    private final Interfaces ifaces;
    private final Routes routes;
    private final Groups groups;
    private final RouteEditor editor;
    private final ProxyLines proxyLines;
    private final Pending pending;
    private final Log log;

    Hotplug(Kernel kernel, Interfaces ifaces, Routes routes, Groups groups, RouteEditor editor, ProxyLines proxyLines,
            Pending pending, Log log) {
        this.kernel = kernel;
        this.ifaces = ifaces;
        this.routes = routes;
        this.groups = groups;
        this.editor = editor;
        this.proxyLines = proxyLines;
        this.pending = pending;
        this.log = log;
    }

    /** Re-reads the interface list and repairs kernel state; true when anything changed. */
    boolean refresh() {
        List<Interfaces.Change> changes;
        try {
            changes = ifaces.refresh(kernel.links());
        } catch (KernelException e) {
            log.warn("Failed refreshing interfaces: " + e.reason());
            return false;
        }
        for (Interfaces.Change c : changes) {
            Iface i = c.iface();
            if (!i.hasSlot()) {
                continue;
            }
            if (!i.usable()) {
                deactivate(i);
            } else if (c.appeared() || c.indexChanged() || c.multicastChanged()) {
                reactivate(i, c.oldIndex());
            }
        }
        drainPending();
        return !changes.isEmpty();
    }

    private void deactivate(Iface i) {
        log.info("Interface " + i.name() + " is gone or not multicast capable, keeping its configuration");
        for (Family f : Family.values()) {
            int s = i.slot(f);
            if (s < 0) {
                continue;
            }
            ifaces.deactivate(i, f);
            routes.slotChanged(f, s);
        }
        groups.suspend(i);
    }

    private void reactivate(Iface i, int oldIndex) {
        for (Family f : Family.values()) {
            int s = i.slot(f);
            if (s >= 0 && ifaces.reregister(i, f, oldIndex)) {
                routes.slotChanged(f, s);
            }
        }
        groups.rejoin(i);
        ifaces.settingsChanged(i); // mrdisc again, on the current ifindex
        log.notice("Interface " + i.name() + " is back (ifindex " + i.index() + "), re-applying routes and groups");
    }

    /** Replays each pending line whose interfaces all exist now. */
    void drainPending() {
        for (Pending.Entry e : new ArrayList<>(pending.entries())) {
            if (!present(e.iif())) {
                continue;
            }
            boolean ready = true;
            for (String o : e.oifs()) {
                ready &= present(o);
            }
            if (!ready) {
                continue;
            }
            pending.remove(e);
            boolean ok = switch (e.kind()) {
                case "mroute" -> editor.add(Origin.IPC, e.iif(), e.source(), e.group(), e.oifs()).ok();
                case "mproxy" -> proxyLines.apply(Origin.IPC, e.iif(), e.group(), e.oifs()).ok();
                default -> groups.join(Origin.IPC, e.iif(), e.source(), e.group()).ok();
            };
            if (ok) {
                log.notice("Activated pending " + e);
            } else {
                pending.add(e);
            }
        }
    }

    private boolean present(String pattern) {
        for (Iface i : ifaces.matchPresent(pattern)) {
            if (i.usable()) {
                return true;
            }
        }
        return false;
    }
}
