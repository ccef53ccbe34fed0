package org.smcroute.it;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Reload benchmark (issue "Truly seamless reload and interfaces that come, go and come back"),
 * run by {@code tools/bench-reload.sh}. For each daemon (this one, and optionally the original C
 * smcrouted as a baseline), in a fresh network namespace with four veth interfaces:
 * <ol>
 *   <li>start it on a file of N SSM routes (default 10,000) and wait for "Ready";</li>
 *   <li>change ONE line (the first route's OIF list, eth1 eth2 → eth1 eth3) and send SIGHUP;</li>
 *   <li>(a) time from SIGHUP until that entry shows the added OIF in /proc/PID/net/ip_mr_cache
 *       (polled every ~0.2 ms; the entry is the first in the kernel's list, so a poll reads
 *       only the first page), and until the "Ready" line;</li>
 *   <li>(b) kernel MFC operations of the reload: every MRT_ADD_MFC / MRT_DEL_MFC makes the
 *       kernel send one RTM_NEWROUTE / RTM_DELROUTE to RTNLGRP_IPV4_MROUTE, counted with
 *       {@code ip monitor mroute} from SIGHUP to "Ready" (no tracing of the daemon);</li>
 *   <li>(c) a probe thread sends {@code show interfaces} over the raw IPC socket back to back
 *       (one connection per request, as smcroutectl does) and records the longest round trip
 *       of the requests that overlapped the reload;</li>
 *   <li>(d) a second reload is started and SIGTERM sent a quarter of the first reload's
 *       SIGHUP → Ready time after the daemon logged "Reloading configuration"; reported:
 *       SIGTERM → "Exiting." log line and SIGTERM → process exit.</li>
 * </ol>
 * The markdown table goes to stdout and to the output file.
 *
 * <pre>
 * ReloadBench [--routes N] [--c /path/to/original/smcrouted] [--out target/bench/reload.md]
 * </pre>
 */
public final class ReloadBench {

    private static final String READY = "Ready, waiting for client request or kernel event.";
    private static final String RELOADING = "Reloading configuration";
    private static final int SIGHUP = 1;
    /** How long a daemon may take to exit after SIGTERM before it is killed. */
    private static final long TERM_LIMIT_S = 300;
    private static final int SIGTERM = 15;
    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("kill"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** Figures of one daemon; -1 = not measured. */
    static final class Result {
        final String name;
        long startupMs = -1;
        double appliedMs = -1;
        double readyMs = -1;
        long mfcOps = -1;
        String mfcDetail = "";
        double ipcMaxMs = -1;
        double ipcIdleMs = -1;
        int ipcDuring = -1;
        double termLogMs = -1;
        double termExitMs = -1;
        boolean termDuringReload;
        boolean exact;
        boolean reloadFinishedAfterTerm;
        String note = "";

        Result(String name) {
            this.name = name;
        }
    }

    private ReloadBench() {
    }

    public static void main(String[] args) throws Exception {
        int routes = 10_000;
        String cDaemon = null;
        Path out = Project.home().resolve("target/bench/reload.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--routes" -> routes = Integer.parseInt(args[++i]);
                case "--c" -> cDaemon = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (routes < 2 || routes > 60_000) {
            throw new IllegalArgumentException("--routes must be 2..60000");
        }
        Netns.sweepStale();
        List<Result> results = new ArrayList<>();
        results.add(run("smcroute (Java)", List.of("env", "JAVA_HOME=" + Project.javaHome(), Project.bin("smcrouted")), routes));
        String cVersion = null;
        if (cDaemon != null) {
            cVersion = version(cDaemon);
            results.add(run("C " + cVersion, List.of(cDaemon), routes));
        }
        String md = table(results, routes, cDaemon == null);
        System.out.print(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println("(written to " + out + ")");
        Netns.closeAll();
    }

    private static String version(String daemon) {
        Exec.Result r = Exec.run(daemon, "-v");
        String text = (r.out() + r.err()).strip();
        String first = text.isEmpty() ? "smcrouted" : text.lines().findFirst().orElse("smcrouted");
        return first.replace("SMCRoute", "").strip().isEmpty() ? "smcrouted" : first.strip();
    }

    // ---------------------------------------------------------------------------- one daemon

    private static Result run(String name, List<String> daemon, int routes) throws Exception {
        Result res = new Result(name);
        Netns ns = Netns.create("bench");
        Path dir = Files.createTempDirectory("smcr-bench-");
        Process p = null;
        Process monitor = null;
        try {
            ns.sh("""
                    for i in 0 1 2 3; do
                      ip link add eth$i type veth peer name p$i
                      ip link set eth$i up
                      ip link set p$i up
                    done
                    """);
            Path conf = dir.resolve("smcroute.conf");
            Path log = dir.resolve("daemon.log");
            Path sock = dir.resolve("smcroute.sock");
            String original = config(routes, false);
            String changed = config(routes, true);
            Files.writeString(conf, original);
            List<String> cmd = new ArrayList<>(daemon);
            cmd.addAll(List.of("-n", "-f", conf.toString(), "-u", sock.toString(),
                    "-P", dir.resolve("smcroute.pid").toString(), "-l", "notice"));
            long t = System.nanoTime();
            p = ns.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
            int pid = (int) p.pid();
            awaitLog(log, p, READY, 1, 180_000);
            res.startupMs = (System.nanoTime() - t) / 1_000_000;
            Path net = Path.of("/proc", Integer.toString(pid), "net");
            Map<String, Integer> vif = vifs(net);
            String key = entryKey();
            Map<Integer, Integer> before = entryOifs(net, key);
            Map<Integer, Integer> want = Map.of(vif.get("eth1"), 1, vif.get("eth3"), 1);
            if (!before.keySet().equals(java.util.Set.of(vif.get("eth1"), vif.get("eth2")))) {
                throw new IllegalStateException(name + ": first route not as configured: " + before + ", VIFs " + vif);
            }

            // (b) kernel MFC operations, seen as rtnetlink notifications
            Path mon = dir.resolve("monitor.log");
            monitor = ns.start(new ProcessBuilder("ip", "monitor", "mroute").redirectErrorStream(true).redirectOutput(mon.toFile()));
            Mcast.sleep(500);
            // (c) the IPC probe
            Probe probe = new Probe(sock);
            Thread probeThread = Thread.ofPlatform().name("ipc-probe").start(probe);
            Mcast.sleep(500);

            Files.writeString(conf, changed);
            long monBefore = lines(mon);
            long t0 = System.nanoTime();
            kill(pid, SIGHUP);
            long applied = 0;
            long ready = 0;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(180);
            int readyCount = 1;
            while (applied == 0 || ready == 0) {
                if (applied == 0 && entryOifs(net, key).containsKey(vif.get("eth3"))) {
                    applied = System.nanoTime();
                }
                if (ready == 0 && occurrences(log, READY) > readyCount) {
                    ready = System.nanoTime();
                }
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException(name + ": reload did not complete (applied " + (applied != 0)
                            + ", ready " + (ready != 0) + ")\n" + tail(log));
                }
                LockSupport.parkNanos(200_000);
            }
            readyCount++;
            res.appliedMs = (applied - t0) / 1e6;
            res.readyMs = (ready - t0) / 1e6;
            Mcast.sleep(500); // let the monitor and the probe catch up
            probe.stop.set(true);
            probeThread.join(120_000);
            Map<Integer, Integer> after = entryOifs(net, key);
            res.exact = want.equals(after);
            if (!res.exact) {
                res.note += "after the reload the changed entry has VIFs " + after.keySet() + ", the file says "
                        + want.keySet() + " (eth1 eth3). ";
            }
            res.mfcOps = lines(mon) - monBefore;
            res.mfcDetail = monitorSummary(mon, monBefore);
            res.ipcMaxMs = probe.maxOverlapping(t0, ready) / 1e6;
            res.ipcIdleMs = probe.medianBefore(t0, 300_000_000L) / 1e6;
            res.ipcDuring = probe.countOverlapping(t0, ready);
            if (probe.error != null) {
                res.note += "IPC probe error: " + probe.error + ". ";
            }

            // (d) SIGTERM during a second reload (back to the original file): sent a quarter of the
            // first reload's SIGHUP → Ready time after the daemon logged that it started reloading
            Files.writeString(conf, original);
            int reloading = occurrences(log, RELOADING);
            kill(pid, SIGHUP);
            awaitLog(log, p, RELOADING, reloading + 1, 60_000);
            LockSupport.parkNanos(Math.max(1_000_000L, (ready - t0) / 4));
            boolean readyBefore = occurrences(log, READY) > readyCount;
            long t2 = System.nanoTime();
            kill(pid, SIGTERM);
            long exitLog = 0;
            long exit = 0;
            deadline = t2 + TimeUnit.SECONDS.toNanos(TERM_LIMIT_S);
            while (exit == 0) {
                if (exitLog == 0 && Files.readString(log).contains("Exiting.")) {
                    exitLog = System.nanoTime();
                }
                if (!p.isAlive()) {
                    exit = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    res.note += "still running " + TERM_LIMIT_S + " s after SIGTERM, killed. ";
                    p.destroyForcibly();
                    exit = -1;
                    break;
                }
                LockSupport.parkNanos(200_000);
            }
            if (exitLog == 0 && Files.readString(log).contains("Exiting.")) {
                exitLog = exit;
            }
            res.termLogMs = exitLog == 0 ? -1 : (exitLog - t2) / 1e6;
            res.termExitMs = exit < 0 ? -1 : (exit - t2) / 1e6;
            res.termDuringReload = !readyBefore;
            res.reloadFinishedAfterTerm = !readyBefore && occurrences(log, READY) > readyCount;
            if (exit > 0 && p.exitValue() != 0) {
                res.note += "exit code " + p.exitValue() + " after SIGTERM. ";
            }
            return res;
        } finally {
            if (monitor != null) {
                monitor.destroy();
            }
            if (p != null && p.isAlive()) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            ns.close();
            try (var files = Files.list(dir)) {
                files.forEach(Exec::deleteQuietly);
            }
            Exec.deleteQuietly(dir);
        }
    }

    /**
     * N distinct SSM routes over eth0..eth3. Route 0 comes first, so its kernel entry is the
     * first of /proc/net/ip_mr_cache; {@code changed} alters only its OIF list.
     */
    static String config(int routes, boolean changed) {
        StringBuilder b = new StringBuilder(routes * 64);
        b.append("# ").append(routes).append(" SSM routes; reload benchmark\n");
        b.append("mroute from eth0 source 10.1.0.1 group 232.1.0.1 to eth1 ").append(changed ? "eth3" : "eth2").append('\n');
        String[] oifs = {"eth1 eth2", "eth2 eth3", "eth1 eth3", "eth1 eth2 eth3"};
        for (int i = 1; i < routes; i++) {
            int s = i % 200;
            int g = i / 200;
            b.append("mroute from eth0 source 10.1.").append(s / 250).append('.').append(s % 250 + 1)
                    .append(" group 232.1.").append(g / 250).append('.').append(g % 250 + 1)
                    .append(" to ").append(oifs[i % oifs.length]).append('\n');
        }
        return b.toString();
    }

    /** ip_mr_cache key of route 0, "Group Origin" as the kernel prints them (%08X of a __be32). */
    private static String entryKey() {
        return hex("232.1.0.1") + " " + hex("10.1.0.1");
    }

    private static String hex(String v4) {
        String[] o = v4.split("\\.");
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | Integer.parseInt(o[i]); // little-endian host: bytes reversed
        }
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
            v = Integer.reverseBytes(v);
        }
        return String.format("%08X", v);
    }

    /** OIFs of the entry, reading the first page of the file and the rest only if needed. */
    private static Map<Integer, Integer> entryOifs(Path net, String key) throws IOException {
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(net.resolve("ip_mr_cache"))) {
            n = in.readNBytes(head, 0, head.length);
        }
        String text = new String(head, 0, n, StandardCharsets.US_ASCII);
        int at = text.indexOf(key);
        if (at < 0 || text.indexOf('\n', at) < 0) {
            text = Files.readString(net.resolve("ip_mr_cache"));
            at = text.indexOf(key);
            if (at < 0) {
                return Map.of();
            }
        }
        String line = text.substring(at, text.indexOf('\n', at));
        Map<Integer, Integer> oifs = new LinkedHashMap<>();
        String[] f = line.strip().split("\\s+");
        for (int i = 6; i < f.length; i++) {
            int c = f[i].indexOf(':');
            oifs.put(Integer.parseInt(f[i].substring(0, c)), Integer.parseInt(f[i].substring(c + 1)));
        }
        return oifs;
    }

    private static Map<String, Integer> vifs(Path net) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        for (ProcFiles.Vif v : ProcFiles.parseVifs(Files.readString(net.resolve("ip_mr_vif")), false)) {
            m.put(v.name(), v.index());
        }
        return m;
    }

    private static void awaitLog(Path log, Process p, String text, int count, long ms) throws IOException {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (occurrences(log, text) < count) {
            if (!p.isAlive()) {
                throw new IllegalStateException("daemon exited with " + p.exitValue() + "\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no '" + text + "' within " + ms + " ms\n" + tail(log));
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static int occurrences(Path log, String text) throws IOException {
        return It.occurrences(Files.readString(log), text);
    }

    private static String tail(Path log) {
        String s = It.read(log);
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    private static long lines(Path p) throws IOException {
        try (var l = Files.lines(p)) {
            return l.count();
        }
    }

    /** "N new/changed, M deleted" of the monitor lines after {@code skip}. */
    private static String monitorSummary(Path p, long skip) throws IOException {
        long del;
        long all;
        try (var l = Files.lines(p)) {
            List<String> lines = l.skip(skip).toList();
            all = lines.size();
            del = lines.stream().filter(s -> s.startsWith("Deleted")).count();
        }
        return (all - del) + " add/update, " + del + " delete";
    }

    private static void kill(int pid, int sig) {
        try {
            int rc = (int) KILL.invokeExact(pid, sig);
            if (rc != 0) {
                throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed");
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------- IPC probe

    /** Back-to-back {@code show interfaces} requests; each sample is (start, round trip) in ns. */
    static final class Probe implements Runnable {
        private final Path socket;
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<long[]> samples = new ArrayList<>();
        volatile String error;

        Probe(Path socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            byte[] req = It.request('s', "interfaces");
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (!stop.get()) {
                long t = System.nanoTime();
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    ch.write(ByteBuffer.wrap(req));
                    int total = 0;
                    for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                        total += n;
                    }
                    if (total == 0) {
                        error = "empty reply";
                    }
                } catch (IOException e) {
                    error = e.toString();
                    Mcast.sleep(1);
                    continue;
                }
                synchronized (samples) {
                    samples.add(new long[] {t, System.nanoTime() - t});
                }
            }
        }

        /** Longest round trip of a request that was in flight at any time in [from, to]. */
        long maxOverlapping(long from, long to) {
            long max = 0;
            synchronized (samples) {
                for (long[] s : samples) {
                    if (s[0] <= to && s[0] + s[1] >= from) {
                        max = Math.max(max, s[1]);
                    }
                }
            }
            return max;
        }

        int countOverlapping(long from, long to) {
            int n = 0;
            synchronized (samples) {
                for (long[] s : samples) {
                    if (s[0] <= to && s[0] + s[1] >= from) {
                        n++;
                    }
                }
            }
            return n;
        }

        /** Median round trip of the requests that ended in the {@code window} ns before {@code t}. */
        long medianBefore(long t, long window) {
            List<Long> rtts = new ArrayList<>();
            synchronized (samples) {
                for (long[] s : samples) {
                    if (s[0] + s[1] < t && s[0] + s[1] >= t - window) {
                        rtts.add(s[1]);
                    }
                }
            }
            java.util.Collections.sort(rtts);
            return rtts.isEmpty() ? -1_000_000 : rtts.get(rtts.size() / 2);
        }
    }

    // ---------------------------------------------------------------------------- report

    private static String table(List<Result> rs, int routes, boolean noC) {
        StringBuilder b = new StringBuilder();
        b.append("## Reload benchmark: ").append(String.format(Locale.ROOT, "%,d", routes))
                .append(" SSM routes, one line changed\n\n");
        b.append("| Measure | ");
        rs.forEach(r -> b.append(r.name).append(" | "));
        b.append("Target |\n|---|");
        rs.forEach(r -> b.append("---:|"));
        b.append("---|\n");
        row(b, rs, "Startup to Ready (ms)", r -> fmt(r.startupMs), "");
        row(b, rs, "(a) SIGHUP → change visible in kernel (ms)", r -> fmt(r.appliedMs), "");
        row(b, rs, "SIGHUP → \"Ready\" (ms)", r -> fmt(r.readyMs), "");
        row(b, rs, "Changed entry exactly as the file says (removed OIF withdrawn)", r -> r.exact ? "yes" : "no", "yes");
        row(b, rs, "(b) Kernel MFC operations issued by the reload", r -> r.mfcOps + " (" + r.mfcDetail + ")", "1");
        row(b, rs, "(c) Longest IPC round trip during the reload (ms)", r -> fmt(r.ipcMaxMs), "≤ 100");
        row(b, rs, "IPC requests answered during the reload", r -> Integer.toString(r.ipcDuring), "");
        row(b, rs, "Median IPC round trip when idle (ms)", r -> fmt(r.ipcIdleMs), "");
        row(b, rs, "(d) SIGTERM mid-reload → \"Exiting.\" logged (ms)", r -> fmt(r.termLogMs), "≤ 100");
        row(b, rs, "SIGTERM mid-reload → process exit (ms)", r -> fmt(r.termExitMs), "");
        row(b, rs, "SIGTERM arrived while the reload was running", r -> r.termDuringReload ? "yes" : "no", "yes");
        row(b, rs, "Reload still completed (\"Ready\") before exiting", r -> r.reloadFinishedAfterTerm ? "yes" : "no", "");
        b.append('\n');
        for (Result r : rs) {
            if (!r.note.isEmpty()) {
                b.append("- ").append(r.name).append(": ").append(r.note.strip()).append('\n');
            }
        }
        if (noC) {
            b.append("- Original C smcrouted: not measured (pass --c PATH, or C_SMCROUTED=PATH / --fetch-c to tools/bench-reload.sh).\n");
        }
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            load = "?";
        }
        b.append("- ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, load ").append(load)
                .append(", kernel ").append(System.getProperty("os.version")).append(", Java ").append(Runtime.version())
                .append(".\n");
        b.append("- Method: one namespace per daemon with 4 veth interfaces; (a) polls /proc/PID/net/ip_mr_cache every 0.2 ms;"
                + " (b) counts the RTM_NEWROUTE/RTM_DELROUTE notifications the kernel sends for every MRT_ADD_MFC/MRT_DEL_MFC"
                + " (`ip monitor mroute`) between SIGHUP and \"Ready\"; (c) raw-socket `show interfaces` requests back to back,"
                + " one connection each; (d) SIGTERM sent a quarter of the first reload time after a second reload logged its start.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, List<Result> rs, String label, java.util.function.Function<Result, String> f, String target) {
        b.append("| ").append(label).append(" | ");
        rs.forEach(r -> b.append(f.apply(r)).append(" | "));
        b.append(target).append(" |\n");
    }

    private static String fmt(double ms) {
        return ms < 0 ? "n/a" : ms >= 100 ? String.format(Locale.ROOT, "%,.0f", ms)
                : String.format(Locale.ROOT, ms >= 10 ? "%.1f" : "%.2f", ms);
    }
}
