package org.smcroute.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smcroute.it.Topology;

/**
 * Daemon memory under a flood of new sources on a (*,G) template (issue 18): every source is
 * new, so each one is an upcall and a learned entry, and the question is what the daemon keeps
 * per entry and whether it gives memory back. VmRSS is sampled every 100 ms from the flood's
 * start until it ends, then 10 s and 30 s later, next to the same daemon's idle RSS before it.
 */
final class FloodBench {

    private static final String BASE = "10.200.0.1";
    private static final long SAMPLE_NANOS = 100_000_000L;

    private final Bench b;
    private final int sources = Integer.parseInt(Bench.env("BENCH_FLOOD_SOURCES", "100000"));
    private final int rate = Integer.parseInt(Bench.env("BENCH_FLOOD_RATE", "20000"));
    private final int idle = Integer.parseInt(Bench.env("BENCH_FLOOD_IDLE", "10"));

    FloodBench(Bench b) {
        this.b = b;
    }

    /** One daemon's figures (MiB, s). */
    record Res(double idleRss, double maxRss, double hwm, double rss10, double rss30, int entries, double floodS,
            long packets) {
    }

    void run() throws Exception {
        if (sources <= 0) {
            return;
        }
        Map<Bench.Impl, Res> res = new LinkedHashMap<>();
        for (Bench.Impl impl : b.impls()) {
            b.say("flood, " + impl.name() + ": " + idle + " s idle, " + sources + " new sources at " + rate + "/s, 30 s after");
            try (Topology t = ResendBench.forgedSources()) {
                try (Running d = new Running(b, impl, t.router(), ResendBench.TEMPLATE)) {
                    d.awaitReady();
                    Bench.sleepNanos(idle * 1_000_000_000L);
                    res.put(impl, flood(t, d));
                }
            }
        }
        report(res);
    }

    private Res flood(Topology t, Running d) throws Exception {
        double idleRss = d.rssMb();
        List<String> sc = new ArrayList<>(t.sender().host().argv(b.java, "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", b.cp, Resend.class.getName(), "send", "--iface", "eth0",
                "--group", "225.1.2.3", "--port", "4000", "--base", BASE, "--count", String.valueOf(sources), "--rate",
                String.valueOf(rate), "--rounds", "1", "--seconds", "600"));
        Process s = new ProcessBuilder(sc).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcLines out = new ProcLines(s);
        double max = 0;
        boolean ended = false;
        long end = 0;
        double hwm = Double.NaN;
        // until 10 s after the sender's end: the daemon may still be working through queued upcalls
        while (!ended || System.nanoTime() - end < 10_000_000_000L) {
            max = Math.max(max, d.rssMb());
            s.waitFor(SAMPLE_NANOS, TimeUnit.NANOSECONDS);
            if (!ended && !s.isAlive()) {
                ended = true;
                end = System.nanoTime();
                hwm = Bench.statusMb(d.pid(), "VmHWM:");
            }
        }
        double rss10 = d.rssMb();
        Matcher m = Pattern.compile("sent (\\d+) \\d+ \\d+ (-?\\d+) (-?\\d+)").matcher(String.valueOf(out.next(10_000)));
        boolean sent = m.find();
        Bench.sleepNanos(Math.max(0, end + 30_000_000_000L - System.nanoTime()));
        double rss30 = d.rssMb();
        int entries = Running.cacheSources(d.pid(), Bench.ipv4(BASE), sources);
        return new Res(idleRss, max, hwm, rss10, rss30, entries,
                sent ? (Long.parseLong(m.group(3)) - Long.parseLong(m.group(2))) / 1e9 : Double.NaN,
                sent ? Long.parseLong(m.group(1)) : 0);
    }

    private void report(Map<Bench.Impl, Res> res) {
        b.line("## Daemon memory during a flood of new sources (issue 18)");
        b.line("");
        b.line("Template `" + ResendBench.TEMPLATE.strip() + "`; after " + idle + " s idle, " + Bench.k(sources)
                + " new sources (forged, `Resend`, one packet each, to 225.1.2.3) at " + Bench.k(rate) + "/s. VmRSS sampled "
                + "every 100 ms from the sender's start until 10 s after its end (**max RSS**: the daemon may still be working "
                + "through queued upcalls when the sender ends); **VmHWM** = the process's peak RSS over its whole life, read "
                + "when the sender ends; **learned** = kernel MFC entries for the flood's sources 30 s after it. MiB = 2^20 "
                + "bytes. Target: ≤ 64 MiB during the flood; idle ≤ 48 MiB.");
        b.line("");
        b.line("| daemon | idle RSS | max RSS | VmHWM | RSS 10 s after | RSS 30 s after | learned entries | flood "
                + "(sent / time) |");
        b.line("|---|---|---|---|---|---|---|---|");
        for (var e : res.entrySet()) {
            Res r = e.getValue();
            b.line("| " + e.getKey().name() + " | " + Bench.f(r.idleRss()) + " MiB | " + Bench.f(r.maxRss()) + " MiB | "
                    + Bench.f(r.hwm()) + " MiB | " + Bench.f(r.rss10()) + " MiB | " + Bench.f(r.rss30()) + " MiB | "
                    + r.entries() + " | " + Bench.k(r.packets()) + " / " + Bench.f(r.floodS()) + " s |");
        }
        b.line("");
    }
}
