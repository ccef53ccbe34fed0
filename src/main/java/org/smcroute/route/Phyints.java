package org.smcroute.route;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.conf.Directive;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Family;
import org.smcroute.log.Log;

/**
 * {@code phyint} lines (SPEC §6.3) and VIF/MIF deletion (§8.5). Deleting a slot touches routes
 * as much as interfaces, so the two live together here rather than in either table.
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
            boolean had = i.slot(Family.INET) >= 0;
            ifaces.reference(i);
            ifaces.settingsChanged(i); // mrdisc on or off for an existing VIF/MIF (§8.4)
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

    /** SPEC §8.5: delete the VIF and MIF of an interface and everything that used them. */
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
