package org.smcroute.iface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.event.Events;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;

/**
 * The interface table and the VIF/MIF slot allocator (SPEC §7.1, §8). Slots are handed out
 * lazily, lowest free first, and freed only by {@link #release}; that numbering policy is part
 * of the contract because operators read VIF numbers in {@code ip mroute}.
 */
public final class Interfaces {

    /** Longest interface name (IFNAMSIZ - 1). */
    public static final int MAX_NAME = 15;

    private final Routing routing;
    private final Log log;
    private final List<Iface> table = new ArrayList<>();
    private final Map<String, Iface> byName = new HashMap<>();
    private final Iface[][] bySlot;
    private final List<VifListener> listeners = new ArrayList<>(2);
    private Events events = Events.NONE;
    /** Interfaces refused a VIF/MIF because the family's table was full, by family (§8.2). */
    private final List<List<String>> refused = List.of(new ArrayList<>(), new ArrayList<>());

    public Interfaces(Routing routing, Log log) {
        this.routing = routing;
        this.log = log;
        this.bySlot = new Iface[][] {new Iface[routing.maxVifs(Family.INET)], new Iface[routing.maxVifs(Family.INET6)]};
    }

    /**
     * Follows the life of each VIF/MIF, for per-interface services such as mrdisc (§17.1) and
     * the IGMP/MLD proxy.
     * Called on the state thread, after the kernel VIF exists and before it is deleted.
     */
    public interface VifListener {
        /**
         * The VIF/MIF of {@code f} was created, registered again, or the interface's settings
         * (mrdisc flag, ifindex) may have changed; idempotent.
         */
        default void vifReady(Iface i, Family f) {
        }

        /** The VIF/MIF of {@code f} is about to go; {@code vanished}: the interface is gone. */
        default void vifGone(Iface i, Family f, boolean vanished) {
        }
    }

    /** Adds a listener; all of them hear every event, in the order they were added. */
    public void addListener(VifListener listener) {
        listeners.add(listener);
    }

    /** Where interfaces coming up and going down are reported. */
    public void setEvents(Events events) {
        this.events = events;
    }

    private void ready(Iface i, Family f) {
        for (VifListener l : listeners) {
            l.vifReady(i, f);
        }
    }

    private void gone(Iface i, Family f, boolean vanished) {
        for (VifListener l : listeners) {
            l.vifGone(i, f, vanished);
        }
    }

    /** Tells the listeners that the settings of an interface's VIF/MIF may have changed (§8.4). */
    public void settingsChanged(Iface i) {
        for (Family f : Family.values()) {
            if (i.slot(f) >= 0) {
                ready(i, f);
            }
        }
    }

    /** What a refresh saw change, for the interface-event handling of §8.6. */
    public record Change(Iface iface, boolean appeared, boolean vanished, boolean indexChanged, boolean multicastChanged,
            int oldIndex) {
    }

    /**
     * Merges the current system list into the table (§8.1): new names are appended, known ones
     * refreshed, missing ones marked absent.
     */
    public List<Change> refresh(List<Link> links) {
        List<Change> changes = new ArrayList<>();
        Map<String, Link> seen = new HashMap<>();
        for (Link l : links) {
            seen.putIfAbsent(l.name(), l);
        }
        for (Link l : links) {
            if (seen.get(l.name()) != l) {
                continue;
            }
            Iface i = byName.get(l.name());
            if (i == null) {
                i = new Iface(l);
                table.add(i);
                byName.put(i.name(), i);
                changes.add(new Change(i, true, false, false, false, 0));
                if (i.up()) {
                    events.ifaceUp(i.name(), i.index());
                }
                continue;
            }
            boolean wasUp = i.up();
            boolean wasPresent = i.present();
            boolean wasMulticast = i.usable();
            int oldIndex = i.index();
            i.update(l);
            boolean appeared = !wasPresent;
            boolean indexChanged = wasPresent && oldIndex != l.index();
            boolean mcChanged = wasPresent && wasMulticast != i.usable();
            if (appeared || indexChanged || mcChanged) {
                changes.add(new Change(i, appeared, false, indexChanged, mcChanged, oldIndex));
            }
            if (wasUp != i.up() || (indexChanged && wasUp)) {
                if (wasUp) {
                    events.ifaceDown(i.name(), oldIndex);
                }
                if (i.up()) {
                    events.ifaceUp(i.name(), i.index());
                }
            }
        }
        for (Iface i : table) {
            if (i.present() && !seen.containsKey(i.name())) {
                boolean wasUp = i.up();
                i.setPresent(false);
                changes.add(new Change(i, false, true, false, false, i.index()));
                if (wasUp) {
                    events.ifaceDown(i.name(), i.index());
                }
            }
        }
        return changes;
    }

    /** All rows in discovery order, absent ones included. */
    public List<Iface> all() {
        return table;
    }

    public Iface find(String name) {
        return byName.get(name);
    }

    /** The row holding a VIF/MIF slot, or null. */
    public Iface bySlot(Family f, int slot) {
        Iface[] t = bySlot[f.ordinal()];
        return slot >= 0 && slot < t.length ? t[slot] : null;
    }

    /** True when {@code pattern} ends in {@code +} (prefix wildcard, §6.8). */
    public static boolean isWildcard(String pattern) {
        return pattern.endsWith("+");
    }

    /** Name matching of §6.8: {@code eth+} matches {@code eth}, {@code eth0}; {@code +} all. */
    public static boolean matches(String pattern, String name) {
        if (pattern.length() > MAX_NAME + (isWildcard(pattern) ? 1 : 0)) {
            return false;
        }
        if (isWildcard(pattern)) {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(name);
    }

    /** Present rows matching a pattern, in table order. */
    public List<Iface> matchPresent(String pattern) {
        List<Iface> out = new ArrayList<>(2);
        for (Iface i : table) {
            if (i.present() && matches(pattern, i.name())) {
                out.add(i);
            }
        }
        return out;
    }

    /** Rows matching a pattern that are present or still hold a slot (for removal, §6.8). */
    public List<Iface> matchKnown(String pattern) {
        List<Iface> out = new ArrayList<>(2);
        for (Iface i : table) {
            if ((i.present() || i.hasSlot()) && matches(pattern, i.name())) {
                out.add(i);
            }
        }
        return out;
    }

    /** Width of the interface column in show output: the longest name in the table. */
    public int nameWidth(int minimum) {
        int w = minimum;
        for (Iface i : table) {
            w = Math.max(w, i.name().length());
        }
        return w;
    }

    /**
     * Gives the interface a VIF and a MIF (each open family) and marks it referenced (§8.2).
     * Failures are logged by {@link #allocate(Iface, Family)}.
     */
    public void reference(Iface i) {
        i.setUnused(false);
        for (Family f : Family.values()) {
            allocate(i, f);
        }
    }

    /**
     * Allocates the lowest free slot of the family and registers it in the kernel.
     *
     * @return the slot, or a negated errno: ENOPROTOOPT (not multicast), EAGAIN (family down),
     *     ENOMEM (table full) or the kernel's error
     */
    public int allocate(Iface i, Family f) {
        if (i.slot(f) >= 0) {
            return i.slot(f);
        }
        if (!i.usable()) {
            log.warn("Interface " + i.name() + " is not multicast capable, skipping " + f.vifName() + ".");
            return -Errno.ENOPROTOOPT;
        }
        RoutingSocket kernel = routing.socket(f);
        if (kernel == null) {
            log.debug("No " + f.label() + " multicast socket");
            return -Errno.EAGAIN;
        }
        Iface[] t = bySlot[f.ordinal()];
        int s = 0;
        while (s < t.length && t[s] != null) {
            s++;
        }
        if (s == t.length) {
            log.warn("Not enough available " + f.vifName() + "s to create " + i.name());
            List<String> r = refused.get(f.ordinal());
            if (!r.contains(i.name())) {
                r.add(i.name());
            }
            return -Errno.ENOMEM;
        }
        try {
            kernel.addVif(s, i.index(), i.threshold());
        } catch (KernelException e) {
            log.warn("Failed adding " + f.vifName() + " for " + i.name() + ": " + e.reason());
            return -e.errno();
        }
        t[s] = i;
        i.setSlot(f, s);
        refused.get(f.ordinal()).remove(i.name());
        log.debug("Added " + f.vifName() + " " + s + " for " + i.name() + " (ifindex " + i.index() + ")");
        ready(i, f);
        return s;
    }

    /**
     * Re-registers an existing slot in the kernel with the interface's current ifindex, for an
     * interface that came back or was re-created (§8.6). The old kernel VIF is deleted first.
     */
    public boolean reregister(Iface i, Family f, int oldIndex) {
        int s = i.slot(f);
        RoutingSocket kernel = routing.socket(f);
        if (s < 0 || kernel == null) {
            return false;
        }
        try {
            kernel.delVif(s, oldIndex);
        } catch (KernelException ignored) {
            // the kernel drops the VIF itself when the device goes away
        }
        try {
            kernel.addVif(s, i.index(), i.threshold());
            return true;
        } catch (KernelException e) {
            log.warn("Failed adding " + f.vifName() + " for " + i.name() + ": " + e.reason());
            return false;
        }
    }

    /**
     * Deletes the kernel VIF/MIF of an interface that went away or lost IFF_MULTICAST, keeping
     * its slot for the return (§8.6); errors are tolerated.
     */
    public void deactivate(Iface i, Family f) {
        int s = i.slot(f);
        if (s < 0) {
            return;
        }
        gone(i, f, !i.present());
        RoutingSocket kernel = routing.socket(f);
        try {
            if (kernel != null) {
                kernel.delVif(s, i.index());
            }
        } catch (KernelException ignored) {
            // the kernel removes the VIF itself when the device is unregistered
        }
    }

    /** Deletes the kernel VIF/MIF of a family and frees its slot; ENOENT/EADDRNOTAVAIL tolerated. */
    public void release(Iface i, Family f) {
        int s = i.slot(f);
        if (s < 0) {
            return;
        }
        gone(i, f, !i.present());
        RoutingSocket kernel = routing.socket(f);
        if (kernel != null) {
            try {
                kernel.delVif(s, i.index());
            } catch (KernelException e) {
                if (e.errno() != Errno.ENOENT && e.errno() != Errno.EADDRNOTAVAIL) {
                    log.warn("Failed deleting " + f.vifName() + " " + s + " of " + i.name() + ": " + e.reason());
                }
            }
        }
        bySlot[f.ordinal()][s] = null;
        i.setSlot(f, -1);
    }

    /**
     * Reload, first half (SPEC §11 step 2): every row is unused until a line references it, and
     * its wanted threshold, mrdisc flag and querier settings fall back to the defaults; {@code phyint} lines set
     * them again, so the settings of removed lines revert.
     */
    public void beginReload() {
        for (Iface i : table) {
            i.setUnused(true);
            i.setThreshold(1);
            i.setMrdisc(false);
            i.setQuerySettings(QuerySettings.DEFAULTS);
        }
        refused.get(0).clear();
        refused.get(1).clear();
    }

    /**
     * Interfaces that wanted a VIF/MIF of {@code f} when every slot was taken and have none
     * yet, in the order they asked; cleared at reload, which asks again.
     */
    public List<String> refused(Family f) {
        return refused.get(f.ordinal());
    }

    /** VIF/MIF slots of {@code f} held. */
    public int slotsInUse(Family f) {
        int n = 0;
        for (Iface i : bySlot[f.ordinal()]) {
            if (i != null) {
                n++;
            }
        }
        return n;
    }

    /** Size of the VIF/MIF table of {@code f}. */
    public int slotCount(Family f) {
        return bySlot[f.ordinal()].length;
    }

    /** Rows no line referenced since {@link #beginReload}, or whose interface is gone (§11 step 6.1). */
    public List<Iface> unclaimed() {
        List<Iface> out = new ArrayList<>();
        for (Iface i : table) {
            if (i.unused() || !i.present()) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Reload, second half (§11 steps 6.2 and 8): the wanted settings reach the remaining
     * VIFs/MIFs, and absent rows that no longer hold a slot leave the table.
     */
    public void endReload() {
        for (Iface i : table) {
            settingsChanged(i);
        }
        table.removeIf(i -> {
            boolean gone = !i.present() && !i.hasSlot();
            if (gone) {
                byName.remove(i.name());
            }
            return gone;
        });
    }

    /** Forgets every slot without kernel calls (after the routing sockets were closed). */
    public void forgetSlots() {
        for (Iface i : table) {
            i.setSlot(Family.INET, -1);
            i.setSlot(Family.INET6, -1);
        }
        Arrays.fill(bySlot[0], null);
        Arrays.fill(bySlot[1], null);
    }
}
