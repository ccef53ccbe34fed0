package org.smcroute.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.VifCounters;
import org.smcroute.loop.EventLoop;
import org.smcroute.route.KernelEntry;
import org.smcroute.route.Routes;

/**
 * The doctor's {@code ttl} check. The kernel sends a packet out of an outbound VIF/MIF only
 * when its TTL (hop limit) is above that interface's threshold, and counts the ones it holds
 * back nowhere; a sender's default multicast TTL is 1, which never passes. What the daemon can
 * observe is a route whose packet counter rises while one of its outbound VIFs sends nothing
 * at all. So the counters of every route with outbound interfaces, and of every VIF/MIF, are
 * read twice, {@link #SAMPLE_MILLIS} apart; VIFs before and after the routes, so every packet a
 * route counted in between was also counted by the VIFs it went out of.
 */
final class TtlCheck {

    static final long SAMPLE_MILLIS = 1000;
    /** Packets a route must count in the sample before it is judged; one may straddle a read. */
    static final long MIN_PACKETS = 2;

    private final EventLoop loop;
    private final Routing routing;
    private final Interfaces ifaces;
    private final List<KernelEntry> entries = new ArrayList<>();
    private int[] oifs;
    private VifCounters[][] before;
    private CounterSweep first;
    private CounterSweep second;
    private EventLoop.Timer timer;
    private Consumer<List<Finding>> done;

    TtlCheck(EventLoop loop, Routing routing, Interfaces ifaces, Routes routes) {
        this.loop = loop;
        this.routing = routing;
        this.ifaces = ifaces;
        for (KernelEntry e : routes.cache()) {
            if (e.installed() && e.oifs() != 0) {
                entries.add(e);
            }
        }
    }

    /** Samples; {@code done} gets the findings on the loop. */
    void start(Consumer<List<Finding>> done) {
        this.done = done;
        if (entries.isEmpty()) {
            loop.post(() -> done.accept(List.of(Finding.ok("ttl", "no route with outbound interfaces to sample"))));
            return;
        }
        oifs = new int[entries.size()];
        for (int i = 0; i < oifs.length; i++) {
            oifs[i] = entries.get(i).oifs();
        }
        before = vifs();
        first = new CounterSweep(loop, routing);
        first.entries.addAll(entries);
        first.start(() -> timer = loop.schedule(SAMPLE_MILLIS, () -> {
            second = new CounterSweep(loop, routing);
            second.entries.addAll(entries);
            second.start(this::judge);
        }));
    }

    void cancel() {
        if (first != null) {
            first.cancel();
        }
        if (second != null) {
            second.cancel();
        }
        if (timer != null) {
            timer.cancel();
        }
    }

    private VifCounters[][] vifs() {
        VifCounters[][] v = new VifCounters[Family.values().length][];
        for (Family f : Family.values()) {
            RoutingSocket k = routing.socket(f);
            v[f.ordinal()] = new VifCounters[ifaces.slotCount(f)];
            for (int slot = 0; k != null && slot < v[f.ordinal()].length; slot++) {
                v[f.ordinal()][slot] = ifaces.bySlot(f, slot) == null ? null : k.vifCounters(slot);
            }
        }
        return v;
    }

    private void judge() {
        VifCounters[][] after = vifs();
        List<Finding> out = new ArrayList<>();
        int sampled = 0;
        for (int i = 0; i < oifs.length; i++) {
            KernelEntry e = entries.get(i);
            if (!first.read[i] || !second.read[i] || !e.installed() || e.oifs() != oifs[i]) {
                continue;
            }
            long packets = (second.packets[i] - second.wrongIf[i]) - (first.packets[i] - first.wrongIf[i]);
            if (packets < MIN_PACKETS) {
                continue;
            }
            sampled++;
            Family f = e.family();
            List<String> silent = new ArrayList<>();
            for (int rest = oifs[i]; rest != 0; rest &= rest - 1) {
                int slot = Integer.numberOfTrailingZeros(rest);
                VifCounters a = before[f.ordinal()][slot];
                VifCounters b = after[f.ordinal()][slot];
                Iface o = ifaces.bySlot(f, slot);
                if (a != null && b != null && o != null && b.packetsOut() == a.packetsOut()) {
                    silent.add(o.name() + " (threshold " + (f.v6() ? 1 : o.threshold()) + ")");
                }
            }
            if (!silent.isEmpty()) {
                Iface in = ifaces.bySlot(f, e.inbound());
                String ttl = f.v6() ? "hop limit" : "TTL";
                out.add(Finding.warn("ttl", "(" + e.source() + ", " + e.group() + ") got " + packets + " packets on "
                        + (in == null ? "?" : in.name()) + " in " + SAMPLE_MILLIS / 1000 + " s, but "
                        + String.join(", ", silent) + " sent none: they arrive with a " + ttl
                        + " at or below the threshold", "raise the sender's multicast " + ttl
                        + " (it is 1 unless the application sets it), or lower the ttl-threshold of the outbound interface"));
            }
        }
        if (out.isEmpty()) {
            out.add(Finding.ok("ttl", sampled == 0 ? "no route had traffic during the " + SAMPLE_MILLIS / 1000 + " s sample"
                    : "no packet was held back by a TTL threshold on " + Checks.plural(sampled, "route")
                    + " with traffic during the " + SAMPLE_MILLIS / 1000 + " s sample"));
        }
        done.accept(Checks.capped(out));
    }
}
