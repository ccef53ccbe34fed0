package org.smcroute.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
 * Reload of a big configuration with one changed line (issue "Truly seamless reload"): (a) SIGHUP →
 * the changed entry in the kernel, (b) the kernel MFC operations the reload issues (counted with
 * strace), (c) the longest IPC round trip while it runs ({@link IpcProbe}) and (d) SIGTERM sent
 * 5 ms into a reload → exit, next to SIGTERM → exit of an idle daemon.
 *
 * <p>The configuration is N (S,G) lines {@link Bench#sgLine} with the first one also to eth2
 * (so eth2 has a VIF throughout); reload k changes line N/2 + k from {@code to eth1} to
 * {@code to eth1 eth2}: one kernel entry gains an OIF. (Additions, not toggling: the original
 * daemon never removes an OIF on reload.)
 */
final class ReloadBench {

    private final Bench b;
    private final int n = Integer.parseInt(Bench.env("BENCH_RELOAD_ROUTES", "10000"));
    private final int reloads = Integer.parseInt(Bench.env("BENCH_RELOAD_RUNS", "3"));
    /** The C daemon re-adds every route on reload (seconds for 10k, much more on a loaded machine). */
    private final int cReloads = Integer.parseInt(Bench.env("BENCH_RELOAD_C_RUNS", "1"));
    private final boolean strace = !Bench.env("BENCH_RELOAD_STRACE", "1").equals("0");

    ReloadBench(Bench b) {
        this.b = b;
    }

    /** Results of one daemon implementation. */
    static final class Res {
        final List<Double> apply = new ArrayList<>();
        final List<Double> ready = new ArrayList<>();
        final List<Double> stall = new ArrayList<>();
        final List<Integer> probes = new ArrayList<>();
        double idleRtt = Double.NaN;
        double readMs = Double.NaN;
        int[] opsChanged;
        int[] opsSame;
        double termDuring = Double.NaN;
        double termIdle = Double.NaN;
        String note = "";
        String termHow = "";
    }

    /** The line reload {@code k} (from 0) changes. */
    private int changed(int k) {
        return n / 2 + k;
    }

    /** The configuration after {@code changes} one-line reloads: that many lines from N/2 on also go to eth2. */
    private String config(int changes) {
        StringBuilder sb = new StringBuilder(n * 60);
        for (int i = 0; i < n; i++) {
            sb.append(Bench.sgLine(i));
            if (i == 0 || i >= changed(0) && i < changed(changes)) {
                sb.append(" eth2");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Replaces the daemon's configuration file atomically (the daemon never sees half a file). */
    private static void write(Running d, String conf) throws IOException {
        Path tmp = d.dir.resolve("smcroute.conf.new");
        Files.writeString(tmp, conf);
        Files.move(tmp, d.conf(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void run() throws Exception {
        if (n <= 0 || reloads <= 0) {
            return;
        }
        Map<Bench.Impl, Res> res = new LinkedHashMap<>();
        boolean haveStrace = strace && Files.isExecutable(Path.of("/usr/bin/strace"));
        if (strace && !haveStrace) {
            b.say("strace not found (apt-get install strace): MFC operations not counted");
        }
        for (Bench.Impl impl : b.impls()) {
            if (impl == b.cimpl && n > b.cMaxRoutes) {
                continue;
            }
            Res r = new Res();
            res.put(impl, r);
            try (Topology t = Topology.create(2)) {
                int k = impl == b.cimpl ? Math.max(1, cReloads) : reloads;
                b.say("reload, " + impl.name() + ", " + n + " routes, " + k + " one-line reloads with the IPC probe");
                reloadsAndTerm(t, impl, r, k);
                if (haveStrace) {
                    b.say("reload, " + impl.name() + ", MFC operations under strace");
                    countOps(t, impl, r, impl != b.cimpl || cReloads > 1);
                }
                b.say("reload, " + impl.name() + ", SIGTERM → exit when idle");
                r.termIdle = termIdle(t, impl);
            }
        }
        report(res, haveStrace);
    }

    // ---------------------------------------------------------------- (a), (c), (d)

    private void reloadsAndTerm(Topology t, Bench.Impl impl, Res r, int reloads) throws Exception {
        try (Running d = new Running(b, impl, t.router(), config(0))) {
            d.awaitReady();
            if (Double.isNaN(d.awaitCache(n, 300_000))) {
                r.note = "kernel never held the N entries";
                return;
            }
            int vif2 = vifOf(d, "eth2");
            if (vif2 < 0) {
                r.note = "eth2 has no VIF";
                return;
            }
            String oif = " " + vif2 + ":";
            List<Double> reads = new ArrayList<>();
            try (IpcProbe probe = new IpcProbe(d.sock())) {
                Bench.sleepNanos(300_000_000L);
                long idleTo = System.nanoTime();
                r.idleRtt = Bench.median(probe.during(0, idleTo).stream().map(IpcProbe.Sample::ms).toList());
                for (int k = 0; k < reloads; k++) {
                    String prefix = String.format(Locale.ROOT, "%08X ", Integer.reverseBytes(Bench.group(changed(k))));
                    write(d, config(k + 1));
                    FileTime before = d.pidMtime();
                    long t0 = System.nanoTime();
                    Kill.send(d.pid(), Kill.SIGHUP);
                    long seen = -1;
                    long ready = -1;
                    long deadline = t0 + 120_000_000_000L;
                    while ((seen < 0 || ready < 0) && System.nanoTime() < deadline && d.p.isAlive()) {
                        if (seen < 0) {
                            long s = System.nanoTime();
                            String line = findLine(d.pid(), prefix);
                            long e = System.nanoTime();
                            reads.add((e - s) / 1e6);
                            if (line != null && line.contains(oif)) {
                                seen = e; // the end of the read that saw it: an upper bound
                            }
                        }
                        if (ready < 0 && !d.pidMtime().equals(before)) {
                            ready = System.nanoTime();
                        }
                        Bench.sleepNanos(1_000_000);
                    }
                    r.apply.add(seen < 0 ? Double.NaN : (seen - t0) / 1e6);
                    r.ready.add(ready < 0 ? Double.NaN : (ready - t0) / 1e6);
                    Bench.sleepNanos(50_000_000L); // let a stalled round trip finish
                    List<IpcProbe.Sample> w = probe.during(t0, ready < 0 ? System.nanoTime() : ready);
                    r.stall.add(IpcProbe.maxMs(w));
                    r.probes.add(w.size());
                    Bench.sleepNanos(250_000_000L);
                }
            }
            r.readMs = Bench.median(reads);
            // (d): SIGTERM 5 ms into a reload
            write(d, config(reloads + 1));
            Kill.send(d.pid(), Kill.SIGHUP);
            long h = System.nanoTime();
            while (System.nanoTime() - h < 5_000_000L) {
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            Kill.send(d.pid(), Kill.SIGTERM);
            if (d.p.waitFor(60, TimeUnit.SECONDS)) {
                r.termDuring = (System.nanoTime() - t0) / 1e6;
                // what the SIGTERM interrupted, from the log (the NOTICE lines that start and end a reload)
                String log = d.log();
                int reloading = count(log, "Reloading configuration");
                int ready = count(log, "Ready, waiting");
                r.termHow = reloading <= reloads ? "SIGHUP not handled before exit"
                        : ready >= reloads + 2 ? "reload finished first" : "reload cut short";
            } else {
                b.say(impl.name() + ": still running 60 s after SIGTERM during a reload");
            }
        }
    }

    /** SIGTERM → exit of a daemon holding the same N routes, idle: the baseline for (d). */
    private double termIdle(Topology t, Bench.Impl impl) throws Exception {
        try (Running d = new Running(b, impl, t.router(), config(0))) {
            d.awaitReady();
            d.awaitCache(n, 300_000);
            Bench.sleepNanos(200_000_000L);
            long t0 = System.nanoTime();
            Kill.send(d.pid(), Kill.SIGTERM);
            return d.p.waitFor(60, TimeUnit.SECONDS) ? (System.nanoTime() - t0) / 1e6 : Double.NaN;
        }
    }

    /** The VIF number of an interface, from the daemon's /proc/net/ip_mr_vif; -1 when none. */
    private static int vifOf(Running d, String ifname) {
        for (String l : d.procNet("ip_mr_vif").split("\n")) {
            String[] w = l.trim().split("\\s+");
            if (w.length > 1 && w[1].equals(ifname)) {
                return Integer.parseInt(w[0]);
            }
        }
        return -1;
    }

    private static final ThreadLocal<ByteBuffer> BUF = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    /**
     * The ip_mr_cache line that starts with {@code prefix} (group in the kernel's hex), reading
     * only as far as needed; null when absent.
     */
    private static String findLine(long pid, String prefix) {
        ByteBuffer buf = BUF.get();
        StringBuilder sb = new StringBuilder();
        String key = "\n" + prefix;
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/net/ip_mr_cache"))) {
            int from = 0;
            while (true) {
                buf.clear();
                int got = ch.read(buf);
                if (got < 0) {
                    return null;
                }
                buf.flip();
                byte[] a = new byte[got];
                buf.get(a);
                sb.append(new String(a, StandardCharsets.US_ASCII));
                int i = sb.indexOf(key, from);
                if (i >= 0) {
                    int e = sb.indexOf("\n", i + 1);
                    if (e > 0) {
                        return sb.substring(i + 1, e);
                    }
                    from = i;
                } else {
                    from = Math.max(0, sb.length() - key.length());
                }
            }
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- (b)

    /** strace prints the MRT_* option names as hex ({@code 0xcc /* IP_??? *\/}); named or decimal also accepted. */
    private static final Pattern STRACE = Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d{6}) setsockopt\\(\\d+, SOL_IP, (\\w+)");
    private static final int MRT_BASE = 200;
    private static final int MRT_ADD_MFC = 204;
    private static final int MRT_DEL_MFC = 205;
    private static final int MRT_MAX = 211;

    private static int optname(String s) {
        if (s.startsWith("0x")) {
            return Integer.parseInt(s.substring(2), 16);
        }
        if (s.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(s);
        }
        return switch (s) {
            case "MRT_ADD_MFC" -> MRT_ADD_MFC;
            case "MRT_DEL_MFC" -> MRT_DEL_MFC;
            default -> s.startsWith("MRT_") ? MRT_BASE : -1;
        };
    }

    /**
     * Counts the reload's MFC operations with strace (seccomp-bpf filtered to setsockopt, so
     * the daemon only stops at those calls): one reload with the line changed, one with the same
     * file; [MRT_ADD_MFC, MRT_DEL_MFC, other MRT_*] between the SIGHUP and the PID file's new mtime.
     */
    private void countOps(Topology t, Bench.Impl impl, Res r, boolean sameFile) throws Exception {
        Path trace = b.work.resolve("strace-" + System.nanoTime() + ".txt");
        List<String> wrapper = List.of("strace", "-f", "--seccomp-bpf", "-qq", "-ttt", "-e", "trace=setsockopt",
                "-e", "signal=none", "-o", trace.toString());
        Instant[] w = new Instant[4];
        try (Running d = new Running(b, impl, t.router(), config(0), wrapper, "notice")) {
            d.awaitReady();
            d.awaitCache(n, 300_000);
            for (int k = 0; k < (sameFile ? 2 : 1); k++) {
                Bench.sleepNanos(200_000_000L);
                if (k == 0) {
                    write(d, config(1));
                }
                FileTime before = d.pidMtime();
                w[2 * k] = Instant.now();
                Kill.send(d.pid(), Kill.SIGHUP);
                long at = d.awaitReloaded(before, 1_000_000, 120_000);
                w[2 * k + 1] = Instant.now();
                if (at < 0) {
                    b.say(impl.name() + ": no reload acknowledgement under strace");
                    return;
                }
            }
            Bench.sleepNanos(100_000_000L);
        }
        // closing the daemon ends strace, which then has written everything
        r.opsChanged = new int[3];
        r.opsSame = sameFile ? new int[3] : null;
        for (String l : Files.readAllLines(trace)) {
            Matcher m = STRACE.matcher(l);
            if (!m.find()) {
                continue;
            }
            Instant at = Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000);
            int op = optname(m.group(3));
            int kind = op == MRT_ADD_MFC ? 0 : op == MRT_DEL_MFC ? 1 : op >= MRT_BASE && op <= MRT_MAX ? 2 : -1;
            if (kind < 0) {
                continue;
            }
            if (!at.isBefore(w[0]) && !at.isAfter(w[1])) {
                r.opsChanged[kind]++;
            } else if (sameFile && !at.isBefore(w[2]) && !at.isAfter(w[3])) {
                r.opsSame[kind]++;
            }
        }
        Files.deleteIfExists(trace);
    }

    // ---------------------------------------------------------------- report

    private void report(Map<Bench.Impl, Res> res, boolean haveStrace) {
        b.line("## Reload with one changed line (issue \"Truly seamless reload\")");
        b.line("");
        b.line("N = " + Bench.k(n) + " lines `mroute from eth0 source 10.0.0.2 group G to eth1` (the first also to eth2); "
                + "each reload changes one more line (N/2, N/2 + 1, ...) from `to eth1` to `to eth1 eth2`; the file is "
                + "replaced atomically, then SIGHUP. "
                + "Median of " + reloads + " reloads of one daemon (C: " + Math.max(1, cReloads)
                + ", BENCH_RELOAD_C_RUNS; its reload re-adds every route). "
                + "**(a) apply** = SIGHUP → the end of the first read of the router namespace's /proc/net/ip_mr_cache "
                + "(about every 1 ms, read only up to the entry) that shows the new OIF set; **ready** = SIGHUP → "
                + "PID file mtime changed. **(b) MFC ops** = `setsockopt` MRT_ADD_MFC / MRT_DEL_MFC calls between "
                + "SIGHUP and the new mtime, counted with `strace -f --seccomp-bpf -e trace=setsockopt` on a separate "
                + "daemon (the one-line change, then a reload of the same file); target: only the changed entry. "
                + "**(c) IPC stall** = longest round trip of `show interfaces` requests sent back to back (one "
                + "connection each, raw UNIX socket, from a thread of the bench JVM) overlapping SIGHUP → ready, worst "
                + "of the reloads, next to the median round trip when idle; target ≤ 100 ms. **(d) SIGTERM** = "
                + "SIGTERM sent 5 ms after a SIGHUP → process exit, next to SIGTERM → exit of an idle daemon with the "
                + "same routes; target ≤ 100 ms. In brackets, from the daemon's log: whether the reload had started and "
                + "whether it finished before the exit. Round trips per reload: the fewest in one reload's window.");
        b.line("");
        b.line("| daemon | (a) apply | ready | (b) MFC ops add / del (other MRT_*) | same file | (c) IPC stall "
                + "| round trips per reload | IPC idle | (d) SIGTERM during reload | SIGTERM idle |");
        b.line("|---|---|---|---|---|---|---|---|---|---|");
        for (var e : res.entrySet()) {
            Res r = e.getValue();
            double stall = r.stall.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            int probes = r.probes.stream().mapToInt(Integer::intValue).min().orElse(0);
            b.line("| " + e.getKey().name() + " | " + Bench.f(Bench.median(r.apply)) + " ms | "
                    + Bench.f(Bench.median(r.ready)) + " ms | " + ops(r.opsChanged, haveStrace) + " | "
                    + (r.opsSame == null && r.opsChanged != null ? "not run" : ops(r.opsSame, haveStrace)) + " | " + Bench.f(stall) + " ms | " + probes + " | "
                    + f2(r.idleRtt) + " ms | " + Bench.f(r.termDuring) + " ms" + (r.termHow.isEmpty() ? "" : " (" + r.termHow + ")")
                    + " | " + Bench.f(r.termIdle) + " ms |"
                    + (r.note.isEmpty() ? "" : " " + r.note + " |"));
        }
        b.line("");
        StringBuilder raw = new StringBuilder();
        for (var e : res.entrySet()) {
            Res r = e.getValue();
            raw.append(raw.isEmpty() ? "" : "; ").append(e.getKey().name()).append(": apply ").append(list(r.apply))
                    .append(", ready ").append(list(r.ready)).append(", stall ").append(list(r.stall))
                    .append(", /proc read ").append(Bench.f(r.readMs)).append(" ms");
        }
        b.line("Per reload (ms): " + raw + ". Raw MFC counts cover the SIGHUP → mtime window as seen by the bench "
                + "(a little wider than the reload).");
        b.line("");
    }

    private static int count(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ops(int[] o, boolean haveStrace) {
        if (o == null) {
            return haveStrace ? "failed" : "– (no strace)";
        }
        return o[0] + " / " + o[1] + " (" + o[2] + ")";
    }

    private static String list(List<Double> l) {
        return String.join(" ", l.stream().map(Bench::f).toList());
    }
}
