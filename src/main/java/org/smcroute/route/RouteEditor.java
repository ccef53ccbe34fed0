package org.smcroute.route;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
import org.smcroute.net.SourceGroup;

/**
 * Turns {@code mroute} lines and {@code add}/{@code remove} commands into conf routes: validates
 * addresses, resolves interface patterns, allocates VIFs and queues pending work. Config lines and
 * IPC share this code, so their messages differ only in prefix.
 */
public final class RouteEditor {

    private final Interfaces ifaces;
    private final Routes routes;
    private final Pending pending;
    private final Log log;
    private final boolean check;

    /**
     * {@code check}: verify mode, where an interface that does not exist is a warning (a typo
     * the check must report) instead of a pending line waiting for hot-plug.
     */
    public RouteEditor(Interfaces ifaces, Routes routes, Pending pending, Log log, boolean check) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.pending = pending;
        this.log = log;
        this.check = check;
    }

    /** The warning of a route's bad source or group, the same from a file line and over IPC. */
    public static String describe(SourceGroup.Invalid bad) {
        String what = switch (bad.fault()) {
            case GROUP -> "mroute: Invalid multicast group: ";
            case GROUP_LENGTH -> "mroute: Invalid multicast group prefix length, ";
            case SOURCE -> "mroute: Invalid source address: ";
            case FAMILY -> "mroute: Source and group address families differ, source ";
            case SOURCE_LENGTH -> "mroute: invalid prefix length: ";
        };
        return what + bad.value();
    }

    private Outcome invalid(Origin o, SourceGroup.Invalid bad) {
        log.warn(o.prefix() + describe(bad));
        return Outcome.invalid(o.prefix() + describe(bad));
    }

    private Outcome failing(Origin o, String text) {
        log.warn(o.prefix() + text);
        return Outcome.failing(o.prefix() + text);
    }

    /**
     * Adds (or extends) a route. From a file the caller has already queued the line as pending when
     * no inbound interface is present.
     */
    public Outcome add(Origin o, String iif, String src, String grp, List<String> oifs) {
        SourceGroup.Result parsed = SourceGroup.parse(src, grp);
        if (parsed instanceof SourceGroup.Invalid bad) {
            return invalid(o, bad);
        }
        Sg sg = Sg.of((SourceGroup.Valid) parsed);
        Family f = sg.family();
        List<Iface> inbound = ifaces.matchPresent(iif);
        for (Iface i : inbound) {
            ifaces.reference(i);
        }
        List<List<Iface>> outbound = new ArrayList<>(oifs.size());
        String missingOif = null;
        for (String pat : oifs) {
            List<Iface> m = ifaces.matchPresent(pat);
            if (m.isEmpty() && missingOif == null) {
                missingOif = pat;
            }
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
        List<String> warnings = new ArrayList<>(0);
        if (missingOif != null) {
            queue(o, new Pending.Entry("mroute", iif, src, grp, List.copyOf(oifs)), "outbound " + missingOif);
            warnings.add("mroute: outbound " + missingOif + " does not exist (yet?), the route waits for it"
                    + " on the pending list");
        }
        boolean ssm = !sg.source().addr().isAny() && sg.source().isFull() && sg.group().isFull();
        if (ssm && usable.size() > 1) {
            warn(o, warnings, "mroute: (" + sg.source() + ", " + sg.group() + ") can have only one inbound interface, using "
                    + usable.get(0).name());
            usable = usable.subList(0, 1);
        }
        for (Iface in : usable) {
            int mask = oifMask(o, f, in, oifs, outbound, warnings);
            if (mask == 0 && missingOif == null) {
                warnings.add("mroute: (" + (sg.source().addr().isAny() ? "*" : sg.source()) + ", " + sg.group()
                        + ") from " + in.name() + " has no outbound interface: its traffic is dropped");
            }
            ConfRoute r = new ConfRoute(f, in.slot(f), sg.source(), sg.group(), mask);
            ConfRoute[] replaced = new ConfRoute[1];
            routes.add(r, replaced);
            if (replaced[0] != null) {
                Iface old = ifaces.bySlot(f, replaced[0].inbound());
                log.info("mroute: (" + sg.source() + ", " + sg.group() + ") inbound changed from "
                        + (old == null ? "?" : old.name()) + " to " + in.name());
            }
        }
        return Outcome.ok(warnings);
    }

    /**
     * During a reload, after every line naming this (S,G) route was applied: pushes its kernel
     * entry now (see {@link Routes#settle}). Lines that are not one valid (S,G) are ignored.
     */
    public void settle(String src, String grp) {
        if (SourceGroup.parse(src, grp) instanceof SourceGroup.Valid v && v.source() != null
                && v.source().isFull() && v.group().isFull()) {
            routes.settle(new SgKey(Family.of(v.v6()), v.source().addr(), v.group().addr()));
        }
    }

    /** Logs a warning about a line or request and keeps it for the one who asked. */
    private void warn(Origin o, List<String> warnings, String text) {
        log.warn(o.prefix() + text);
        warnings.add(text);
    }

    private int oifMask(Origin o, Family f, Iface in, List<String> pats, List<List<Iface>> outbound,
            List<String> warnings) {
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
                        warn(o, warnings, "mroute: outbound " + out.name() + why);
                    }
                    continue;
                }
                if (out == in && !wild) {
                    String text = "mroute: Same outbound interface (" + out.name() + ") as inbound (" + in.name()
                            + ") may cause routing loops.";
                    log.info(o.prefix() + text);
                    warnings.add(text);
                }
                mask |= 1 << s;
            }
        }
        return mask;
    }

    /** A route's family, source and group; "any" source is the all-zero address at full length. */
    private record Sg(Family family, Prefix source, Prefix group) {
        static Sg of(SourceGroup.Valid v) {
            Family f = Family.of(v.v6());
            return new Sg(f, v.source() != null ? v.source() : Prefix.full(f.v6() ? Addr.ANY6 : Addr.ANY4), v.group());
        }
    }

    /**
     * Queues a directive as pending with its "pending: interface not available" NOTICE;
     * {@code missing} names the interface that is not there, e.g. "outbound eth9". In verify mode
     * that is a warning.
     */
    public void queue(Origin o, Pending.Entry e, String missing) {
        if (check) {
            log.warn(o.prefix() + e.kind() + ": " + missing + " does not exist on this system");
        } else if (pending.add(e)) {
            log.notice(o.prefix() + e + " pending: " + missing + " not available");
        }
    }

    /** Removes a route or some of its OIFs. */
    public Outcome remove(Origin o, String iif, String src, String grp, List<String> oifs) {
        SourceGroup.Result parsed = SourceGroup.parse(src, grp);
        if (parsed instanceof SourceGroup.Invalid bad) {
            return invalid(o, bad);
        }
        Sg sg = Sg.of((SourceGroup.Valid) parsed);
        Family f = sg.family();
        List<Iface> inbound = ifaces.matchKnown(iif);
        if (inbound.isEmpty()) {
            return failing(o, "mroute: inbound " + iif + " is not a known phyint");
        }
        boolean found = false;
        for (Iface in : inbound) {
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
            return Outcome.failing(text);
        }
        return Outcome.OK;
    }
}
