package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.loop.ManualIo;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.route.IfaceSlots;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;

/**
 * The proxy wired as the daemon wires it, over a {@link FakeKernel} with eth0 (ifindex 2,
 * upstream in most tests), eth1 (3) and eth2 (4), and a hand-moved clock. Hosts speak through
 * {@link #receive}, which queues a packet on a link's control socket and makes it readable.
 */
final class ProxyFixture {

    static final Origin LINE = new Origin("test.conf", 1);

    final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("eth2", 4);
    final Routing routing = new Routing(kernel);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (lvl, m) -> messages.add(m));
    final ManualIo io = new ManualIo();
    final Interfaces ifaces;
    final Routes routes;
    final RouteEditor editor;
    final Phyints phyints;
    final ProxyLines lines;
    final Proxy proxy;

    ProxyFixture() throws Exception {
        kernel.localAddresses.put("INET eth1", Addr.parse("10.0.1.1"));
        kernel.localAddresses.put("INET eth2", Addr.parse("10.0.2.1"));
        kernel.localAddresses.put("INET6 eth1", Addr.parse("fe80::1:1"));
        kernel.localAddresses.put("INET6 eth2", Addr.parse("fe80::2:1"));
        routing.open(Family.INET, 0);
        routing.open(Family.INET6, 0);
        ifaces = new Interfaces(routing, log);
        ifaces.refresh(kernel.links());
        routes = new Routes(routing, log, new IfaceSlots(ifaces));
        editor = new RouteEditor(ifaces, routes, new Pending(), log, false);
        phyints = new Phyints(ifaces, routes, log, false);
        lines = new ProxyLines(ifaces, editor, log);
        proxy = new Proxy(kernel, ifaces, lines, routes, log, io);
        lines.setListener(proxy);
        ifaces.addListener(proxy);
        routes.addContributor(proxy);
    }

    Outcome mproxy(String from, String group, String... to) {
        return lines.apply(LINE, from, group, List.of(to));
    }

    void phyint(String ifname, Directive.Querier q) {
        phyints.apply(new Directive.Phyint(LINE, ifname, true, false, null, q));
    }

    int slot(String ifname, Family f) {
        return ifaces.find(ifname).slot(f);
    }

    int socket(String ifname, Family f) {
        return kernel.controlSocket(f, ifname);
    }

    /** A packet from a host on {@code ifname}, read by the proxy at once. */
    void receive(String ifname, Family f, ControlPacket p) {
        int s = socket(ifname, f);
        kernel.queue(s, p);
        io.readable(s);
    }

    /** The first packet of (S,G) arriving on {@code ifname}. */
    void traffic(String ifname, String source, String group) {
        Addr g = Addr.parse(group);
        Family f = Family.of(g.v6());
        routes.onUpcall(new Upcall(f, Upcall.Kind.NOCACHE, 1, slot(ifname, f), Addr.parse(source), g));
    }

    /** The OIFs of a kernel entry as interface names, null when there is no entry. */
    List<String> oifs(String source, String group) {
        Family f = Family.of(Addr.parse(group).v6());
        FakeKernel.Mfc m = kernel.mfc(f, source, group);
        if (m == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int mask = m.oifMask(); mask != 0; mask &= mask - 1) {
            out.add(ifaces.bySlot(f, Integer.numberOfTrailingZeros(mask)).name());
        }
        return out;
    }

    /** Messages sent on a link's control socket, each as hex. */
    List<FakeKernel.Sent> sent(String ifname, Family f) {
        int s = socket(ifname, f);
        List<FakeKernel.Sent> out = new ArrayList<>();
        for (FakeKernel.Sent x : kernel.controlSent) {
            if (x.socket() == s) {
                out.add(x);
            }
        }
        return out;
    }
}
