package org.smcroute.route;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.event.Events;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * What this daemon has pushed to the kernel's MFC (SPEC §7.3), keyed on (family, S, G) with
 * no duplicates, in insertion order. It knows how to push an entry only when it differs from
 * what the kernel has, how to expire and flush learned entries, and how many learned entries
 * it may hold; deciding *what* an entry should carry is {@link Routes}' job.
 */
final class KernelCache {

    private static final byte[] NO_OIFS = new byte[0];

    private final Routing routing;
    private final Log log;
    private final Routes.Slots slots;
    private Events events = Events.NONE;
    private final Map<SgKey, KernelEntry> cache = new LinkedHashMap<>();
    /** Pushed TTL vectors, interned: there are few distinct ones, and 100k entries share them. */
    private final Map<ByteBuffer, byte[]> ttlPool = new HashMap<>();
    /** {@link #push}'s work array, and a lookup key over it for {@link #ttlPool}. */
    private final byte[] scratch = new byte[Kernel.MAX_VIFS];
    private final ByteBuffer scratchKey = ByteBuffer.wrap(scratch);
    private int learnedCount;
    private int learnedLimit = Integer.MAX_VALUE;
    private boolean limitLogged;
    /** False only when a scan found no stop filter and none was created since. */
    private boolean mayHaveStopFilters = true;

    KernelCache(Routing routing, Log log, Routes.Slots slots) {
        this.routing = routing;
        this.log = log;
        this.slots = slots;
    }

    void setEvents(Events events) {
        this.events = events;
    }

    KernelEntry get(SgKey k) {
        return cache.get(k);
    }

    Collection<KernelEntry> entries() {
        return cache.values();
    }

    /** A copy to iterate over while entries are added or deleted. */
    List<KernelEntry> snapshot() {
        return new ArrayList<>(cache.values());
    }

    /**
     * Caps the learned entries (forwarding and stop filters) so a source flood cannot exhaust
     * memory; when full, a new flow a template covers evicts the oldest stop filter, and a new
     * unmatched flow is left to the kernel's own bounded unresolved queue.
     */
    void setLearnedLimit(int limit) {
        this.learnedLimit = limit;
    }

    int learnedCount() {
        return learnedCount;
    }

    int learnedLimit() {
        return learnedLimit;
    }

    /** Adds or replaces the entry of its (S,G); a replaced entry moves to the end. */
    void put(KernelEntry e) {
        remove(e.key());
        cache.put(e.key(), e);
        if (e.learned()) {
            learnedCount++;
        }
    }

    private void remove(SgKey k) {
        KernelEntry old = cache.remove(k);
        if (old == null) {
            return;
        }
        old.markRemoved();
        if (old.learned()) {
            learnedCount--;
        }
    }

    /** Room for one more learned entry, evicting a stop filter for a flow that will forward. */
    boolean roomForLearned(boolean forwarding) {
        if (learnedCount < learnedLimit) {
            limitLogged = false;
            return true;
        }
        if (forwarding && mayHaveStopFilters) {
            for (KernelEntry e : cache.values()) {
                if (e.learned() && !e.covered()) {
                    delete(e);
                    return true;
                }
            }
            // none: skip this scan of the whole cache until the next stop filter is made
            mayHaveStopFilters = false;
        }
        if (!limitLogged) {
            log.warn("Learned route cache full (" + learnedLimit + " entries), not caching new sources until entries expire");
            limitLogged = true;
        }
        return false;
    }

    /** A stop filter was just created: eviction scans may find one again. */
    void noteStopFilter() {
        mayHaveStopFilters = true;
    }

    /**
     * The cache is full and this flow is not cached. The kernel would keep its unresolved entry
     * (and queued packets) for 10 s, and recent kernels do not cap how many there are: a flood
     * of new sources then grows that queue, which the kernel scans linearly for every packet.
     * Resolving the entry with no OIFs and deleting it at once drops the queued packets and
     * leaves nothing behind; the flow's next packet is simply reported again.
     */
    void dropUnresolved(Family f, Addr s, Addr g, int vif) {
        RoutingSocket kernel = routing.socket(f);
        if (kernel == null) {
            return;
        }
        try {
            kernel.addMfc(s, g, vif, NO_OIFS);
            kernel.delMfc(s, g, vif);
        } catch (KernelException x) {
            log.debug("Failed dropping unresolved (" + s + ", " + g + "): " + x.reason());
        }
    }

    /** Pushes the entry when its active OIFs or their TTLs differ from what the kernel has. */
    void push(KernelEntry e, int wanted) {
        // runs per new flow in a source storm: the vector is built in a scratch array and only
        // copied when it is a TTL pattern never seen before (the pool keeps one array per pattern)
        Family f = e.family();
        byte[] t = scratch;
        Arrays.fill(t, (byte) 0);
        int oifs = 0;
        for (int rest = wanted; rest != 0; rest &= rest - 1) {
            int slot = Integer.numberOfTrailingZeros(rest);
            if (slots.active(f, slot)) {
                t[slot] = (byte) slots.ttl(f, slot);
                oifs |= 1 << slot;
            }
        }
        if (e.ttls() != null && !e.stale() && e.oifs() == oifs && Arrays.equals(t, e.ttls())) {
            return;
        }
        byte[] pooled = ttlPool.get(scratchKey);
        if (pooled == null) {
            pooled = t.clone();
            ttlPool.put(ByteBuffer.wrap(pooled), pooled);
        }
        RoutingSocket kernel = routing.socket(f);
        if (kernel == null) {
            return;
        }
        try {
            kernel.addMfc(e.source(), e.group(), e.inbound(), pooled);
            e.pushed(oifs, pooled);
            events.routeAdded(f, e.source(), e.group(), e.inbound(), oifs, e.learned());
        } catch (KernelException x) {
            log.warn("Failed adding (" + e.source() + ", " + e.group() + ") to the kernel: " + x.reason());
        }
    }

    /** Removes the entry from the cache and, if it was ever pushed, from the kernel. */
    void delete(KernelEntry e) {
        remove(e.key());
        RoutingSocket kernel = routing.socket(e.family());
        if (e.ttls() == null || kernel == null) {
            return;
        }
        try {
            kernel.delMfc(e.source(), e.group(), e.inbound());
            events.routeDeleted(e.family(), e.source(), e.group(), e.inbound(), e.oifs(), e.learned());
        } catch (KernelException x) {
            log.debug("Failed removing (" + e.source() + ", " + e.group() + ") from the kernel: " + x.reason());
        }
    }

    /**
     * The periodic idle check of §10.7 over learned entries ({@code now} in seconds): an idle
     * entry disappears between one and two periods after its last packet.
     */
    void expire(long maxIdle, long now) {
        for (KernelEntry e : snapshot()) {
            if (!e.learned()) {
                continue;
            }
            if (e.lastUse() == 0) {
                e.checked(now, validPackets(e));
                continue;
            }
            if (e.lastUse() + maxIdle <= now) {
                if (log.enabled(Log.DEBUG)) {
                    log.debug("Checking (" + e.source() + "," + e.group() + ") on " + slots.name(e.family(), e.inbound()) + " ...");
                }
                long pkts = validPackets(e);
                if (pkts != e.validPkt()) {
                    e.checked(now, pkts);
                } else {
                    log.debug("-> Yup, stale route.");
                    delete(e);
                }
            }
        }
    }

    private long validPackets(KernelEntry e) {
        RoutingSocket kernel = routing.socket(e.family());
        Counters c = kernel == null ? Counters.ZERO : kernel.counters(e.source(), e.group());
        return c.packets() - c.wrongIf();
    }

    /** Deletes every learned entry at once (§10.7 flush); returns how many. */
    int flush() {
        int n = 0;
        for (KernelEntry e : snapshot()) {
            if (e.learned()) {
                delete(e);
                n++;
            }
        }
        return n;
    }

    /** Forgets everything without kernel calls (the routing socket was closed). */
    void forget() {
        for (KernelEntry e : cache.values()) {
            e.markRemoved();
        }
        cache.clear();
        learnedCount = 0;
    }
}
