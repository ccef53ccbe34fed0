package org.smcroute.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.event.Events;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
import org.smcroute.net.SourceGroup;

/**
 * Group membership (SPEC §9): configured groups, the kernel joins they expanded to, and the
 * socket pools that hold them. Joins are recorded with their socket so a leave always happens
 * on the socket that joined, and with their interface name so they can be re-joined when the
 * interface comes back with a new ifindex.
 */
public final class Groups {

    private final Interfaces ifaces;
    private final Log log;
    private final int rangeLimit;
    private final JoinPool[] pools;
    /** Configured groups by identity (§7.6), in the order they were added. */
    private final Map<Identity, ConfGroup> groups = new LinkedHashMap<>();
    private Events events = Events.NONE;

    private record Identity(String ifname, Prefix source, Prefix group) {
        // written out, not generated (start-up rule, see the README)
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && ifname.equals(i.ifname) && Objects.equals(source, i.source)
                    && group.equals(i.group);
        }

        @Override
        public int hashCode() {
            return Objects.hash(ifname, source, group);
        }
    }
    private final List<KernelJoin> joins = new ArrayList<>();

    public Groups(Kernel kernel, Interfaces ifaces, Log log, int rangeLimit) {
        this.ifaces = ifaces;
        this.log = log;
        this.rangeLimit = rangeLimit;
        this.pools = new JoinPool[] {new JoinPool(kernel, Family.INET, log), new JoinPool(kernel, Family.INET6, log)};
    }

    /** Where kernel joins and leaves are reported. */
    public void setEvents(Events events) {
        this.events = events;
    }

    /** Memberships held in the kernel now (suspended ones not counted). */
    public int joinedCount() {
        int n = 0;
        for (KernelJoin j : joins) {
            if (j.socket() != null) {
                n++;
            }
        }
        return n;
    }

    public Collection<ConfGroup> configured() {
        return groups.values();
    }

    /** Kernel joins in join order, for {@code show groups -d}. */
    public List<KernelJoin> kernelJoins() {
        return joins;
    }

    /** Sockets currently open in the pool of a family (for tests and diagnostics). */
    public int socketCount(Family f) {
        return pools[f.ordinal()].socketCount();
    }

    /** Logs and returns the SPEC §6.7 message for a bad source or group. */
    private Outcome invalid(Origin o, String verb, SourceGroup.Invalid bad) {
        return invalid(o, describe(verb, bad));
    }

    /** The SPEC §6.7 message of a join's or leave's bad source or group. */
    public static String describe(String verb, SourceGroup.Invalid bad) {
        String text = switch (bad.fault()) {
            case GROUP -> "Invalid multicast group: " + bad.value();
            case GROUP_LENGTH -> "Invalid group prefix length (0-" + bad.maxLength() + "): " + bad.value();
            case SOURCE -> "Invalid multicast source: " + bad.value();
            case FAMILY -> "Source and group address families differ, source " + bad.value();
            case SOURCE_LENGTH -> "Invalid source prefix length (0-" + bad.maxLength() + "): " + bad.value();
        };
        return verb + ": " + text;
    }

    private Outcome invalid(Origin o, String text) {
        log.warn(o.prefix() + text);
        return Outcome.invalid(o.prefix() + text);
    }

    /** Number of kernel joins a directive expands to, saturated above the limit (§9.4). */
    public static long expansion(int interfaces, Prefix source, Prefix group) {
        int bits = group.addr().fullLength() - group.len();
        if (source != null) {
            bits += source.addr().fullLength() - source.len();
        }
        if (bits >= 40) {
            return Long.MAX_VALUE;
        }
        return (long) interfaces << bits;
    }

    /** Joins per SPEC §9.1; {@code ifname} may be a wildcard. */
    public Outcome join(Origin o, String ifname, String src, String grp) {
        SourceGroup.Result parsed = SourceGroup.parse(src, grp);
        if (parsed instanceof SourceGroup.Invalid bad) {
            return invalid(o, "join", bad);
        }
        SourceGroup.Valid pg = (SourceGroup.Valid) parsed;
        List<Iface> matched = ifaces.matchPresent(ifname);
        for (Iface i : matched) {
            ifaces.reference(i);
        }
        if (matched.isEmpty()) {
            String text = "join: interface " + ifname + " is not a known phyint";
            log.debug(o.prefix() + text);
            return Outcome.failing(o.prefix() + text);
        }
        if (expansion(matched.size(), pg.source(), pg.group()) > rangeLimit) {
            return invalid(o, "join: range expands to more than " + rangeLimit + " joins, skipping");
        }
        ConfGroup cg = find(ifname, pg.source(), pg.group());
        if (cg != null) {
            if (cg.unused()) {
                cg.setUnused(false);
                return Outcome.OK;
            }
            String text = "Already joined " + cg.label() + " on " + ifname;
            log.info(text);
            return Outcome.failing(text);
        }
        cg = new ConfGroup(ifname, pg.source(), pg.group());
        groups.put(new Identity(ifname, pg.source(), pg.group()), cg);
        boolean failed = false;
        for (Iface i : matched) {
            failed |= !joinAll(cg, i);
        }
        if (failed) {
            return Outcome.failing("Failed joining " + cg.label() + " on " + ifname);
        }
        return Outcome.OK;
    }

    private boolean joinAll(ConfGroup cg, Iface i) {
        Family f = Family.of(cg.group().addr().v6());
        JoinPool pool = pools[f.ordinal()];
        Prefix sp = cg.source();
        long sources = sp == null ? 1 : 1L << (sp.addr().fullLength() - sp.len());
        long grps = 1L << (cg.group().addr().fullLength() - cg.group().len());
        Addr sbase = sp == null ? null : sp.addr().mask(sp.len());
        Addr gbase = cg.group().addr().mask(cg.group().len());
        boolean ok = true;
        for (long si = 0; si < sources; si++) {
            Addr s = sbase == null ? null : sbase.plus(si);
            for (long gi = 0; gi < grps; gi++) {
                Addr g = gbase.plus(gi);
                try {
                    JoinPool.Socket sock = pool.join(i.index(), s, g);
                    if (sock != null) {
                        joins.add(new KernelJoin(cg, i.name(), i.index(), f, s, g, sock));
                        events.joined(f, i.name(), s, g);
                    }
                } catch (KernelException e) {
                    log.warn("Failed joining " + cg.label() + " on " + i.name() + ": " + e.reason());
                    ok = false;
                    break;
                }
            }
        }
        return ok;
    }

    private ConfGroup find(String ifname, Prefix src, Prefix grp) {
        return groups.get(new Identity(ifname, src, grp));
    }

    /** Leaves per SPEC §9.2, whatever the state of the interface. */
    public Outcome leave(Origin o, String ifname, String src, String grp) {
        SourceGroup.Result parsed = SourceGroup.parse(src, grp);
        if (parsed instanceof SourceGroup.Invalid bad) {
            return invalid(o, "leave", bad);
        }
        SourceGroup.Valid pg = (SourceGroup.Valid) parsed;
        ConfGroup cg = find(ifname, pg.source(), pg.group());
        if (cg == null) {
            String s = pg.source() == null ? "*" : pg.source().toString();
            String text = "No group (" + s + "," + pg.group() + ") on " + ifname + " to leave";
            log.info(text);
            return Outcome.failing(text);
        }
        leave(cg);
        return Outcome.OK;
    }

    private void leave(ConfGroup cg) {
        joins.removeIf(j -> {
            if (j.owner() != cg) {
                return false;
            }
            leaveKernel(j);
            return true;
        });
        groups.remove(new Identity(cg.ifname(), cg.source(), cg.group()));
    }

    /** Reload, first half (SPEC §11 step 2): every configured group is unused until a line claims it. */
    public void beginReload() {
        for (ConfGroup g : groups.values()) {
            g.setUnused(true);
        }
    }

    /**
     * Reload, second half (§11 step 7): leaves and forgets the kernel joins on the interfaces
     * that no longer take part ({@code gone}), then leaves every group no line claimed.
     */
    public void endReload(Collection<Iface> gone) {
        for (Iface i : gone) {
            for (KernelJoin j : new ArrayList<>(joins)) {
                if (j.ifname().equals(i.name())) {
                    leaveKernel(j);
                    joins.remove(j);
                }
            }
        }
        for (ConfGroup g : new ArrayList<>(groups.values())) {
            if (g.unused()) {
                leave(g);
            }
        }
    }

    /** Leaves one kernel join on the socket that holds it; a suspended join holds none. */
    private void leaveKernel(KernelJoin j) {
        if (j.socket() != null) {
            pools[j.family().ordinal()].leave(j.socket(), j.ifindex(), j.source(), j.group());
            events.left(j.family(), j.ifname(), j.source(), j.group());
        }
    }

    /**
     * Leaves the kernel joins of an interface that vanished or lost IFF_MULTICAST, keeping
     * their records (without a socket) for {@link #rejoin} (§8.6 deactivation; errors are
     * tolerated: a deleted device took its memberships with it).
     */
    public void suspend(Iface i) {
        for (int k = 0; k < joins.size(); k++) {
            KernelJoin j = joins.get(k);
            if (j.ifname().equals(i.name()) && j.socket() != null) {
                leaveKernel(j);
                joins.set(k, new KernelJoin(j.owner(), j.ifname(), j.ifindex(), j.family(), j.source(), j.group(), null));
            }
        }
    }

    /**
     * Re-joins every recorded join of an interface on its current ifindex (§8.6), leaving on
     * the old one first (errors tolerated: the kernel dropped them with the device).
     */
    public void rejoin(Iface i) {
        for (int k = 0; k < joins.size(); k++) {
            KernelJoin j = joins.get(k);
            if (!j.ifname().equals(i.name())) {
                continue;
            }
            JoinPool pool = pools[j.family().ordinal()];
            leaveKernel(j);
            try {
                JoinPool.Socket s = pool.join(i.index(), j.source(), j.group());
                if (s == null) {
                    joins.remove(k--);
                } else {
                    joins.set(k, new KernelJoin(j.owner(), j.ifname(), i.index(), j.family(), j.source(), j.group(), s));
                    events.joined(j.family(), j.ifname(), j.source(), j.group());
                }
            } catch (KernelException e) {
                log.warn("Failed joining " + j.owner().label() + " on " + i.name() + ": " + e.reason());
                joins.remove(k--);
            }
        }
    }

    /** Closes every join socket (shutdown, §4.5 step 5). */
    public void closeAll() {
        for (JoinPool p : pools) {
            p.closeAll();
        }
        joins.clear();
    }
}
