package org.smcroute.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.smcroute.it.Topology;

/**
 * Big {@code show} replies (issue 18): a read-only command must neither grow the daemon for
 * good nor kill it. (i) N (S,G) routes from the configuration, three {@code show routes} and
 * three {@code -j show routes}, VmRSS after each; (ii) a much bigger table with a raised heap
 * ceiling, shown once each way and counted to the last route, the daemon still answering.
 */
final class BigShowBench {

    private static final String JSON_ROUTE = "\"group\"";

    private final Bench b;
    private final int routes = Integer.parseInt(Bench.env("BENCH_BIGSHOW_ROUTES", "100000"));
    /** Daemons started in turn for (i): the heap grows or not depending on when a collection falls. */
    private final int runs = Integer.parseInt(Bench.env("BENCH_BIGSHOW_RUNS", "3"));
    private final int huge = Integer.parseInt(Bench.env("BENCH_BIGSHOW_HUGE", "500000"));
    private final String hugeOpts = Bench.env("BENCH_BIGSHOW_HUGE_OPTS", "-Xmx512m");

    BigShowBench(Bench b) {
        this.b = b;
    }

    /**
     * One client run: wall time, exit status, and what it wrote: bytes, lines, and routes (text:
     * lines starting with "(" but not the "(S,G) Rules" heading, one per (S,G) rule and one per
     * kernel entry; JSON: "group" keys).
     */
    record Output(double ms, int exit, long bytes, long lines, long routes) {
        String counts() {
            return Bench.k(lines) + " lines, " + Bench.k(bytes) + " bytes, " + Bench.k(routes) + " route lines";
        }
    }

    /** A step of (i): what ran, how long it took, what it gave, the daemon's VmRSS right after. */
    record Step(String what, double ms, String result, double rss) {
        static Step of(String what, Output o, double rss) {
            return new Step(what, o.ms(), o.counts() + (o.exit() != 0 ? " (exit " + o.exit() + ")" : ""), rss);
        }
    }

    void run() throws Exception {
        if (routes > 0 && runs > 0) {
            for (Bench.Impl impl : b.impls()) {
                if (impl == b.cimpl && routes > b.cMaxRoutes) {
                    continue;
                }
                List<List<Step>> all = new ArrayList<>();
                for (int r = 1; r <= runs; r++) {
                    b.say("big show, " + impl.name() + ", " + routes + " routes, daemon " + r + " of " + runs
                            + ": 3 show routes, 3 -j show routes");
                    all.add(threeAndThree(impl));
                }
                reportSteps(impl, all);
            }
            if (b.cimpl != null && routes > b.cMaxRoutes) {
                b.line("C smcrouted: skipped (" + Bench.k(routes) + " routes > BENCH_C_MAX_ROUTES=" + b.cMaxRoutes
                        + "; its install time grows with the square of the table).");
                b.line("");
            }
        }
        if (huge > 0) {
            b.say("big show, " + b.jimpl.name() + ", " + huge + " routes with SMCROUTED_JAVA_OPTS=" + hugeOpts);
            hugeTable();
        }
    }

    private List<Step> threeAndThree(Bench.Impl impl) throws Exception {
        List<Step> steps = new ArrayList<>();
        try (Topology t = Topology.create(1); Running d = new Running(b, impl, t.router(), Bench.sgConfig(routes))) {
            double ready = d.awaitReady();
            steps.add(new Step("launch → ready", ready, "kernel: " + Bench.k(d.cacheCount()) + " entries", d.rssMb()));
            for (String[] cmd : List.of(new String[] {"show", "routes"}, new String[] {"-j", "show", "routes"})) {
                for (int i = 1; i <= 3; i++) {
                    Output o = client(d.ctl(cmd));
                    steps.add(Step.of("`smcroutectl " + String.join(" ", cmd) + "` #" + i, o, d.rssMb()));
                }
            }
            Bench.sleepNanos(10_000_000_000L);
            steps.add(new Step("10 s later", Double.NaN, d.alive() ? "daemon up" : "daemon GONE", d.rssMb()));
        }
        return steps;
    }

    private void reportSteps(Bench.Impl impl, List<List<Step>> all) {
        b.line("## Big `show` replies: " + Bench.k(routes) + " routes, " + impl.name() + " (issue 18)");
        b.line("");
        b.line(Bench.k(routes) + " (S,G) lines `mroute from eth0 source 10.0.0.2 group G to eth1` in the configuration, "
                + "the launcher's default heap ceiling. The daemon writes its PID file (ready) once the configuration is in "
                + "the kernel, which one read of /proc/net/ip_mr_cache then confirms. Each client's wall time (whole process, "
                + "output read to the end and counted) and the daemon's VmRSS right after it; " + all.size() + " daemons in "
                + "turn, the same steps each (output of the first). Target: ≤ 100 MiB after 3 `show routes`.");
        b.line("");
        StringBuilder h = new StringBuilder("| step | output |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int r = 1; r <= all.size(); r++) {
            h.append(" daemon ").append(r).append(": time, VmRSS after |");
            rule.append("---|");
        }
        b.line(h.toString());
        b.line(rule.toString());
        List<Step> first = all.getFirst();
        for (int i = 0; i < first.size(); i++) {
            StringBuilder row = new StringBuilder("| " + first.get(i).what() + " | " + first.get(i).result() + " |");
            for (List<Step> steps : all) {
                Step s = steps.get(i);
                row.append(' ').append(Double.isNaN(s.ms()) ? "" : Bench.f(s.ms()) + " ms, ").append(Bench.f(s.rss()))
                        .append(" MiB |");
            }
            b.line(row.toString());
        }
        b.line("");
    }

    private void hugeTable() throws Exception {
        try (Topology t = Topology.create(1);
             Running d = new Running(b, b.jimpl, t.router(), Bench.sgConfig(huge), Map.of("SMCROUTED_JAVA_OPTS", hugeOpts))) {
            // the daemon writes its PID file once the configuration is in the kernel; reading
            // /proc/net/ip_mr_cache back is quadratic (each read() walks the list from its head:
            // about 2 minutes for 500,000 entries here)
            double ready = d.awaitReady();
            double rssLoad = d.rssMb();
            b.say("big show: loaded; show routes, -j show routes");
            Output text = client(d.ctl("show", "routes"));
            double rssText = d.rssMb();
            Output json = client(d.ctl("-j", "show", "routes"));
            double rssJson = d.rssMb();
            Output iface = client(d.ctl("show", "interfaces"));
            boolean up = d.alive() && iface.exit() == 0;
            b.line("## Big `show` replies: " + Bench.k(huge) + " routes, " + b.jimpl.name() + " with `SMCROUTED_JAVA_OPTS="
                    + hugeOpts + "` (issue 18)");
            b.line("");
            b.line("The same lines, " + Bench.k(huge) + " of them; the heap ceiling raised through the launcher. **In full** = "
                    + "the reply holds a rule line and a kernel line (text) or two `\"group\"` keys (JSON) per route. Target: "
                    + "both answered in full, the daemon still up.");
            b.line("");
            b.line("| what | time | output | in full | daemon VmRSS after |");
            b.line("|---|---|---|---|---|");
            b.line("| launch → ready (configuration in the kernel) | " + Bench.f(ready) + " ms | | | "
                    + Bench.f(rssLoad) + " MiB |");
            b.line(row("`smcroutectl show routes`", text, rssText));
            b.line(row("`smcroutectl -j show routes`", json, rssJson));
            b.line("| then `smcroutectl show interfaces` | " + Bench.f(iface.ms()) + " ms | | | daemon "
                    + (up ? "up" : "DOWN (exit " + (d.p.isAlive() ? "?" : d.p.exitValue()) + ")") + ", "
                    + Bench.f(d.rssMb()) + " MiB |");
            b.line("");
            b.say("big show: shown; stopping the daemon");
        }
    }

    private String row(String what, Output o, double rss) {
        Step s = Step.of(what, o, rss);
        return "| " + what + " | " + Bench.f(s.ms()) + " ms | " + s.result() + " | " + (o.routes() == 2L * huge ? "yes" : "NO")
                + " | " + Bench.f(rss) + " MiB |";
    }

    /** Runs a client to its end, counting its output as it streams (nothing is stored). */
    private Output client(List<String> cmd) {
        // stdin from /dev/null, as in Bench.timed: the C client asks the terminal for its size
        // (ESC[6n) and waits on stdin for the answer, about a second on a pipe that never answers
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", b.jdk);
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            long bytes = 0;
            long lines = 0;
            long routeLines = 0;
            int json = 0; // how much of JSON_ROUTE matched so far
            boolean lineStart = true;
            boolean paren = false;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = p.getInputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        byte c = buf[i];
                        if (paren && c != 'S') { // not the "(S,G) Rules" heading
                            routeLines++;
                        }
                        paren = lineStart && c == '(';
                        lineStart = c == '\n';
                        if (lineStart) {
                            lines++;
                        }
                        json = c == JSON_ROUTE.charAt(json) ? json + 1 : c == JSON_ROUTE.charAt(0) ? 1 : 0;
                        if (json == JSON_ROUTE.length()) {
                            routeLines++;
                            json = 0;
                        }
                    }
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            return new Output((System.nanoTime() - t0) / 1e6, p.isAlive() ? -1 : p.exitValue(), bytes, lines, routeLines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(Double.NaN, -1, 0, 0, 0);
        }
    }
}
