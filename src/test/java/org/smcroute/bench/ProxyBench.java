package org.smcroute.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.smcroute.it.Exec;
import org.smcroute.it.Mcast;
import org.smcroute.it.Netns;
import org.smcroute.it.ProcFiles;
import org.smcroute.it.ReportFlood;
import org.smcroute.it.Topology;

/**
 * The IGMP/MLD proxy (issue 14): join → first packet and leave → last packet as a host sees them
 * on its link, and how many reports per second become upstream memberships, for smcrouted's
 * {@code mproxy} next to igmpproxy from the Debian package (unpacked by tools/bench.sh, run in
 * the router namespace only, never as a service), each in a fresh sender → router → host
 * topology.
 */
final class ProxyBench {

    private static final String GROUP = "239.1.1.1";
    private static final int PORT = 5000;

    private final Bench b;
    private final int runs = Integer.parseInt(Bench.env("BENCH_PROXY_RUNS", "3"));
    private final int groups = Integer.parseInt(Bench.env("BENCH_PROXY_GROUPS", "4000"));
    private final List<Integer> rates = Bench.ints(Bench.env("BENCH_PROXY_RATES", "10000 50000"));
    private final Path igmpproxy;

    ProxyBench(Bench b) {
        this.b = b;
        String dir = Bench.env("BENCH_IGMPPROXY_DIR", "");
        Path p = Path.of(dir.isEmpty() ? "/nonexistent" : dir, "usr/sbin/igmpproxy");
        this.igmpproxy = Files.isExecutable(p) ? p : null;
    }

    /** Results of one proxy; {@code rate}: reports/s and how many groups were joined, as text. */
    private record Result(List<Double> join, List<Double> leave, Map<Integer, String> rate) {
    }

    void run() throws Exception {
        Map<String, Result> results = new LinkedHashMap<>();
        results.put(b.jimpl.name() + " (`mproxy`)", measure(false));
        if (igmpproxy != null) {
            results.put("igmpproxy " + Bench.env("BENCH_IGMPPROXY_VERSION", ""), measure(true));
        }
        b.line("## IGMP/MLD proxy (issue 14)");
        b.line("");
        b.line("Sender → router → host namespaces; the router runs the proxy with upstream eth0 and downstream eth1. "
                + "A stream of 200 packets/s to " + GROUP + " flows upstream all the time. **Join → first packet**: the host "
                + "joins through its kernel (an ordinary socket; IGMPv3, or v2 once igmpproxy's IGMPv2 queries are heard) "
                + "until the first datagram of the group arrives on its link, seen by a packet socket (median of " + runs
                + "). **Leave → last packet**: the host leaves until the last datagram arrives on its link (the link then "
                + "stays quiet for 5 s; 90 s at most). **Reports/s**: " + Bench.k(groups) + " IGMPv2 reports for as many "
                + "groups, sent by hand at the given rate from the host to a freshly started proxy: the groups joined on "
                + "the upstream interface (/proc/net/igmp, polled every 20 ms until their number stops rising for 1 s) per "
                + "second from the first report to the last new group; at most the rate sent, and reports the proxy's "
                + "socket could not take are lost. "
                + (igmpproxy == null ? "igmpproxy: not available (apt-get download igmpproxy failed)."
                        : "igmpproxy runs with its default configuration for this topology (no quickleave)."));
        b.line("");
        StringBuilder head = new StringBuilder("| proxy | join → first packet | leave → last packet |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int r : rates) {
            head.append(" reports/s at ").append(Bench.k(r)).append("/s |");
            rule.append("---|");
        }
        b.line(head.toString());
        b.line(rule.toString());
        for (var e : results.entrySet()) {
            Result r = e.getValue();
            StringBuilder row = new StringBuilder("| " + e.getKey() + " | " + Bench.f(Bench.median(r.join)) + " ms | "
                    + Bench.f(Bench.median(r.leave) / 1000) + " s |");
            for (int rate : rates) {
                row.append(' ').append(r.rate.getOrDefault(rate, "–")).append(" |");
            }
            b.line(row.toString());
        }
        b.line("");
        StringBuilder raw = new StringBuilder();
        for (var e : results.entrySet()) {
            raw.append(raw.isEmpty() ? "" : "; ").append(e.getKey()).append(": join ")
                    .append(String.join(" ", e.getValue().join.stream().map(Bench::f).toList())).append(" ms, leave ")
                    .append(String.join(" ", e.getValue().leave.stream().map(v -> Bench.f(v / 1000)).toList())).append(" s");
        }
        b.line("Per run: " + raw + ".");
        b.line("");
    }

    private Result measure(boolean legacy) throws Exception {
        String name = legacy ? "igmpproxy" : "smcrouted mproxy";
        List<Double> join = new ArrayList<>();
        List<Double> leave = new ArrayList<>();
        Map<Integer, String> rate = new LinkedHashMap<>();
        try (Topology t = Topology.create(1)) {
            Netns r = t.router();
            r.sh("sysctl -qw net.ipv4.igmp_max_memberships=" + (groups + 100));
            Netns host = t.receiver(1).host();
            try (AutoCloseable proxy = start(legacy, r)) {
                Thread.sleep(2000); // start-up queries heard; igmpproxy's turn its hosts to IGMPv2
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    try {
                        Mcast.send(t.sender().host(), "eth0", GROUP, PORT, 200 * 3600, 200);
                    } catch (RuntimeException e) {
                        // ended by the namespace going away
                    }
                }, x -> Thread.ofPlatform().daemon().start(x));
                try (Probe p = new Probe(b, host)) {
                    for (int i = 0; i < runs; i++) {
                        b.say("proxy: " + name + ", join and leave, run " + (i + 1) + " of " + runs);
                        join.add(p.join());
                        Thread.sleep(1000);
                        leave.add(p.leave());
                        Thread.sleep(1000);
                    }
                }
                stream.cancel(true);
            }
            for (int rt : rates) {
                b.say("proxy: " + name + ", " + groups + " reports at " + rt + "/s");
                try (AutoCloseable proxy = start(legacy, r)) { // a fresh proxy: no groups from before
                    Thread.sleep(1000);
                    rate.put(rt, reports(host, r, rt));
                }
            }
        }
        return new Result(join, leave, rate);
    }

    /** The proxy under test in the router namespace; closing it stops it. */
    private AutoCloseable start(boolean legacy, Netns r) throws IOException {
        if (!legacy) {
            Running d = new Running(b, b.jimpl, r, "mproxy from eth0 to eth1\n");
            d.awaitReady();
            return d;
        }
        Path conf = Files.createTempFile(b.work, "igmpproxy", ".conf");
        Files.writeString(conf, """
                phyint eth0 upstream ratelimit 0 threshold 1
                        altnet 10.0.0.0/8
                phyint eth1 downstream ratelimit 0 threshold 1
                phyint lo disabled
                """);
        Process p = r.start(new ProcessBuilder(igmpproxy.toString(), "-n", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
        return p::destroy;
    }

    /**
     * {@code groups} IGMPv2 reports at {@code rate}: the groups joined upstream once their number
     * stops rising for a second, per second from the first report to the last rise, and how many.
     */
    private String reports(Netns host, Netns r, int rate) {
        long t0 = System.nanoTime();
        List<String> cmd = List.of(b.java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", b.cp, ReportFlood.class.getName(), "flood", "--iface", "eth0",
                "--source", "10.0.1.2", "--group", "239.50.0.0", "--span", String.valueOf(groups), "--count",
                String.valueOf(groups), "--rate", String.valueOf(rate), "--kind", "v2");
        CompletableFuture<Void> flood = CompletableFuture.runAsync(
                () -> Exec.run(Duration.ofMinutes(2), null, host.argv(cmd.toArray(String[]::new))).ok(),
                x -> Thread.ofPlatform().daemon().start(x));
        int seen = 0;
        long lastRise = t0;
        long deadline = t0 + 60_000_000_000L;
        while (System.nanoTime() < deadline && (seen < groups)
                && (!flood.isDone() || System.nanoTime() - lastRise < 1_000_000_000L)) {
            int n = upstreamGroups(r, "239.50.");
            if (n > seen) {
                seen = n;
                lastRise = System.nanoTime();
            }
            Bench.sleepNanos(20_000_000L);
        }
        flood.join();
        double perSecond = seen / ((lastRise - t0) / 1e9);
        return Bench.f(perSecond) + (seen < groups ? " (" + Bench.k(seen) + " of " + Bench.k(groups) + " joined)" : "");
    }

    private static int upstreamGroups(Netns r, String prefix) {
        String text = r.exec("cat", "/proc/net/igmp").ok().out();
        int n = 0;
        boolean eth0 = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith("\t")) {
                eth0 = line.contains("eth0");
            } else if (eth0) {
                n += ProcFiles.hexIpv4(line.strip().split("\\s+")[0]).startsWith(prefix) ? 1 : 0;
            }
        }
        return n;
    }

    /** {@link ProxyProbe} in the host namespace. */
    private static final class Probe implements AutoCloseable {
        private final Bench b;
        private final Process p;
        private final OutputStream in;
        private final BufferedReader out;

        Probe(Bench b, Netns host) throws IOException {
            this.b = b;
            p = host.start(new ProcessBuilder(b.java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", b.cp, ProxyProbe.class.getName(), "probe", "--iface", "eth0",
                    "--group", GROUP, "--port", String.valueOf(PORT)).redirectError(ProcessBuilder.Redirect.DISCARD));
            in = p.getOutputStream();
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
            expect("ready");
        }

        private String ask(String cmd) {
            try {
                in.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
                in.flush();
                String l = out.readLine();
                if (l == null) {
                    throw new IllegalStateException("probe gone");
                }
                return l;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void expect(String line) throws IOException {
            String l = out.readLine();
            if (!line.equals(l)) {
                throw new IllegalStateException("probe said " + l);
            }
        }

        /** Joins; ms until the first packet (NaN after 30 s). */
        double join() {
            ask("join");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                double ms = Double.parseDouble(ask("first").split(" ")[1]);
                if (ms >= 0) {
                    return ms;
                }
                Bench.sleepNanos(2_000_000L);
            }
            b.say("proxy: no packet within 30 s of a join");
            return Double.NaN;
        }

        /** Leaves; ms until the last packet, once the link has been quiet for 5 s (NaN after 90 s). */
        double leave() {
            ask("leave");
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (System.nanoTime() < deadline) {
                String[] f = ask("last").split(" ");
                double last = Double.parseDouble(f[1]);
                if (Long.parseLong(f[2]) >= 5000) {
                    return Math.max(last, 0);
                }
                Bench.sleepNanos(100_000_000L);
            }
            b.say("proxy: traffic still flowing 90 s after a leave");
            return Double.NaN;
        }

        @Override
        public void close() throws IOException {
            in.close();
            p.destroy();
        }
    }
}
