package org.smcroute.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smcroute.it.Topology;

/**
 * "Sources re-sending until installed" (issue 18): N new sources of one (*,G) template send
 * round-robin ({@link Resend}) until the receiver has seen each of them. The same sender and
 * receiver run against the floor ({@link ResendFloor}), the original C daemon and ours, each
 * in a topology of its own, interleaved run by run; between runs the JVM sides forget what they
 * learned, so each of their runs starts from an empty MFC.
 */
final class ResendBench {

    static final String TEMPLATE = "mroute from eth0 group 225.1.0.0/16 to eth1\n";
    private static final String GROUP = "225.1.2.3";
    private static final Pattern SENT = Pattern.compile("sent (\\d+) (\\d+) (\\d+) (-?\\d+) (-?\\d+) (\\d+) (-?\\d+)");
    private static final Pattern UPCALLS = Pattern.compile("(?m)^smcroute_upcalls_total\\{family=\"ipv4\",type=\"nocache\"\\} (\\d+)");

    private final Bench b;
    private final int sources = Integer.parseInt(Bench.env("BENCH_RESEND_SOURCES", "5000"));
    private final int runs = Integer.parseInt(Bench.env("BENCH_RESEND_RUNS", "5"));
    private final int cRuns = Integer.parseInt(Bench.env("BENCH_RESEND_C_RUNS", "1"));
    private final List<Integer> rates = Bench.ints(Bench.env("BENCH_RESEND_RATES", "0 40000"));
    private final int timeout = Integer.parseInt(Bench.env("BENCH_RESEND_TIMEOUT", "30"));

    ResendBench(Bench b) {
        this.b = b;
    }

    /**
     * One run: install time (NaN unless every source got through), what was sent, what the side
     * did, and (floor only) its last add → the receiver's last new source.
     */
    record Run(double ms, int seen, int entries, long packets, long failed, long rounds, double pps, double round1Ms,
            long upcalls, double cpuUs, double tailMs) {
    }

    /** What a side reports when it forgets a run: NOCACHE upcalls handled, System.nanoTime() of its last add; -1 unknown. */
    record Forgot(long upcalls, long lastAdd) {
    }

    /** What answers the upcalls in the router namespace: the floor or a daemon. */
    private abstract static class Side implements AutoCloseable {
        final String name;
        final Topology t;
        /** How many counted runs this side takes part in. */
        final int maxRuns;
        /** Sender rate → the runs at that rate. */
        final Map<Integer, List<Run>> runs = new LinkedHashMap<>();

        Side(String name, Topology t, int maxRuns) {
            this.name = name;
            this.t = t;
            this.maxRuns = maxRuns;
        }

        abstract long pid();

        /** Forgets what was learned since the previous call. */
        abstract Forgot flush() throws Exception;

        @Override
        public abstract void close();
    }

    private static final class Floor extends Side {
        private final Process p;
        private final ProcLines out;

        Floor(Bench b, Topology t, int maxRuns) {
            super("floor (`ResendFloor`)", t, maxRuns);
            List<String> cmd = new ArrayList<>(t.router().argv(b.java));
            cmd.addAll(b.daemonFlags);
            cmd.addAll(List.of("-cp", b.cp, ResendFloor.class.getName(), "eth0", "eth1"));
            p = t.router().start(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
            out = new ProcLines(p);
            if (!"ready".equals(out.next(60_000))) {
                throw new IllegalStateException("ResendFloor did not start");
            }
        }

        @Override
        long pid() {
            return p.pid();
        }

        @Override
        Forgot flush() throws IOException {
            OutputStream in = p.getOutputStream();
            in.write("flush\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            String l = out.next(30_000);
            String[] w = l == null ? new String[0] : l.split(" ");
            return w.length < 5 ? new Forgot(-1, -1) : new Forgot(Long.parseLong(w[1]), Long.parseLong(w[4]));
        }

        @Override
        public void close() {
            p.destroy();
        }
    }

    private static final class Daemon extends Side {
        private final Running d;
        private final boolean java;
        private long upcalls;

        Daemon(Bench b, Bench.Impl impl, Topology t, int maxRuns) throws IOException {
            super(impl.name(), t, maxRuns);
            d = new Running(b, impl, t.router(), TEMPLATE);
            d.awaitReady();
            java = impl == b.jimpl;
        }

        @Override
        long pid() {
            return d.pid();
        }

        /** The C daemon's {@code flush} leaves the kernel entries in place: nothing to do there. */
        @Override
        Forgot flush() throws Exception {
            if (!java) {
                return new Forgot(-1, -1);
            }
            Process p = new ProcessBuilder(d.ctl("metrics")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Matcher m = UPCALLS.matcher(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            p.waitFor();
            long n = -1;
            if (m.find()) {
                long total = Long.parseLong(m.group(1));
                n = total - upcalls;
                upcalls = total;
            }
            StormBench.flush(d);
            return new Forgot(n, -1);
        }

        @Override
        public void close() {
            d.close();
        }
    }

    void run() throws Exception {
        if (sources <= 0 || runs <= 0 || rates.isEmpty()) {
            return;
        }
        if (runs * rates.size() > 55) { // the sources of run k are 10.(200 + k).0.1 and up, inside 10.192.0.0/10
            throw new IllegalArgumentException("resend: at most 55 runs in all (BENCH_RESEND_RUNS × BENCH_RESEND_RATES)");
        }
        List<Topology> topos = new ArrayList<>();
        List<Side> sides = new ArrayList<>();
        try {
            topos.add(forgedSources());
            sides.add(new Floor(b, topos.getLast(), runs));
            topos.add(forgedSources());
            sides.add(new Daemon(b, b.jimpl, topos.getLast(), runs));
            if (b.cimpl != null && cRuns > 0) {
                topos.add(forgedSources());
                sides.add(new Daemon(b, b.cimpl, topos.getLast(), cRuns));
            }
            int warm = Math.min(sources, 1000);
            for (Side s : sides.subList(0, 2)) { // the JVMs: floor and ours
                b.say("resend, " + s.name + ", warm-up with " + warm + " sources");
                once(s, 199, warm, 0);
            }
            int prefix = 200;
            for (int rate : rates) {
                for (int r = 0; r < runs; r++, prefix++) {
                    for (Side s : sides) {
                        if (r < s.maxRuns) {
                            b.say("resend, " + s.name + ", " + (rate > 0 ? rate + " packets/s" : "unpaced") + ", run "
                                    + (r + 1) + ": " + sources + " sources");
                            s.runs.computeIfAbsent(rate, k -> new ArrayList<>()).add(once(s, prefix, sources, rate));
                        }
                    }
                }
            }
        } finally {
            sides.forEach(Side::close);
            topos.forEach(Topology::close);
        }
        report(sides);
    }

    /**
     * A topology with one receiver whose router has a route back to the forged sources
     * (10.192.0.0/10, where the bench's sources live), as a real router would.
     */
    static Topology forgedSources() {
        Topology t = Topology.create(1);
        t.router().sh("ip route add 10.192.0.0/10 via " + t.sender().hostV4() + "\n");
        return t;
    }

    /** One run with sources 10.PREFIX.0.1 and up; the side forgets them afterwards. */
    private Run once(Side s, int prefix, int n, int rate) throws Exception {
        String base = "10." + prefix + ".0.1";
        List<String> rc = new ArrayList<>(s.t.receiver(1).host().argv(b.java, "-XX:+UseSerialGC", "-cp", b.cp,
                Resend.class.getName(), "recv", "--iface", "eth0", "--group", GROUP, "--port", "4000", "--base", base,
                "--count", String.valueOf(n)));
        Process r = new ProcessBuilder(rc).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcLines got = new ProcLines(r);
        if (!"ready".equals(got.next(60_000))) {
            r.destroy();
            throw new IllegalStateException("resend receiver did not start");
        }
        List<String> sc = new ArrayList<>(s.t.sender().host().argv(b.java, "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", b.cp, Resend.class.getName(), "send", "--iface", "eth0",
                "--group", GROUP, "--port", "4000", "--base", base, "--count", String.valueOf(n), "--rate",
                String.valueOf(rate), "--rounds", "0", "--seconds", String.valueOf(timeout)));
        long cpu0 = Running.cpuTicks(s.pid());
        Process snd = new ProcessBuilder(sc).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcLines sent = new ProcLines(snd);
        // the receiver answers when it has seen every source; the sender stops by itself at the timeout
        String g = null;
        while (g == null && snd.isAlive()) {
            g = got.next(100);
        }
        if (g == null) {
            g = got.next(2_000); // the last packets in flight
        }
        if (g == null) {
            r.getOutputStream().close();
            g = got.next(10_000);
        }
        snd.getOutputStream().close();
        String sl = sent.next(30_000);
        snd.waitFor(10, TimeUnit.SECONDS);
        r.waitFor(10, TimeUnit.SECONDS);
        double cpu = (Running.cpuTicks(s.pid()) - cpu0) * 1e6 / Running.TICKS_PER_SECOND / n;
        int entries = Running.cacheSources(s.pid(), Bench.ipv4(base), n);
        Forgot forgot = s.flush();
        Matcher m = sl == null ? null : SENT.matcher(sl);
        String[] w = g == null ? new String[0] : g.split(" ");
        if (m == null || !m.find() || w.length < 3) {
            b.say("resend: sender said " + sl + ", receiver said " + g);
            return new Run(Double.NaN, 0, entries, 0, 0, 0, Double.NaN, Double.NaN, forgot.upcalls(), cpu, Double.NaN);
        }
        long first = Long.parseLong(m.group(4));
        int seen = Integer.parseInt(w[1]);
        long last = Long.parseLong(w[2]);
        double ms = seen == n ? (last - first) / 1e6 : Double.NaN;
        double tail = seen == n && forgot.lastAdd() > 0 ? (last - forgot.lastAdd()) / 1e6 : Double.NaN;
        long packets = Long.parseLong(m.group(1));
        double pps = packets / ((Long.parseLong(m.group(5)) - first) / 1e9);
        long round1 = Long.parseLong(m.group(7));
        return new Run(ms, seen, entries, packets, Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), pps,
                round1 < 0 ? Double.NaN : (round1 - first) / 1e6, forgot.upcalls(), cpu, tail);
    }

    private void report(List<Side> sides) {
        b.line("## Sources re-sending until installed (issue 18)");
        b.line("");
        b.line("Template `" + TEMPLATE.strip() + "`; " + Bench.k(sources) + " new sources (forged with a raw socket, `Resend`) "
                + "send round-robin to " + GROUP + ", one packet from every source per round, rounds back to back (unpaced: "
                + "as fast as the sender can; or paced at a packet rate), until the receiver has seen every source (or "
                + timeout + " s). **Install time** = the first packet sent → the first packet of the last new source "
                + "received; **sources/s** = sources / install time; **sender's first round** = the first packet sent → "
                + "every source's first packet sent, a lower bound of the install time (a source cannot be routed before its "
                + "first packet is sent). **Floor** = `ResendFloor` in place of the daemon: a bare loop on the daemon's own "
                + "`LinuxKernel` (same routing socket, same 8 MiB receive buffer, same upcall batches, poll(2) between them, "
                + "same JVM flags) that answers every NOCACHE upcall with one `MRT_ADD_MFC` to eth1 and does nothing else. "
                + "Each side runs in a topology of its own; the runs are interleaved (floor, ours, C). The two JVMs first get "
                + "one uncounted warm-up run of 1,000 sources each; between runs they forget what they learned (ours: "
                + "`smcroutectl flush`; the floor reopens its routing socket), so each of their runs starts from an empty "
                + "MFC. The C daemon's `flush` leaves the kernel entries in place, so its later runs (BENCH_RESEND_C_RUNS "
                + "> 1, or a second rate) start with the earlier runs' entries. Target: ≥ 20,000 sources/s or ≤ 1.5× the "
                + "floor's time.");
        b.line("");
        b.line("What the kernel does (net/ipv4/ipmr.c): the first packet of an unknown (S,G) creates an unresolved entry and "
                + "sends one upcall; up to 4 packets per unresolved entry are queued, later ones are dropped; an unresolved "
                + "entry expires after about 10 s (then the next packet makes a new upcall); an upcall that does not fit in "
                + "the routing socket's receive buffer is lost (the default buffer holds about 256; the C daemon keeps the "
                + "default, ours and the floor raise it to 8 MiB), its unresolved entry is dropped with it, and its source "
                + "tries again with its next packet. Both the packet path (every packet of an unresolved source) and every "
                + "`MRT_ADD_MFC` walk the list of unresolved entries under one lock, so with thousands unresolved part of "
                + "the cost is the kernel's and grows with the number of sources; the sender's own packets pay it (in its "
                + "softirq), which is why the unpaced sender is slower in front of ours and the floor (thousands "
                + "unresolved) than in front of the C daemon (at most a few hundred).");
        b.line("");
        b.line("| sender | router side | runs | install time (median) | sources/s | ratio to floor | sender's first round "
                + "| sources seen | kernel entries | packets sent | rounds | sender packets/s | NOCACHE upcalls | CPU per source |");
        b.line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        StringBuilder per = new StringBuilder();
        List<Double> tails = new ArrayList<>();
        for (int rate : rates) {
            String sender = rate > 0 ? Bench.k(rate) + " packets/s" : "unpaced";
            double floor = Bench.median(sides.getFirst().runs.getOrDefault(rate, List.of()).stream().map(Run::ms).toList());
            for (Side s : sides) {
                List<Run> l = s.runs.getOrDefault(rate, List.of());
                if (l.isEmpty()) {
                    continue;
                }
                b.line(row(sender, s.name, l, floor));
                per.append(per.isEmpty() ? "" : "; ").append(sender).append(", ").append(s.name).append(":");
                for (Run r : l) {
                    per.append(' ').append(Double.isNaN(r.ms()) ? r.seen() + " seen" : Bench.f(r.ms()) + " ms");
                    if (!Double.isNaN(r.tailMs())) {
                        tails.add(r.tailMs());
                    }
                }
            }
        }
        b.line("");
        b.line("Per run (install time): " + per + ". The other columns are those of the median run; **CPU per source** = "
                + "the router side's user + system time during the run over the sources (it includes the kernel's work in "
                + "its `MRT_ADD_MFC` calls, the forwarding of the queued packets among it). The floor's last `MRT_ADD_MFC` "
                + "→ the receiver's last new source took " + Bench.f(Bench.median(tails)) + " ms (median of its runs): what "
                + "forwarding and the receiver add to every install time.");
        b.line("");
    }

    private String row(String sender, String side, List<Run> l, double floor) {
        Run mid = medianRun(l);
        double ms = Bench.median(l.stream().map(Run::ms).toList());
        return "| " + sender + " | " + side + " | " + l.size() + " | "
                + (Double.isNaN(ms) ? "not all in " + timeout + " s" : Bench.f(ms) + " ms") + " | "
                + Bench.k(Bench.perSec(sources, ms)) + " | " + Bench.ratio(ms, floor) + " | " + Bench.f(mid.round1Ms())
                + " ms | " + mid.seen() + " | " + mid.entries() + " | " + Bench.k(mid.packets())
                + (mid.failed() > 0 ? " (" + mid.failed() + " refused)" : "") + " | " + mid.rounds() + " | "
                + Bench.k(mid.pps()) + " | " + (mid.upcalls() < 0 ? "–" : mid.upcalls()) + " | "
                + String.format(Locale.ROOT, "%.0f µs", mid.cpuUs()) + " |";
    }

    /** The run with the median install time (a failed run sorts last). */
    private static Run medianRun(List<Run> l) {
        List<Run> sorted = new ArrayList<>(l);
        sorted.sort((x, y) -> Double.compare(Double.isNaN(x.ms()) ? Double.MAX_VALUE : x.ms(),
                Double.isNaN(y.ms()) ? Double.MAX_VALUE : y.ms()));
        return sorted.get((sorted.size() - 1) / 2);
    }
}
