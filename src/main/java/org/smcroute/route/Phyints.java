package org.smcroute.route;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Directive;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.QuerySettings;
import org.smcroute.kernel.Family;
import org.smcroute.log.Log;
import org.smcroute.text.Atoi;

/**
 * {@code phyint} lines and VIF/MIF deletion. Deleting a slot touches routes as much as interfaces,
 * so the two live together here rather than in either table.
 */
public final class Phyints {

    private final Interfaces ifaces;
    private final Routes routes;
    private final Log log;
    private final boolean bareMeansDisable;
    /** Names of {@code phyint} lines that matched no interface, since the last load. */
    private final List<String> missing = new ArrayList<>();

    /** {@code bareMeansDisable} is the {@code -N} option. */
    public Phyints(Interfaces ifaces, Routes routes, Log log, boolean bareMeansDisable) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.log = log;
        this.bareMeansDisable = bareMeansDisable;
    }

    /** Applies one {@code phyint} line; never a failing line. */
    public void apply(Directive.Phyint p) {
        String pfx = p.origin().prefix();
        boolean enable = p.enable() != null ? p.enable() : !bareMeansDisable;
        int ttl = 1;
        if (p.ttl() != null) {
            ttl = Directive.ttl(p.ttl());
            if (ttl < 0) {
                log.warn(pfx + "phyint " + p.ifname() + " ttl " + p.ttl() + " out of range (1-255)");
                ttl = 1;
            }
        }
        QuerySettings query = querySettings(pfx, p.ifname(), p.querier());
        var matched = ifaces.matchPresent(p.ifname());
        if (matched.isEmpty()) {
            log.warn(pfx + "phyint " + p.ifname() + " does not exist (yet?) on this system");
            if (!missing.contains(p.ifname())) {
                missing.add(p.ifname());
            }
            return;
        }
        for (Iface i : matched) {
            if (!enable) {
                deleteSlots(i);
                continue;
            }
            if (!i.usable()) {
                // The kernel takes a VIF on such an interface (lo), but no multicast enters or
                // leaves through it; "phyint +" means the interfaces that can, as in the original.
                log.info("Interface " + i.name() + " is not multicast capable, skipping VIF.");
                continue;
            }
            boolean changed = i.threshold() != ttl;
            i.setThreshold(ttl);
            i.setMrdisc(p.mrdisc());
            i.setQuerySettings(query);
            boolean had = i.slot(Family.INET) >= 0;
            ifaces.reference(i);
            ifaces.settingsChanged(i); // mrdisc on or off for an existing VIF/MIF
            if (had && changed) {
                routes.reconcileOif(Family.INET, i.slot(Family.INET));
            }
        }
    }

    /**
     * Names (or patterns) of {@code phyint} lines that matched no interface when they were
     * applied; a reload starts the list afresh.
     */
    public List<String> missing() {
        return missing;
    }

    /** Reload, first half: the lines are applied again, and name again what is missing. */
    public void beginReload() {
        missing.clear();
    }

    /**
     * The querier settings of a line, each checked against its range (a value out of range warns
     * and keeps the default, as {@code ttl-threshold} does); the response interval must be
     * shorter than the query interval, else it becomes half of it.
     */
    private QuerySettings querySettings(String pfx, String ifname, Directive.Querier q) {
        QuerySettings d = QuerySettings.DEFAULTS;
        if (q == Directive.Querier.NONE) {
            return d;
        }
        int qi = value(pfx, ifname, "query-interval", q.queryInterval(), 1, MAX_INTERVAL, d.queryInterval());
        int qri = value(pfx, ifname, "query-response-interval", q.queryResponseInterval(), 1, MAX_INTERVAL,
                d.queryResponseInterval());
        if (qri >= qi * 10) {
            int half = Math.max(1, qi * 5);
            log.warn(pfx + "phyint " + ifname + " query-response-interval " + qri + " is not shorter than query-interval "
                    + qi + " s, using " + half);
            qri = half;
        }
        return new QuerySettings(
                value(pfx, ifname, "igmp-version", q.igmpVersion(), 2, 3, d.igmpVersion()),
                value(pfx, ifname, "mld-version", q.mldVersion(), 1, 2, d.mldVersion()),
                qi, qri,
                value(pfx, ifname, "robustness", q.robustness(), 1, 7, d.robustness()),
                value(pfx, ifname, "last-member-query-interval", q.lastMemberQueryInterval(), 1, MAX_INTERVAL,
                        d.lastMemberQueryInterval()));
    }

    /** Largest interval the 8-bit codes of IGMPv3 carry (31744 s or tenths). */
    private static final int MAX_INTERVAL = 31744;

    private int value(String pfx, String ifname, String key, String token, int min, int max, int dflt) {
        if (token == null) {
            return dflt;
        }
        Long v = Atoi.strict(token);
        if (v == null || v < min || v > max) {
            log.warn(pfx + "phyint " + ifname + " " + key + " " + token + " out of range (" + min + "-" + max + ")");
            return dflt;
        }
        return v.intValue();
    }

    /** Deletes the VIF and MIF of an interface and everything that used them. */
    public void deleteSlots(Iface i) {
        for (Family f : Family.values()) {
            int s = i.slot(f);
            if (s < 0) {
                continue;
            }
            ifaces.release(i, f);
            routes.pruneSlot(f, s);
            log.debug("Removed " + f.vifName() + " " + s + " of " + i.name());
        }
    }
}
