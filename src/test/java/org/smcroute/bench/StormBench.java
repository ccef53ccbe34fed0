package org.smcroute.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smcroute.it.Netns;
import org.smcroute.it.Topology;

/** The (*,G) source storm section of {@link Bench} (issue 3): senders and receivers are {@link Storm}. */
final class StormBench {

    private final Bench b;
    private final List<Integer> rates = Bench.ints(Bench.env("BENCH_STORM_RATES", "2000 5000 10000 20000"));
    private final int sources = Integer.parseInt(Bench.env("BENCH_STORM_SOURCES", "4000"));
    private final boolean cold = !"0".equals(Bench.env("BENCH_STORM_COLD", "1"));
    private final boolean flush = !"0".equals(Bench.env("BENCH_STORM_FLUSH", "1"));

    StormBench(Bench b) {
        this.b = b;
    }

    void run() throws Exception {
        if (rates.isEmpty() || sources <= 0) {
            return;
        }
        record StormRow(String impl, int rate, double achieved, int burst, int sent, int installed, int forwarded, long p50, long p90,
                double cpuUs) {
        }
        List<StormRow> rows = new ArrayList<>();
        for (Bench.Impl impl : b.impls()) {
            try (Topology t = ResendBench.forgedSources()) {
                try (Running d = new Running(b, impl, t.router(), "mroute from eth0 group 225.1.0.0/16 to eth1\n")) {
                    d.awaitReady();
                    int step = 0;
                    for (int rate : rates) {
                        b.say("(*,G) storm, " + impl.name() + ", " + sources + " sources at " + rate + "/s");
                        int prefix = 200 + step++;
                        rows.add(stormStep(t, d, impl, impl.name(), rate, prefix, StormRow::new));
                        if (flush) {
                            flush(d);
                        }
                    }
                }
                // The same storm at the highest rate on a daemon that has seen no upcall yet (a
                // restart under live traffic): its upcall path runs for the first time.
                if (cold && impl == b.jimpl) {
                    int rate = rates.stream().mapToInt(Integer::intValue).max().orElseThrow();
                    b.say("(*,G) storm, " + impl.name() + ", fresh daemon, " + sources + " sources at " + rate + "/s");
                    try (Running d = new Running(b, impl, t.router(), "mroute from eth0 group 225.1.0.0/16 to eth1\n")) {
                        d.awaitReady();
                        rows.add(stormStep(t, d, impl, impl.name() + ", first storm after start", rate, 250, StormRow::new));
                    }
                }
            }
        }
        b.line("## (*,G) source storm (issue 3)");
        b.line("");
        b.line("Template `mroute from eth0 group 225.1.0.0/16 to eth1`; the sender offers " + Bench.k(sources)
                + " new sources (forged with a raw socket, one packet each, to 225.1.2.3) at each rate in turn, to one "
                + "daemon, with `smcroutectl flush` between the steps (" + (flush ? "on" : "off, BENCH_STORM_FLUSH=0")
                + ": without it the learned entries add up and the 20k/s step starts where the kernel's MFC hash table "
                + "grows past 12,288 entries and rehashes them, a stall of several ms here). **Installed** = kernel MFC entries for those sources; **forwarded** = distinct sources the receiver "
                + "got; latency = a source's packet sent → received (the kernel holds it while the daemon answers "
                + "the upcall, up to 10 s). A source is lost when its upcall is: the kernel drops upcalls that do not fit "
                + "in the routing socket's receive buffer (Linux ≥ 5.3 no longer caps unresolved entries at 10).");
        b.line("");
        b.line("The sender paces itself by sleeping and sends whatever is due when it wakes (**largest burst** = most "
                + "packets sent back to back), so it does not spin on one of the machine's two cores; sender and receiver "
                + "JIT-warm their loops on loopback first and then wait 0.5 s for their compiler threads. **Daemon CPU per source** = the daemon's user + system time during "
                + "the step over the sources sent; it includes the kernel's forwarding of the held packet, which runs in "
                + "the daemon's MRT_ADD_MFC call. The **first storm after start** row is a fresh daemon hit at the highest "
                + "rate before it has handled any upcall (a restart under live traffic): its upcall path runs for the "
                + "first time, queued for compilation at its first call thanks to the AOT cache's profiles "
                + "(AOTCompileEagerly, jlink runtime only) rather than after thousands of calls, while the JIT is still "
                + "busy with the rest of the start-up.");
        b.line("");
        b.line("| daemon | offered rate | achieved | largest burst | installed | share | forwarded | share | latency p50 | p90 | daemon CPU per source |");
        b.line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (StormRow r : rows) {
            b.line("| " + r.impl() + " | " + Bench.k(r.rate()) + "/s | " + Bench.k(r.achieved()) + "/s | " + r.burst() + " | " + r.installed() + " | "
                    + pctOf(r.installed(), r.sent()) + " | " + r.forwarded() + " | " + pctOf(r.forwarded(), r.sent()) + " | "
                    + ms(r.p50()) + " | " + ms(r.p90()) + " | " + String.format(Locale.ROOT, "%.0f µs", r.cpuUs()) + " |");
        }
        b.line("");
    }

    /**
     * Empties the learned entries between steps (`smcroutectl flush`), so every rate starts from
     * the same state: a warm daemon and an empty kernel cache. Without it the steps add up to
     * 12,000 entries, and the 20k/s step starts right where the kernel's MFC hash table grows
     * past 12,288 entries and rehashes them, a stall of several milliseconds on this machine.
     */
    static void flush(Running d) throws Exception {
        Process p = new ProcessBuilder(d.ctl("flush")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(10, TimeUnit.SECONDS);
        long until = System.nanoTime() + 10_000_000_000L;
        while (d.cacheCount() > 10 && System.nanoTime() < until) {
            Bench.sleepNanos(10_000_000L);
        }
        Bench.sleepNanos(500_000_000L); // the kernel shrinks the emptied table in a worker
    }

    private static String pctOf(int a, int b) {
        return b <= 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * a / b);
    }

    private static String ms(long us) {
        return us < 0 ? "–" : String.format(Locale.ROOT, "%.2f ms", us / 1000.0);
    }

    interface RowMaker<R> {
        R make(String impl, int rate, double achieved, int burst, int sent, int installed, int forwarded, long p50, long p90,
                double cpuUs);
    }

    private <R> R stormStep(Topology t, Running d, Bench.Impl impl, String label, int rate, int prefix, RowMaker<R> rows)
            throws Exception {
        String base = "10." + prefix + ".0.1";
        Netns rcv = t.receiver(1).host();
        List<String> rc = new ArrayList<>(rcv.argv(b.java, "-XX:+UseSerialGC", "-cp", b.cp, Storm.class.getName(), "recv",
                "--iface", "eth0", "--group", "225.1.2.3", "--port", "4000"));
        String traceDir = System.getenv("BENCH_STORM_TRACE");
        if (traceDir != null) {
            rc.addAll(List.of("--trace", traceDir + "/storm-" + impl.name().replaceAll("\\W+", "_") + "-" + prefix + "-" + rate + ".txt"));
        }
        Process r = new ProcessBuilder(rc).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader rout = new BufferedReader(new InputStreamReader(r.getInputStream(), StandardCharsets.US_ASCII));
        String l = rout.readLine();
        if (!"ready".equals(l)) {
            throw new IllegalStateException("storm receiver: " + l);
        }
        List<String> sc = new ArrayList<>(t.sender().host().argv(b.java, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", b.cp, Storm.class.getName(), "send", "--iface", "eth0", "--group", "225.1.2.3", "--port", "4000",
                "--base", base, "--count", String.valueOf(sources), "--rate", String.valueOf(rate)));
        long cpu0 = Running.cpuTicks(d.pid());
        Process s = new ProcessBuilder(sc).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String sent = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        s.waitFor();
        Matcher m = Pattern.compile("sent (\\d+) (\\d+) (\\d+)").matcher(sent);
        if (!m.find()) {
            throw new IllegalStateException("storm sender: " + sent);
        }
        int n = Integer.parseInt(m.group(1));
        double achieved = n / (Long.parseLong(m.group(2)) / 1e9);
        Bench.sleepNanos(1_500_000_000L); // late upcalls and the kernel's unresolved-queue timeout
        double cpuUs = (Running.cpuTicks(d.pid()) - cpu0) * 1e6 / Running.TICKS_PER_SECOND / Math.max(1, n);
        int burst = Integer.parseInt(m.group(3));
        r.getOutputStream().close();
        String got = rout.readLine();
        r.waitFor(10, TimeUnit.SECONDS);
        String[] g = got == null ? new String[0] : got.split(" ");
        int installed = Running.cacheSources(d.pid(), Bench.ipv4(base), sources);
        if (g.length < 7) {
            b.say("storm receiver said: " + got);
            return rows.make(label, rate, achieved, burst, n, installed, 0, -1, -1, cpuUs);
        }
        return rows.make(label, rate, achieved, burst, n, installed, Integer.parseInt(g[1]),
                Long.parseLong(g[3]), Long.parseLong(g[4]), cpuUs);
    }
}
