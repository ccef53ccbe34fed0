package org.smcroute.route;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Origin;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;

/**
 * Turns {@code mroute} lines and {@code add}/{@code remove} commands into conf routes (SPEC
 * §10.1, §10.2): validates addresses, resolves interface patterns, allocates VIFs and queues
 * pending work. Config lines and IPC share this code, so their messages differ only in prefix.
 */
public final class RouteEditor {

    /** Outcome of one command: null error means success. */
    public record Outcome(String error, boolean failing) {
        public static final Outcome OK = new Outcome(null, false);

        public boolean ok() {
            return error == null;
        }
    }

    private final Interfaces ifaces;
    private final Routes routes;
    private final Pending pending;
    private final Log log;

    public RouteEditor(Interfaces ifaces, Routes routes, Pending pending, Log log) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.pending = pending;
        this.log = log;
    }

    /** Validated addresses of a route command. */
    record Sg(Prefix source, Prefix group) {
        Family family() {
            return Family.of(group.addr().v6());
        }
    }

    /** Parses source and group per §6.7; on error logs (with prefix) and returns the text. */
    private Object parse(Origin o, String src, String grp) {
        Prefix.Text gt = Prefix.Text.split(grp);
        Addr g = Addr.parse(gt.addr());
        if (g == null || !g.isMulticast()) {
            return invalid(o, "mroute: Invalid multicast group: " + gt.addr());
        }
        int glen = gt.lenValue();
        if (glen < 0 || glen > g.fullLength()) {
            return invalid(o, "mroute: Invalid multicast group prefix length, " + glen);
        }
        Prefix group = new Prefix(g, glen == 0 ? g.fullLength() : glen);
        Prefix source = Prefix.full(g.v6() ? Addr.ANY6 : Addr.ANY4);
        if (src != null && !src.isEmpty()) {
            Prefix.Text st = Prefix.Text.split(src);
            Addr s = Addr.parse(st.addr(), g.v6());
            if (s == null) {
                return invalid(o, "mroute: Invalid source address: " + st.addr());
            }
            int slen = st.lenValue();
            if (slen < 0 || slen > s.fullLength()) {
                return invalid(o, "mroute: invalid prefix length: " + slen);
            }
            source = s.isAny() ? source : new Prefix(s, slen == 0 ? s.fullLength() : slen);
        }
        return new Sg(source, group);
    }

    private Outcome invalid(Origin o, String text) {
        log.warn(o.prefix() + text);
        return new Outcome(o.prefix() + text, false);
    }

    private Outcome failing(Origin o, String text) {
        log.warn(o.prefix() + text);
        return new Outcome(o.prefix() + text, true);
    }

    /**
     * Adds (or extends) a route, SPEC §10.1. From a file the caller has already queued the line
     * as pending when no inbound interface is present.
     */
    public Outcome add(Origin o, String iif, String src, String grp, List<String> oifs) {
        Object p = parse(o, src, grp);
        if (p instanceof Outcome bad) {
            return bad;
        }
        Sg sg = (Sg) p;
        Family f = sg.family();
        List<Iface> inbound = ifaces.matchPresent(iif);
        for (Iface i : inbound) {
            ifaces.reference(i);
        }
        List<List<Iface>> outbound = new ArrayList<>(oifs.size());
        boolean missingOif = false;
        for (String pat : oifs) {
            List<Iface> m = ifaces.matchPresent(pat);
            missingOif |= m.isEmpty();
            for (Iface i : m) {
                ifaces.reference(i);
            }
            outbound.add(m);
        }
        if (inbound.isEmpty()) {
            return failing(o, "mroute: inbound " + iif + " is not a known phyint");
        }
        List<Iface> usable = new ArrayList<>(inbound.size());
        for (Iface i : inbound) {
            if (i.slot(f) >= 0) {
                usable.add(i);
            }
        }
        if (usable.isEmpty()) {
            Iface i = inbound.get(0);
            String why = !i.usable() ? " is not multicast capable" : " has no VIF, VIF table exhausted?";
            return failing(o, "mroute: inbound " + iif + why);
        }
        if (missingOif) {
            queue(o, new Pending.Entry("mroute", iif, src, grp, List.copyOf(oifs)));
        }
        boolean ssm = !sg.source().addr().isAny() && sg.source().isFull() && sg.group().isFull();
        if (ssm && usable.size() > 1) {
            log.warn(o.prefix() + "mroute: (" + sg.source() + ", " + sg.group() + ") can have only one inbound interface, using "
                    + usable.get(0).name());
            usable = usable.subList(0, 1);
        }
        for (Iface in : usable) {
            int mask = oifMask(o, f, in, oifs, outbound);
            ConfRoute r = new ConfRoute(f, in.slot(f), sg.source(), sg.group(), mask);
            ConfRoute[] replaced = new ConfRoute[1];
            routes.add(r, replaced);
            if (replaced[0] != null) {
                Iface old = ifaces.bySlot(f, replaced[0].inbound());
                log.info("mroute: (" + sg.source() + ", " + sg.group() + ") inbound changed from "
                        + (old == null ? "?" : old.name()) + " to " + in.name());
            }
        }
        return Outcome.OK;
    }

    private int oifMask(Origin o, Family f, Iface in, List<String> pats, List<List<Iface>> outbound) {
        int mask = 0;
        for (int k = 0; k < pats.size(); k++) {
            String pat = pats.get(k);
            boolean wild = Interfaces.isWildcard(pat);
            for (Iface out : outbound.get(k)) {
                int s = out.slot(f);
                if (s < 0) {
                    if (!wild) {
                        String why = !out.usable() ? " is not multicast capable"
                                : out.hasSlot() ? " is not a known phyint" : " has no VIF, VIF table exhausted?";
                        log.warn(o.prefix() + "mroute: outbound " + out.name() + why);
                    }
                    continue;
                }
                if (out == in && !wild) {
                    log.info(o.prefix() + "mroute: Same outbound interface (" + out.name() + ") as inbound (" + in.name()
                            + ") may cause routing loops.");
                }
                mask |= 1 << s;
            }
        }
        return mask;
    }

    /** Queues a directive as pending with the NOTICE of §12.1. */
    public void queue(Origin o, Pending.Entry e) {
        if (pending.add(e)) {
            log.notice(e.kind() + " from " + e.iif() + " group " + e.group() + " pending: interface not available");
        }
    }

    /** Removes a route or some of its OIFs, SPEC §10.2. */
    public Outcome remove(Origin o, String iif, String src, String grp, List<String> oifs) {
        Object p = parse(o, src, grp);
        if (p instanceof Outcome bad) {
            return bad;
        }
        Sg sg = (Sg) p;
        Family f = sg.family();
        boolean found = false;
        for (Iface in : ifaces.matchKnown(iif)) {
            if (in.slot(f) < 0) {
                continue;
            }
            ConfRoute r = routes.find(new ConfRoute(f, in.slot(f), sg.source(), sg.group(), 0));
            if (r == null) {
                continue;
            }
            found = true;
            if (oifs.isEmpty()) {
                routes.remove(r);
            } else {
                int mask = 0;
                for (String pat : oifs) {
                    for (Iface out : ifaces.matchKnown(pat)) {
                        if (out.slot(f) >= 0) {
                            mask |= 1 << out.slot(f);
                        }
                    }
                }
                routes.removeOifs(r, mask);
            }
        }
        if (!found) {
            String s = sg.source().addr().isAny() ? "*" : sg.source().toString();
            String text = "No such route (" + s + ", " + sg.group() + ") from " + iif;
            log.info(text);
            return new Outcome(text, true);
        }
        return Outcome.OK;
    }
}
