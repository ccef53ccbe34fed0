package org.smcroute.daemon;

import org.smcroute.group.Groups;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.log.Log;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;

/**
 * The routing state and its editors, wired once for a kernel: the running daemon and verify
 * mode build the very same objects, so a verified file behaves as it will at startup.
 */
final class State {

    final Kernel kernel;
    final Interfaces ifaces;
    final Pending pending = new Pending();
    final Routes routes;
    final RouteEditor editor;
    final Phyints phyints;
    final Groups groups;
    final ConfigApplier applier;

    State(Kernel kernel, Log log, boolean bareDisables, int rangeLimit) {
        this.kernel = kernel;
        this.ifaces = new Interfaces(kernel, log);
        this.routes = new Routes(kernel, log, Routes.Thresholds.of(ifaces));
        this.editor = new RouteEditor(ifaces, routes, pending, log);
        this.phyints = new Phyints(ifaces, routes, log, bareDisables);
        this.groups = new Groups(kernel, ifaces, log, rangeLimit);
        this.applier = new ConfigApplier(ifaces, editor, phyints, groups);
    }
}
