package org.smcroute.route;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Routing;
import org.smcroute.log.Log;

/** The routing domain wired to a {@link FakeKernel} and an in-memory log. */
final class Fixture {
    final FakeKernel kernel = new FakeKernel();
    final Routing routing = new Routing(kernel);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (lvl, m) -> messages.add(lvl + " " + m));
    final Interfaces ifaces;
    final Pending pending = new Pending();
    final Routes routes;
    final RouteEditor editor;
    final Phyints phyints;
    final List<String> installed = new ArrayList<>();
    static final Origin FILE = new Origin("test.conf", 1);

    Fixture(String... names) throws Exception {
        int idx = 1;
        for (String n : names) {
            kernel.link(n, ++idx);
        }
        ifaces = new Interfaces(routing, log);
        ifaces.refresh(kernel.links());
        routing.open(Family.INET, 0);
        routing.open(Family.INET6, 0);
        routes = new Routes(routing, log, new IfaceSlots(ifaces));
        routes.setInstallListener((f, s, g) -> installed.add(s + "," + g));
        editor = new RouteEditor(ifaces, routes, pending, log, false);
        phyints = new Phyints(ifaces, routes, log, false);
        kernel.clearCalls();
    }

    Outcome add(String iif, String src, String grp, String... oifs) {
        return editor.add(Origin.IPC, iif, src, grp, List.of(oifs));
    }

    Outcome remove(String iif, String src, String grp, String... oifs) {
        return editor.remove(Origin.IPC, iif, src, grp, List.of(oifs));
    }

    int slot(String name) {
        return ifaces.find(name).slot(Family.INET);
    }

    boolean logged(String text) {
        for (String m : messages) {
            if (m.contains(text)) {
                return true;
            }
        }
        return false;
    }
}
