package org.smcroute.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.it.Topology;

/**
 * {@code smcroutectl show} as an operator runs it: the whole client process, interleaved with
 * the JVM's own start ({@code java -version}) and with the original client against the original
 * daemon. A small table shows the start-up cost; a big one ({@code show routes}, N routes)
 * shows what reading and printing the reply costs.
 */
final class ShowBench {

    private static final String FEW_ROUTES = """
            mgroup from eth0 group 225.1.2.3
            mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
            mroute from eth0 group 225.3.0.0/16 to eth2
            mroute from eth0 source 10.0.0.2 group 225.1.2.4 to eth1
            mroute from eth0 source fd00::2 group ff0e::114 to eth1 eth2
            """;

    private final Bench b;
    private final int runs = Integer.parseInt(Bench.env("BENCH_SHOW_RUNS", "20"));
    private final int routes = Integer.parseInt(Bench.env("BENCH_SHOW_ROUTES", "10000"));

    ShowBench(Bench b) {
        this.b = b;
    }

    void run() throws Exception {
        b.say("smcroutectl show latency (" + runs + " interleaved runs)");
        Map<String, List<Double>> t = new LinkedHashMap<>();
        Map<Bench.Impl, List<Double>> big = new LinkedHashMap<>();
        String floorName = "`java -version` (floor, same JDK)";
        String rtFloorName = "`java -version` (jlink runtime the launcher uses)";
        List<Topology> topos = new ArrayList<>();
        List<Running> few = new ArrayList<>();
        List<Running> many = new ArrayList<>();
        try {
            for (Bench.Impl impl : b.impls()) {
                few.add(start(topos, impl, FEW_ROUTES));
                if (routes > 0 && (impl != b.cimpl || routes <= b.cMaxRoutes)) {
                    Running d = start(topos, impl, Bench.sgConfig(routes));
                    many.add(d);
                    d.awaitCache(routes, 300_000);
                }
            }
            for (int i = 0; i < runs + 1; i++) {
                boolean counted = i > 0; // the first round warms the page cache
                double v = b.timed(List.of(b.java, "-version"));
                if (counted) {
                    t.computeIfAbsent(floorName, k -> new ArrayList<>()).add(v);
                }
                if (b.rtJava != null) {
                    double rv = b.timed(List.of(b.rtJava, "-version"));
                    if (counted) {
                        t.computeIfAbsent(rtFloorName, k -> new ArrayList<>()).add(rv);
                    }
                }
                for (Running d : few) {
                    double s = b.timed(d.ctl("show"));
                    if (counted) {
                        t.computeIfAbsent("`smcroutectl show` (" + d.impl.name() + ")", k -> new ArrayList<>()).add(s);
                    }
                }
                for (Running d : many) {
                    double s = b.timed(d.ctl("show", "routes"));
                    if (counted) {
                        big.computeIfAbsent(d.impl, k -> new ArrayList<>()).add(s);
                    }
                }
            }
        } finally {
            few.forEach(Running::close);
            many.forEach(Running::close);
            topos.forEach(Topology::close);
        }
        report(t, floorName, rtFloorName);
        reportBig(big);
    }

    private Running start(List<Topology> topos, Bench.Impl impl, String conf) throws Exception {
        Topology topo = Topology.create(2);
        topos.add(topo);
        Running d = new Running(b, impl, topo.router(), conf);
        d.awaitReady();
        return d;
    }

    private void report(Map<String, List<Double>> t, String floorName, String rtFloorName) {
        b.line("## `smcroutectl show` latency");
        b.line("");
        b.line("Wall time of the whole client process against a daemon with 4 routes and a join; " + runs
                + " interleaved runs. Target: Java client ≤ 1.3× the floor.");
        b.line("");
        boolean rt = t.containsKey(rtFloorName);
        b.line("| command | median | p90 | median ratio to floor |" + (rt ? " ratio to runtime floor |" : ""));
        b.line("|---|---|---|---|" + (rt ? "---|" : ""));
        double floor = Bench.median(t.get(floorName));
        double rtFloor = rt ? Bench.median(t.get(rtFloorName)) : Double.NaN;
        for (var e : t.entrySet()) {
            double m = Bench.median(e.getValue());
            b.line("| " + e.getKey() + " | " + Bench.f(m) + " ms | " + Bench.f(Bench.pct(e.getValue(), 90)) + " ms | "
                    + Bench.ratio(m, floor) + " |" + (rt ? " " + Bench.ratio(m, rtFloor) + " |" : ""));
        }
        b.line("");
    }

    private void reportBig(Map<Bench.Impl, List<Double>> big) {
        if (big.isEmpty()) {
            return;
        }
        b.line("### `smcroutectl show routes` with " + Bench.k(routes) + " routes");
        b.line("");
        b.line(Bench.k(routes) + " (S,G) lines `mroute from eth0 source 10.0.0.2 group G to eth1`; wall time of the whole "
                + "client process, output to /dev/null, in the same interleaved rounds as above. Target: ≤ 0.75× the "
                + "original's.");
        b.line("");
        b.line("| daemon and its client | median | p90 | ratio to the original |");
        b.line("|---|---|---|---|");
        List<Double> c = b.cimpl == null ? null : big.get(b.cimpl);
        double cm = c == null ? Double.NaN : Bench.median(c);
        for (var e : big.entrySet()) {
            double m = Bench.median(e.getValue());
            b.line("| " + e.getKey().name() + " | " + Bench.f(m) + " ms | " + Bench.f(Bench.pct(e.getValue(), 90)) + " ms | "
                    + Bench.ratio(m, cm) + " |");
        }
        b.line("");
    }
}
