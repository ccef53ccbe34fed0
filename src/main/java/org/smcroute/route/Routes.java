package org.smcroute.route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.smcroute.event.Events;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * The conf routes and the kernel cache, and the one rule that ties them together: every kernel
 * entry carries the union of the OIFs of the conf routes that cover it (SPEC §10.3), and of
 * what {@link Contributor}s such as the IGMP/MLD proxy want for it. Every
 * change, whether from the config, IPC, an upcall or a VIF going away, ends in
 * {@link #reconcile(KernelEntry)}, which pushes only what differs from what the kernel has.

 */
public final class Routes {

    /**
     * A source of forwarding besides the conf routes, such as the IGMP/MLD proxy: asked per
     * flow, its OIFs join the union of SPEC §10.3, and it says when its answers changed.
     */
    public interface Contributor {
        /** OIF slots wanted for (S,G) arriving on {@code inbound}, or -1 when none. */
        int oifs(Family f, Addr s, Addr g, int inbound);
    }

    /** Notified after a learned or re-parented entry is installed (the {@code -e} hook). */
    public interface InstallListener {
        void installed(Family family, Addr source, Addr group);
    }

    private final Log log;
    private final Slots slots;
    private final ConfTable conf = new ConfTable();
    private final KernelCache cache;
    private final List<Contributor> contributors = new ArrayList<>(1);
    private InstallListener listener = (f, s, g) -> { };
    private Events events = Events.NONE;
    private boolean deferred;

    /** What the routing tables need to know about a VIF/MIF slot. */
    public interface Slots {
        /** TTL (threshold) of an IPv4 OIF slot; IPv6 ignores it. */
        int ttl(Family f, int slot);

        /** Name of the interface holding a slot, or null when none does. */
        String name(Family f, int slot);

        /**
         * Whether the slot's interface is present and multicast capable. Inactive slots keep
         * their place in the conf routes but leave the kernel's OIF sets until they return
         * (SPEC §8.6).
         */
        boolean active(Family f, int slot);
    }

    public Routes(Routing routing, Log log, Slots slots) {
        this.log = log;
        this.slots = slots;
        this.cache = new KernelCache(routing, log, slots);
    }

    /** A slot's interface name for log texts, "?" when no interface holds it. */
    private String name(Family f, int slot) {
        String n = slots.name(f, slot);
        return n == null ? "?" : n;
    }

    public void setInstallListener(InstallListener l) {
        this.listener = l;
    }

    /** Where kernel entry changes are reported. */
    public void setEvents(Events events) {
        this.events = events;
        cache.setEvents(events);
    }

    public void addContributor(Contributor c) {
        contributors.add(c);
    }

    /** See {@link KernelCache#setLearnedLimit}. */
    public void setLearnedLimit(int limit) {
        cache.setLearnedLimit(limit);
    }

    public int learnedCount() {
        return cache.learnedCount();
    }

    public int learnedLimit() {
        return cache.learnedLimit();
    }

    /** Templates in insertion order. */
    public List<ConfRoute> templates() {
        return conf.templates();
    }

    /** SSM routes in insertion order. */
    public Collection<ConfRoute> ssmRoutes() {
        return conf.ssmRoutes();
    }

    /** The kernel cache in insertion order. */
    public Collection<KernelEntry> cache() {
        return cache.entries();
    }

    /** Whether {@code e} is still the cache's entry for its (S,G). */
    public boolean isCached(KernelEntry e) {
        return cache.get(e.key()) == e;
    }

    /**
     * Reload, first half (SPEC §11 steps 2 and 5): every conf route is marked unused until a
     * line claims it again, and until {@link #endReload} route changes only update the conf
     * tables, so that each kernel entry is pushed at most once, at the end.
     */
    public void beginReload() {
        conf.markUnused();
        deferred = true;
    }

    /**
     * Reload, second half (§11 steps 6.3 and 6.4): deletes the conf routes no line claimed;
     * the returned sweep then reconciles every kernel entry once, in slices the caller runs.
     * From here on, changes reach the kernel at once again; the sweep skips nothing they did.
     */
    public RouteSweep endReload() {
        if (!deferred) {
            throw new IllegalStateException("endReload without beginReload");
        }
        conf.dropUnused();
        deferred = false;
        return new RouteSweep(this, cache.snapshot().toArray(new KernelEntry[0]), conf.ssmRoutes().toArray(new ConfRoute[0]));
    }

    /**
     * During a reload, once every line naming {@code k} has been applied: its SSM route is final,
     * so its kernel entry is reconciled now instead of at the end of the reload (a changed line
     * reaches the kernel first); the end of the reload then finds it up to date.
     */
    public void settle(SgKey k) {
        ConfRoute r = conf.dropIfUnused(k) ? null : conf.ssm(k);
        boolean was = deferred;
        deferred = false;
        try {
            if (r != null) {
                reconcileSsm(r);
            } else {
                KernelEntry e = cache.get(k);
                if (e != null) {
                    reconcile(e);
                }
            }
        } finally {
            deferred = was;
        }
    }

    /** For the sweep: reconciles {@code e} if it is still the cache's entry for its (S,G). */
    void reconcileIfCurrent(KernelEntry e) {
        if (cache.get(e.key()) == e) {
            reconcile(e);
        }
    }

    /** For the sweep: installs the entry of SSM route {@code r}, if still stored, when it has none. */
    void installIfMissing(ConfRoute r) {
        SgKey k = r.key();
        KernelEntry e = cache.get(k);
        if (conf.ssm(k) == r && (e == null || e.learned() || e.inbound() != r.inbound())) {
            reconcileSsm(r);
        }
    }

    /** Result of {@link #add}: what happened to the table, for the caller's messages. */
    public enum AddResult { APPENDED, MERGED, REPLACED_UNUSED, REPLACED_INBOUND }

    /**
     * Stores a conf route per SPEC §10.1 step 4.3 and reconciles what it affects.
     *
     * @param replaced receives the previous SSM route when its inbound changed (for the log)
     */
    public AddResult add(ConfRoute r, ConfRoute[] replaced) {
        ConfRoute[] stored = new ConfRoute[1];
        AddResult result = conf.store(r, stored, replaced);
        if (r.isSsm()) {
            reconcileSsm(stored[0]);
        } else {
            reconcileCovered(stored[0]);
        }
        return result;
    }

    /** The conf route that exactly matches {@code probe} (§7.6), or null. */
    public ConfRoute find(ConfRoute probe) {
        return conf.find(probe);
    }

    /** Deletes a conf route and reconciles every entry it covered (§10.2). */
    public void remove(ConfRoute r) {
        conf.remove(r);
        reconcileCovered(r);
    }

    /** Removes OIFs from a conf route and reconciles (§10.2 with OIFs). */
    public void removeOifs(ConfRoute r, int oifs) {
        r.setOifs(r.oifs() & ~oifs);
        reconcileCovered(r);
    }

    // ---- reconciliation ------------------------------------------------------------------

    /** The union of two OIF sets, -1 standing for none (SPEC §10.3 desired). */
    private static int union(int a, int b) {
        return a < 0 ? b : b < 0 ? a : a | b;
    }

    /** Union of what the contributors want for the flow; -1 when none does. */
    private int contributed(SgKey k, int inbound) {
        int oifs = -1;
        for (int i = 0, n = contributors.size(); i < n; i++) {
            int c = contributors.get(i).oifs(k.family(), k.source(), k.group(), inbound);
            if (c >= 0) {
                oifs = oifs < 0 ? c : oifs | c;
            }
        }
        return oifs;
    }

    private void reconcileSsm(ConfRoute r) {
        if (deferred) {
            return;
        }
        KernelEntry e = cache.get(r.key());
        if (e == null || e.learned() || e.inbound() != r.inbound()) {
            // an SSM route owns its entry: replace a learned one or one on another inbound
            e = new KernelEntry(r.key(), r.inbound(), false);
            cache.put(e);
        }
        reconcile(e);
    }

    private void reconcileCovered(ConfRoute r) {
        if (deferred) {
            return; // not even the scan: endReload reconciles everything
        }
        if (r.isSsm()) {
            KernelEntry e = cache.get(r.key());
            if (e != null) {
                reconcile(e);
            }
            return;
        }
        for (KernelEntry e : cache.snapshot()) {
            if (r.covers(e.family(), e.source(), e.group(), e.inbound())) {
                reconcile(e);
            }
        }
    }

    /**
     * SPEC §10.3 reconcile(K). The one place where conf changes reach the kernel: during a
     * reload it does nothing, and the {@link RouteSweep} of {@link #endReload} reconciles every entry
     * once.
     */
    private void reconcile(KernelEntry e) {
        if (deferred) {
            return;
        }
        SgKey k = e.key();
        ConfRoute owner = conf.ssm(k);
        if (!e.learned() && (owner == null || owner.inbound() != e.inbound())) {
            // a static entry whose SSM route is gone (or moved): withdraw it
            cache.delete(e);
            if (owner != null) {
                reconcileSsm(owner);
            }
            return;
        }
        int more = contributed(k, e.inbound());
        int want = union(conf.desired(k, e.inbound()), more);
        e.setContributed(more >= 0);
        if (want >= 0) {
            e.setCovered(true);
            cache.push(e, want);
        } else if (e.covered()) {
            cache.delete(e);
        }
    }

    /**
     * A contributor's answers changed for group {@code g} of family {@code f}, or for the whole
     * family when {@code g} is null: the entries concerned are reconciled.
     */
    public void contributionChanged(Family f, Addr g) {
        if (deferred) {
            return;
        }
        List<KernelEntry> hit = new ArrayList<>();
        for (KernelEntry e : cache.entries()) {
            if (e.family() == f && (g == null || e.group().equals(g))) {
                hit.add(e);
            }
        }
        for (KernelEntry e : hit) {
            reconcile(e);
        }
    }

    // ---- upcalls ------------------------------------------------------------------------

    /** Dispatches a routing socket's upcall (SPEC §10.4-§10.6). */
    public void onUpcall(Upcall u) {
        Family f = u.family();
        String ifname = slots.name(f, u.vif());
        if (ifname == null) {
            log.warn(f == Family.INET
                    ? "No matching interface for VIF " + u.vif() + ", cannot handle IGMP message " + u.code() + "."
                    : "No matching interface for MIF " + u.vif() + ", cannot handle MRT6MSG " + u.code() + ".");
            return;
        }
        switch (u.kind()) {
            case NOCACHE -> onNoCache(f, u.source(), u.group(), u.vif());
            case WRONGVIF -> onWrongVif(f, u.source(), u.group(), u.vif());
            case WHOLEPKT -> log.warn("Receiving PIM register data from " + u.source() + ", group " + u.group());
            case OTHER -> log.debug("Unknown upcall type " + u.code() + " on " + ifname);
        }
    }

    /** NOCACHE (§10.4): resolve from the covering rules, or install a stop filter. */
    public void onNoCache(Family f, Addr s, Addr g, int vif) {
        // the upcall path runs per new flow, thousands per second in a storm: build texts only
        // when they will be logged
        if (log.enabled(Log.DEBUG)) {
            log.debug("New multicast data from " + s + " to group " + g + " on " + name(f, vif));
        }
        SgKey k = new SgKey(f, s, g);
        ConfRoute owner = conf.ssm(k);
        boolean isStatic = owner != null && owner.inbound() == vif;
        int more = contributed(k, vif);
        int want = union(conf.desired(k, vif), more);
        KernelEntry old = cache.get(k);
        if (!isStatic && (old == null || !old.learned()) && !cache.roomForLearned(want >= 0)) {
            cache.dropUnresolved(f, s, g, vif);
            return;
        }
        KernelEntry e = new KernelEntry(k, vif, !isStatic);
        cache.put(e);
        if (want >= 0) {
            e.setContributed(more >= 0);
            e.setCovered(true);
            cache.push(e, want);
            listener.installed(f, s, g);
        } else {
            cache.noteStopFilter();
            cache.push(e, 0);
            if (log.enabled(Log.INFO)) {
                log.info("Multicast from " + s + ", group " + g + ", on " + name(f, vif)
                        + " does not match any (*,G) rule");
            }
        }
        if (e.installed()) {
            events.learned(Upcall.Kind.NOCACHE, f, s, g, vif, e.oifs());
        }
    }

    /** WRONGVIF/WRONGMIF (§10.5): re-parent when a rule on the arrival interface covers it. */
    public void onWrongVif(Family f, Addr s, Addr g, int vif) {
        String ifname = name(f, vif);
        SgKey k = new SgKey(f, s, g);
        KernelEntry old = cache.get(k);
        int more = contributed(k, vif);
        int want = union(conf.desired(k, vif), more);
        if ((old != null && !old.learned()) || want < 0) {
            log.info("Multicast from " + s + ", group " + g + " on wrong " + f.vifName() + " " + vif + ", iface " + ifname);
            return;
        }
        ConfRoute owner = conf.ssm(k);
        KernelEntry e = new KernelEntry(k, vif, owner == null || owner.inbound() != vif);
        e.setContributed(more >= 0);
        e.setCovered(true);
        cache.put(e);
        cache.push(e, want);
        log.notice("Moved (" + s + "," + g + ") inbound to " + ifname + " after WRONGVIF");
        listener.installed(f, s, g);
        if (e.installed()) {
            events.learned(Upcall.Kind.WRONGVIF, f, s, g, vif, e.oifs());
        }
    }

    // ---- VIF removal --------------------------------------------------------------------

    /**
     * SPEC §8.5 steps 3-5 for a slot that is going away: routes inbound on it are removed, it
     * leaves every OIF set, and every entry that used it is reconciled (kernel included).
     */
    public void pruneSlot(Family f, int slot) {
        int bit = 1 << slot;
        conf.pruneSlot(f, slot);
        for (KernelEntry e : cache.snapshot()) {
            if (e.family() != f) {
                continue;
            }
            if (e.inbound() == slot) {
                cache.delete(e);
            } else if ((e.oifs() & bit) != 0) {
                reconcile(e);
            }
        }
    }

    /** Reconciles every entry that has {@code slot} as an OIF (a threshold changed, §8.4). */
    public void reconcileOif(Family f, int slot) {
        if (deferred) {
            return;
        }
        for (KernelEntry e : cache.snapshot()) {
            if (e.family() == f && (e.oifs() & (1 << slot)) != 0) {
                reconcile(e);
            }
        }
    }

    /**
     * After a slot's interface went away or came back (§8.6): entries inbound on it are pushed
     * again (the kernel VIF was re-created), every other entry is reconciled, which removes or
     * restores the slot in OIF sets.
     */
    public void slotChanged(Family f, int slot) {
        for (KernelEntry e : cache.snapshot()) {
            if (e.family() != f) {
                continue;
            }
            if (e.inbound() == slot) {
                e.markStale();
            }
            reconcile(e);
        }
    }

    /** Forgets the kernel cache without kernel calls (the socket was closed). */
    public void forgetKernel() {
        cache.forget();
    }

    /** The periodic idle check of §10.7; see {@link KernelCache#expire}. */
    public void expire(long maxIdle, long now) {
        cache.expire(maxIdle, now);
    }

    /** Deletes every learned entry at once (§10.7 flush). */
    public int flush() {
        return cache.flush();
    }
}
