package org.smcroute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import org.smcroute.it.Topology;

/**
 * Group joins from the configuration file (issue "Group membership"): the time to apply N
 * {@code mgroup} lines at start-up (start → ready minus start → ready of the same daemon on an
 * empty configuration started just before, median of interleaved pairs) and to leave them all on a
 * reload to an empty file (SIGHUP → new PID file mtime), against {@link JoinFloor}: the same joins
 * and leaves as bare calls in one loop.
 */
final class JoinBench {

    private final Bench b;
    private final int n = Integer.parseInt(Bench.env("BENCH_JOINS", "2000"));
    private final boolean ssm = !Bench.env("BENCH_JOIN_SSM", "1").equals("0");
    private final int runs = Integer.parseInt(Bench.env("BENCH_JOIN_RUNS", "3"));

    JoinBench(Bench b) {
        this.b = b;
    }

    /** ASM groups from 225.2.0.0 up, SSM groups from 232.2.0.0 up (source 10.0.1.2). */
    static int group(boolean ssm, int i) {
        return (ssm ? 0xE8020000 : 0xE1020000) + i;
    }

    static final String SSM_SOURCE = "10.0.1.2";

    static String config(boolean ssm, int n) {
        StringBuilder sb = new StringBuilder(n * 50);
        for (int i = 0; i < n; i++) {
            sb.append("mgroup from eth1 ").append(ssm ? "source " + SSM_SOURCE + " " : "").append("group ")
                    .append(Bench.dotted(group(ssm, i))).append('\n');
        }
        return sb.toString();
    }

    /** Memberships in a /proc/net/igmp text: the group lines (four tabs) under each device. */
    static int igmpGroups(String procNetIgmp) {
        int c = 0;
        for (String l : procNetIgmp.split("\n")) {
            if (l.startsWith("\t\t\t\t")) {
                c++;
            }
        }
        return c;
    }

    /** Per run and process: apply ms, leave ms, memberships joined (above baseline), left over after the reload. */
    record Obs(double apply, double leave, int joined, int leftOver, double cold) {
    }

    void run() throws Exception {
        if (n <= 0) {
            return;
        }
        List<Boolean> variants = ssm ? List.of(false, true) : List.of(false);
        String floorName = "floor (`JoinFloor`)";
        // variant → process → observations
        Map<Boolean, Map<String, List<Obs>>> obs = new LinkedHashMap<>();
        try (Topology t = Topology.create(1); Topology ft = Topology.create(1)) {
            for (int run = 0; run < runs; run++) {
                for (boolean v : variants) {
                    b.say("group joins, " + n + (v ? " SSM" : " ASM") + " mgroup lines, run " + (run + 1) + " of " + runs);
                    Map<String, List<Obs>> m = obs.computeIfAbsent(v, x -> new LinkedHashMap<>());
                    m.computeIfAbsent(floorName, x -> new ArrayList<>()).add(floor(ft, v));
                    for (Bench.Impl impl : b.impls()) {
                        m.computeIfAbsent(impl.name(), x -> new ArrayList<>()).add(daemon(t, impl, v));
                    }
                }
            }
        }
        double cold = Bench.median(obs.values().stream().flatMap(m -> m.get(floorName).stream()).map(Obs::cold).toList());
        b.line("## Group joins from the configuration file (issue \"Group membership\")");
        b.line("");
        b.line("N = " + Bench.k(n) + " lines `mgroup from eth1 group G` (ASM, G from 225.2.0.0 up)"
                + (ssm ? " and `mgroup from eth1 source " + SSM_SOURCE + " group G` (SSM, G from 232.2.0.0 up)" : "")
                + ". **Apply** = launch → ready minus launch → ready of the same daemon on an empty configuration "
                + "started just before (median of " + runs + " interleaved pairs). **Leave** = the configuration replaced "
                + "by an empty file, SIGHUP → PID file mtime changed (the reload's end), polled every 1 ms. "
                + "**Floor** = `JoinFloor`: only the N join calls (then the N leave calls, closing each socket once empty) "
                + "through `LinuxKernel`, 20 per socket like the daemon, same JVM flags, fresh namespace, after an "
                + "untimed warm-up (one join and leave of another group: class loading and native linking, "
                + Bench.f(cold) + " ms median here, which the daemon's apply time includes). "
                + "**Memberships** = group lines in the router namespace's /proc/net/igmp above the empty daemon's "
                + "(floor: above the fresh namespace's) when joined / after the leave.");
        b.line("");
        b.line("| joins | process | apply | ratio to floor | leave | ratio to floor | memberships joined / after leave |");
        b.line("|---|---|---|---|---|---|---|");
        for (var e : obs.entrySet()) {
            List<Obs> fl = e.getValue().get(floorName);
            double fa = median(fl, Obs::apply);
            double fv = median(fl, Obs::leave);
            for (var p : e.getValue().entrySet()) {
                double a = median(p.getValue(), Obs::apply);
                double l = median(p.getValue(), Obs::leave);
                b.line("| " + Bench.k(n) + (e.getKey() ? " SSM" : " ASM") + " | " + p.getKey() + " | " + Bench.f(a) + " ms | "
                        + Bench.ratio(a, fa) + " | " + Bench.f(l) + " ms | " + Bench.ratio(l, fv) + " | "
                        + counts(p.getValue()) + " |");
            }
        }
        b.line("");
        StringBuilder raw = new StringBuilder();
        for (var e : obs.entrySet()) {
            for (var p : e.getValue().entrySet()) {
                raw.append(raw.isEmpty() ? "" : "; ").append(e.getKey() ? "SSM " : "ASM ").append(p.getKey()).append(": apply ")
                        .append(String.join(" ", p.getValue().stream().map(o -> Bench.f(o.apply())).toList()))
                        .append(", leave ").append(String.join(" ", p.getValue().stream().map(o -> Bench.f(o.leave())).toList()));
            }
        }
        b.line("Per run (ms): " + raw + ".");
        b.line("");
    }

    private static double median(List<Obs> l, ToDoubleFunction<Obs> f) {
        return Bench.median(l.stream().map(o -> f.applyAsDouble(o)).toList());
    }

    /** "N / 0" when every run agrees, else the runs' values. */
    private String counts(List<Obs> l) {
        List<String> d = l.stream().map(o -> o.joined() + " / " + o.leftOver()).distinct().toList();
        String s = String.join(", ", d);
        return d.size() == 1 && l.getFirst().joined() == n && l.getFirst().leftOver() == 0 ? s : "**" + s + "**";
    }

    private Obs daemon(Topology t, Bench.Impl impl, boolean v) throws IOException {
        double empty;
        int base;
        try (Running d = new Running(b, impl, t.router(), "")) {
            empty = d.awaitReady();
            base = igmpGroups(d.procNet("igmp"));
        }
        try (Running d = new Running(b, impl, t.router(), config(v, n))) {
            double ready = d.awaitReady();
            int joined = igmpGroups(d.procNet("igmp")) - base;
            Files.writeString(d.conf(), "");
            FileTime before = d.pidMtime();
            long t0 = System.nanoTime();
            Kill.send(d.pid(), Kill.SIGHUP);
            long at = d.awaitReloaded(before, 1_000_000, 60_000);
            double leave = at < 0 ? Double.NaN : (at - t0) / 1e6;
            if (at < 0) {
                b.say(impl.name() + ": no reload acknowledgement (PID file mtime) within 60 s:\n" + d.log());
            }
            int left = igmpGroups(d.procNet("igmp")) - base;
            return new Obs(ready - empty, leave, joined, left, Double.NaN);
        }
    }

    private Obs floor(Topology ft, boolean v) {
        String[] args = v ? new String[] {"eth1", String.valueOf(n), SSM_SOURCE} : new String[] {"eth1", String.valueOf(n)};
        Matcher m = b.floorTool(ft, JoinFloor.class, "floor (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)", args);
        if (m == null) {
            return new Obs(Double.NaN, Double.NaN, -1, -1, Double.NaN);
        }
        int before = Integer.parseInt(m.group(4));
        return new Obs(Long.parseLong(m.group(2)) / 1e6, Long.parseLong(m.group(3)) / 1e6,
                Integer.parseInt(m.group(5)) - before, Integer.parseInt(m.group(6)) - before,
                Long.parseLong(m.group(7)) / 1e6);
    }
}
