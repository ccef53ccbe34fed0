package org.smcroute.observe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.smcroute.event.Events;
import org.smcroute.json.Json;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.loop.Stream;
import org.smcroute.net.Addr;
import org.smcroute.route.Routes;

/**
 * The event stream ({@code smcroutectl monitor}): turns what the routing domain reports into
 * one JSON object per line, each with {@code event} and {@code time}, and queues the line for
 * every connected client. With no client connected every report returns at once, so the
 * domain pays one call per change. Each client has a bounded buffer; one that falls behind is
 * dropped and counted, never waited for.
 */
public final class EventHub implements Events {

    /** Most clients at once. */
    public static final int MAX_MONITORS = 16;
    /** Most bytes queued for one client before it is dropped. */
    public static final int BUFFER = 1 << 20;

    private final Routes.Slots slots;
    private final Stats stats;
    private final Log log;
    private final LongSupplier clock;
    private final List<Monitor> monitors = new ArrayList<>();

    /** {@code clock}: milliseconds since the Unix epoch, for the {@code time} of each event. */
    public EventHub(Routes.Slots slots, Stats stats, Log log, LongSupplier clock) {
        this.slots = slots;
        this.stats = stats;
        this.log = log;
        this.clock = clock;
    }

    /** A new client's stream, or null when {@link #MAX_MONITORS} are connected. */
    public Stream open() {
        if (monitors.size() >= MAX_MONITORS) {
            return null;
        }
        Monitor m = new Monitor(this);
        monitors.add(m);
        return m;
    }

    /** Clients connected now. */
    public int monitors() {
        return monitors.size();
    }

    void remove(Monitor m) {
        monitors.remove(m);
    }

    /** Drops a client that fell behind or stopped reading. */
    void drop(Monitor m, String why) {
        monitors.remove(m);
        stats.monitorDropped();
        log.notice("Dropped an event stream client that " + why);
    }

    @Override
    public void routeAdded(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
        if (!monitors.isEmpty()) {
            publish(route("route-add", f, source, group, inbound, oifs).key("learned").value(learned));
        }
    }

    @Override
    public void routeDeleted(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
        if (!monitors.isEmpty()) {
            publish(route("route-del", f, source, group, inbound, oifs).key("learned").value(learned));
        }
    }

    @Override
    public void learned(Upcall.Kind cause, Family f, Addr source, Addr group, int inbound, int oifs) {
        if (!monitors.isEmpty()) {
            publish(route("learned", f, source, group, inbound, oifs).key("upcall").value(upcallName(cause)));
        }
    }

    @Override
    public void ifaceUp(String name, int ifindex) {
        iface("iface-up", name, ifindex);
    }

    @Override
    public void ifaceDown(String name, int ifindex) {
        iface("iface-down", name, ifindex);
    }

    @Override
    public void reloadStarted() {
        if (!monitors.isEmpty()) {
            publish(event("reload-start"));
        }
    }

    @Override
    public void reloadDone(boolean ok) {
        if (!monitors.isEmpty()) {
            publish(event("reload-done").key("ok").value(ok));
        }
    }

    @Override
    public void joined(Family f, String ifname, Addr source, Addr group) {
        membership("join", f, ifname, source, group);
    }

    @Override
    public void left(Family f, String ifname, Addr source, Addr group) {
        membership("leave", f, ifname, source, group);
    }

    private void iface(String type, String name, int ifindex) {
        if (!monitors.isEmpty()) {
            publish(event(type).key("iface").value(name).key("ifindex").value(ifindex));
        }
    }

    private void membership(String type, Family f, String ifname, Addr source, Addr group) {
        if (!monitors.isEmpty()) {
            publish(event(type).key("family").value(familyName(f)).key("iface").value(ifname)
                    .key("source").value(source == null ? null : source.toString()).key("group").value(group.toString()));
        }
    }

    private Json route(String type, Family f, Addr source, Addr group, int inbound, int oifs) {
        Json j = event(type).key("family").value(familyName(f)).key("source").value(source.toString())
                .key("group").value(group.toString()).key("iif").value(name(f, inbound)).key("oifs").beginArray();
        for (int rest = oifs; rest != 0; rest &= rest - 1) {
            j.value(name(f, Integer.numberOfTrailingZeros(rest)));
        }
        return j.endArray();
    }

    private String name(Family f, int slot) {
        String n = slots.name(f, slot);
        return n == null ? "?" : n;
    }

    private Json event(String type) {
        return new Json().begin().key("event").value(type).key("time").value(Timestamps.utc(clock.getAsLong()));
    }

    private void publish(Json j) {
        byte[] line = (j.end().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        // a drop removes its client from the list
        for (Monitor m : monitors.toArray(new Monitor[0])) {
            m.offer(line);
        }
    }

    /** "ipv4" or "ipv6", as events and metrics label a family. */
    static String familyName(Family f) {
        return f.v6() ? "ipv6" : "ipv4";
    }

    /** The lower-case name of an upcall kind, as events and metrics label it. */
    static String upcallName(Upcall.Kind k) {
        return switch (k) {
            case NOCACHE -> "nocache";
            case WRONGVIF -> "wrongvif";
            case WHOLEPKT -> "wholepkt";
            case OTHER -> "other";
        };
    }
}
