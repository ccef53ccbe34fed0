package org.smcroute.observe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.iface.Iface;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.Upcall;
import org.smcroute.kernel.VifCounters;
import org.smcroute.loop.Stream;
import org.smcroute.route.KernelEntry;

/**
 * One scrape of {@link Metrics}. Opening it takes the snapshot: gauges, upcall counts, VIF
 * counters (at most 64 ioctls) and the list of kernel entries, whose counters a
 * {@link CounterSweep} then reads in slices. The text of the three per-route families is made
 * a piece at a time as the client takes it, from the values read.
 */
final class Scrape implements Stream {

    /** Characters made per piece. */
    private static final int PIECE = 32 << 10;
    private static final String PACKETS = "smcroute_route_packets_total";
    private static final String BYTES = "smcroute_route_bytes_total";
    private static final String WRONG_IF = "smcroute_route_wrong_if_total";

    private final Metrics m;
    private byte[] head;
    private CounterSweep sweep;
    private Runnable wakeUp;
    private boolean swept;
    /** 0-2: the route families in turn, 3: done. */
    private int family;
    private int index;

    Scrape(Metrics m) {
        this.m = m;
    }

    @Override
    public void open(Runnable wakeUp) {
        this.wakeUp = wakeUp;
        sweep = m.sweep();
        int learned = 0;
        for (KernelEntry e : m.routes.cache()) {
            if (e.installed()) {
                sweep.entries.add(e);
                learned += e.learned() ? 1 : 0;
            }
        }
        head = head(sweep.entries.size(), learned).toString().getBytes(StandardCharsets.UTF_8);
        sweep.start(this::swept);
    }

    private void swept() {
        swept = true;
        wakeUp.run();
    }

    @Override
    public byte[] next() {
        if (head != null) {
            byte[] h = head;
            head = null;
            return h;
        }
        if (!swept) {
            return WAIT;
        }
        if (family == 3) {
            end();
            return null;
        }
        StringBuilder sb = new StringBuilder(PIECE + 256);
        while (family < 3 && sb.length() < PIECE) {
            routeRows(sb);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Rows of the current route family until the piece is full or the family is done. */
    private void routeRows(StringBuilder sb) {
        String name = family == 0 ? PACKETS : family == 1 ? BYTES : WRONG_IF;
        long[] values = family == 0 ? sweep.packets : family == 1 ? sweep.bytes : sweep.wrongIf;
        if (index == 0) {
            Exposition.family(sb, name, "counter", family == 0
                    ? "Packets received for a kernel multicast route (S,G), as the kernel counts them."
                    : family == 1 ? "Bytes received for a kernel multicast route (S,G)."
                    : "Packets of a kernel multicast route (S,G) that arrived on another interface than its inbound one.");
        }
        List<KernelEntry> entries = sweep.entries;
        int n = entries.size();
        while (index < n && sb.length() < PIECE) {
            int i = index++;
            if (!sweep.read[i]) {
                continue;
            }
            KernelEntry e = entries.get(i);
            Exposition.start(sb, name, "iif", name(e.family(), e.inbound()));
            Exposition.label(sb, "source", e.source().toString());
            Exposition.label(sb, "group", e.group().toString());
            Exposition.end(sb, values[i]);
        }
        if (index == n) {
            index = 0;
            family++;
        }
    }

    private String name(Family f, int slot) {
        Iface i = m.ifaces.bySlot(f, slot);
        return i == null ? "?" : i.name();
    }

    /** Everything but the per-route families: small, taken at once. */
    private StringBuilder head(int routes, int learned) {
        StringBuilder sb = new StringBuilder(4096);
        Exposition.family(sb, "smcroute_start_time_seconds", "gauge", "Start time of the daemon, seconds since the Unix epoch.");
        long start = m.stats.startMillis();
        String millis = Long.toString(1000 + start % 1000).substring(1);
        sb.append("smcroute_start_time_seconds ").append(start / 1000).append('.').append(millis).append('\n');
        Exposition.family(sb, "smcroute_reloads_total", "counter", "Configuration reloads completed.");
        Exposition.sample(sb, "smcroute_reloads_total", m.stats.reloads());
        Exposition.family(sb, "smcroute_upcalls_total", "counter",
                "Kernel upcalls received: nocache (first packet of an unknown flow), wrongvif (a flow on another interface than its route's), wholepkt, other.");
        for (Family f : Family.values()) {
            for (Upcall.Kind k : Upcall.Kind.values()) {
                Exposition.start(sb, "smcroute_upcalls_total", "family", EventHub.familyName(f));
                Exposition.label(sb, "type", EventHub.upcallName(k));
                Exposition.end(sb, m.stats.upcalls(f, k));
            }
        }
        Exposition.family(sb, "smcroute_routes", "gauge", "Kernel multicast routes (MFC entries) installed by the daemon.");
        Exposition.sample(sb, "smcroute_routes", routes);
        Exposition.family(sb, "smcroute_learned_routes", "gauge",
                "Kernel multicast routes learned from traffic: (*,G) matches and stop filters.");
        Exposition.sample(sb, "smcroute_learned_routes", learned);
        Exposition.family(sb, "smcroute_vifs", "gauge", "Multicast routing interfaces in use: VIFs (IPv4) and MIFs (IPv6).");
        for (Family f : Family.values()) {
            Exposition.start(sb, "smcroute_vifs", "family", EventHub.familyName(f));
            Exposition.end(sb, m.ifaces.slotsInUse(f));
        }
        Exposition.family(sb, "smcroute_groups_joined", "gauge", "Multicast group memberships held in the kernel.");
        Exposition.sample(sb, "smcroute_groups_joined", m.groups.joinedCount());
        Exposition.family(sb, "smcroute_monitors", "gauge", "Event stream clients connected (smcroutectl monitor).");
        Exposition.sample(sb, "smcroute_monitors", m.hub.monitors());
        Exposition.family(sb, "smcroute_monitors_dropped_total", "counter",
                "Event stream clients dropped for falling behind or not reading.");
        Exposition.sample(sb, "smcroute_monitors_dropped_total", m.stats.monitorsDropped());
        vifs(sb);
        return sb;
    }

    /** The four VIF/MIF families, from one read of each slot's counters. */
    private void vifs(StringBuilder sb) {
        List<String> labels = new ArrayList<>();
        List<VifCounters> values = new ArrayList<>();
        for (Family f : Family.values()) {
            RoutingSocket k = m.routing.socket(f);
            for (int slot = 0; k != null && slot < m.ifaces.slotCount(f); slot++) {
                Iface i = m.ifaces.bySlot(f, slot);
                VifCounters c = i == null ? null : k.vifCounters(slot);
                if (c != null) {
                    labels.add(i.name());
                    labels.add(EventHub.familyName(f));
                    values.add(c);
                }
            }
        }
        String[] names = {"smcroute_vif_packets_in_total", "smcroute_vif_packets_out_total",
            "smcroute_vif_bytes_in_total", "smcroute_vif_bytes_out_total"};
        String[] help = {"Packets received on a multicast routing interface (VIF/MIF).",
            "Packets forwarded out of a multicast routing interface (VIF/MIF).",
            "Bytes received on a multicast routing interface (VIF/MIF).",
            "Bytes forwarded out of a multicast routing interface (VIF/MIF)."};
        for (int fam = 0; fam < names.length; fam++) {
            Exposition.family(sb, names[fam], "counter", help[fam]);
            for (int v = 0; v < values.size(); v++) {
                VifCounters c = values.get(v);
                Exposition.start(sb, names[fam], "iface", labels.get(2 * v));
                Exposition.label(sb, "family", labels.get(2 * v + 1));
                Exposition.end(sb, fam == 0 ? c.packetsIn() : fam == 1 ? c.packetsOut() : fam == 2 ? c.bytesIn() : c.bytesOut());
            }
        }
    }

    @Override
    public void close(boolean timedOut) {
        end();
    }

    /** Hands the sweep back, once. */
    private void end() {
        if (sweep != null) {
            m.release(sweep);
            sweep = null;
        }
    }
}
