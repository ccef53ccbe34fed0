package org.smcroute.observe;

import org.smcroute.group.Groups;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Routing;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.route.Routes;

/**
 * The daemon's metrics in the Prometheus text format, for {@code smcroutectl metrics} and the
 * HTTP endpoint alike. Each scrape is a {@link Stream}: a snapshot of the gauges and VIF
 * counters when it starts, the per-route counters read in slices on the loop, and the text
 * produced as the client reads it, so 100k routes neither stall the loop nor sit in memory
 * as one big string.
 */
public final class Metrics {

    final EventLoop loop;
    final Routing routing;
    final Interfaces ifaces;
    final Routes routes;
    final Groups groups;
    final Stats stats;
    final EventHub hub;
    /** The sweep the scrapes share while they do not overlap; null while one has it. */
    private CounterSweep idleSweep;

    public Metrics(EventLoop loop, Routing routing, Interfaces ifaces, Routes routes, Groups groups, Stats stats,
            EventHub hub) {
        this.loop = loop;
        this.routing = routing;
        this.ifaces = ifaces;
        this.routes = routes;
        this.groups = groups;
        this.stats = stats;
        this.hub = hub;
    }

    /** A new scrape; it starts when its stream is opened. */
    public Stream scrape() {
        return new Scrape(this);
    }

    /** The shared sweep if no other scrape has it, else one of its own. */
    CounterSweep sweep() {
        CounterSweep s = idleSweep;
        idleSweep = null;
        return s != null ? s : new CounterSweep(loop, routing);
    }

    /** A scrape is done with its sweep; the entries are forgotten, the arrays kept. */
    void release(CounterSweep s) {
        s.clear();
        idleSweep = s;
    }
}
