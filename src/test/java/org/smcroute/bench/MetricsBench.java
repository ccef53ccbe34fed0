package org.smcroute.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;
import org.smcroute.it.Exec;
import org.smcroute.it.Topology;

/**
 * A metrics scrape of N routes (issue 15; {@code BENCH_SCRAPE_ROUTES}, default 100,000): its
 * time through {@code smcroutectl metrics}, the raw IPC socket and the HTTP endpoint, the
 * daemon's RSS before and after, and the round trips of another IPC client ({@link IpcProbe})
 * while it runs. Baselines from the same daemon: the probe with the daemon idle, the probe
 * during {@code smcroutectl -d show} (which reads every route's counters in one go), and the
 * kernel's own {@code /proc/net/ip_mr_cache}. The original has no metrics, so no C column.
 */
final class MetricsBench {

    private static final int PORT = 9810;

    private final Bench b;
    private final int n = Integer.parseInt(Bench.env("BENCH_SCRAPE_ROUTES", "100000"));
    private final int runs = Integer.parseInt(Bench.env("BENCH_SCRAPE_RUNS", "3"));

    MetricsBench(Bench b) {
        this.b = b;
    }

    /** Times of one kind of request and the probe's round trips while they ran. */
    private static final class Row {
        final List<Double> ms = new ArrayList<>();
        final List<Double> probeMax = new ArrayList<>();
        final List<Double> probeP99 = new ArrayList<>();
        int probes;
        long bytes;
    }

    private String config() {
        StringBuilder sb = new StringBuilder(n * 64).append("phyint eth0 enable\nphyint eth1 enable\n");
        for (int i = 0; i < n; i++) {
            sb.append(Bench.sgLine(i)).append('\n');
        }
        return sb.toString();
    }

    void run() throws Exception {
        b.say("metrics: " + n + " routes, " + runs + " scrapes each way, with the IPC probe");
        Map<String, Row> rows = new LinkedHashMap<>();
        double rssBefore;
        double rssAfter;
        double rssShow;
        double rssSettled;
        double procMs = Double.NaN;
        try (Topology t = Topology.create(1);
             Running d = new Running(b, b.jimpl, t.router(), config(), List.of(), "notice",
                     List.of("--metrics-listen", "127.0.0.1:" + PORT))) {
            d.awaitReady();
            if (Double.isNaN(d.awaitCache(n, 300_000))) {
                b.line("## Metrics scrape\n\nThe kernel never held the " + n + " entries; no figures.\n");
                return;
            }
            Bench.sleepNanos(3_000_000_000L);
            rssBefore = d.rssMb();
            Path out = b.work.resolve("scrape.prom");
            try (IpcProbe probe = new IpcProbe(d.sock())) {
                Bench.sleepNanos(1_000_000_000L);
                Row idle = row(rows, "(none: the probe alone, daemon idle, 1 s)");
                long t0 = System.nanoTime();
                Bench.sleepNanos(1_000_000_000L);
                sample(idle, probe, t0, System.nanoTime());
                for (int r = 0; r < runs; r++) {
                    long s = System.nanoTime();
                    double ms = b.timed(d.ctl("metrics"), null, null, out.toFile(), Map.of());
                    sample(row(rows, "`smcroutectl metrics > FILE` (client wall time)"), probe, s, System.nanoTime()).ms.add(ms);
                    rows.get("`smcroutectl metrics > FILE` (client wall time)").bytes = Files.size(out);
                    s = System.nanoTime();
                    long bytes = rawScrape(d.sock());
                    long e = System.nanoTime();
                    Row raw = sample(row(rows, "IPC `M`, in-process client: request → last byte"), probe, s, e);
                    raw.ms.add((e - s) / 1e6);
                    raw.bytes = bytes;
                    s = System.nanoTime();
                    Exec.Result http = Exec.run(Duration.ofMinutes(5), null, t.router().argv("bash", "-c",
                            "exec 3<>/dev/tcp/127.0.0.1/" + PORT + " && printf 'GET /metrics HTTP/1.1\\r\\n\\r\\n' >&3 && cat <&3 | wc -c"));
                    e = System.nanoTime();
                    Row h = sample(row(rows, "HTTP `GET /metrics` (bash client in the namespace)"), probe, s, e);
                    h.ms.add(http.exit() == 0 ? (e - s) / 1e6 : Double.NaN);
                    h.bytes = http.exit() == 0 ? Long.parseLong(http.out().strip()) : -1;
                }
                rssAfter = d.rssMb();
                // last: a -d show of 100k routes makes a reply of 15 MB at once and grows the heap
                for (int r = 0; r < runs; r++) {
                    long s = System.nanoTime();
                    double ms = b.timed(d.ctl("-d", "show"), null, null, out.toFile(), Map.of());
                    Row show = sample(row(rows, "baseline: `smcroutectl -d show` (every counter read at once)"), probe, s,
                            System.nanoTime());
                    show.ms.add(ms);
                    show.bytes = Files.size(out);
                }
            }
            rssShow = d.rssMb();
            List<Double> proc = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long s = System.nanoTime();
                int len = d.procNet("ip_mr_cache").length();
                proc.add(len > 0 ? (System.nanoTime() - s) / 1e6 : Double.NaN);
            }
            procMs = Bench.median(proc);
            Bench.sleepNanos(10_000_000_000L);
            rssSettled = d.rssMb();
        }
        report(rows, rssBefore, rssAfter, rssShow, rssSettled, procMs);
    }

    private static Row row(Map<String, Row> rows, String name) {
        return rows.computeIfAbsent(name, k -> new Row());
    }

    /** Adds the probe's round trips in [from, to] to {@code r}. */
    private static Row sample(Row r, IpcProbe probe, long from, long to) {
        Bench.sleepNanos(50_000_000L); // a round trip that straddles the end completes
        List<IpcProbe.Sample> w = probe.during(from, to);
        List<Double> ms = new ArrayList<>();
        for (IpcProbe.Sample s : w) {
            ms.add(s.ms());
        }
        r.probeMax.add(IpcProbe.maxMs(w));
        r.probeP99.add(Bench.pct(ms, 99));
        r.probes += w.size();
        return r;
    }

    /** A scrape over a raw IPC connection, read to the end; its size in bytes. */
    private static long rawScrape(String socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap(Wire.encode(new Request('M', List.of()))));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long total = 0;
            int got;
            while ((got = ch.read(buf.clear())) >= 0) {
                total += got;
            }
            return total;
        }
    }

    private void report(Map<String, Row> rows, double before, double after, double show, double settled, double procMs) {
        b.line("## Metrics scrape (issue 15)");
        b.line("");
        b.line("N = " + Bench.k(n) + " (S,G) routes (`mroute from eth0 source 10.0.0.2 group G to eth1`) in one daemon "
                + "started with `--metrics-listen`; median of " + runs + " runs of each request, in turn. While each runs, "
                + "another client (IpcProbe, in the bench JVM) sends `show interfaces` on a new connection after each reply; "
                + "its round trips are what any other IPC client would see. The scrape reads the routes' counters in 5 ms "
                + "slices and writes the text as the client reads it; `-d show` reads every counter before it replies.");
        b.line("");
        b.line("| request | time | reply bytes | other client: slowest round trip | p99 | round trips |");
        b.line("|---|---|---|---|---|---|");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            b.line("| " + e.getKey() + " | " + (r.ms.isEmpty() ? "–" : Bench.f(Bench.median(r.ms)) + " ms") + " | "
                    + (r.bytes > 0 ? Bench.k(r.bytes) : "–") + " | " + Bench.f(Bench.median(r.probeMax)) + " ms | "
                    + Bench.f(Bench.median(r.probeP99)) + " ms | " + r.probes + " |");
        }
        b.line("");
        b.line("Daemon VmRSS: " + Bench.f(before) + " MiB before the first scrape, " + Bench.f(after) + " MiB after the "
                + (3 * runs) + " scrapes, " + Bench.f(show) + " MiB after the `-d show` baseline, " + Bench.f(settled)
                + " MiB 10 s later. Floor: reading the kernel's /proc/net/ip_mr_cache (1 MiB reads) takes "
                + Bench.f(procMs) + " ms.");
        b.line("");
    }
}
