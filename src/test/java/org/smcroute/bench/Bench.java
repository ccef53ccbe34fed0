package org.smcroute.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smcroute.it.Netns;
import org.smcroute.it.Topology;

/**
 * The benchmark driver behind {@code tools/bench.sh} ({@code make bench}; root). Every figure is
 * measured next to a baseline in the same run, interleaved where it matters, because the
 * machine is shared and noisy: compare ratios and medians, not absolute numbers across runs.
 * All traffic and every MRT_INIT happen inside namespaces made with {@link Topology}.
 *
 * <p>Sizes come from the environment (see {@code tools/bench.sh}); the markdown table goes to
 * stdout and to {@code BENCH_OUT}.
 */
public final class Bench {

    /** One daemon implementation: launcher paths. */
    record Impl(String name, String daemon, String ctl) {
    }

    private final Path home = Path.of(System.getProperty("smcroute.home", ".")).toAbsolutePath().normalize();
    final String jdk = System.getProperty("java.home");
    final String java = jdk + "/bin/java";
    /** The jlink runtime the launchers prefer (tools/runtime.sh), or null: a second floor. */
    final String rtJava = Files.isExecutable(home.resolve("target/runtime/bin/java"))
            ? home.resolve("target/runtime/bin/java").toString() : null;
    final String cp = home.resolve("target/test-classes") + ":" + home.resolve("target/classes");
    final Impl jimpl = new Impl("smcroute-java", home.resolve("bin/smcrouted").toString(),
            home.resolve("bin/smcroutectl").toString());
    final Impl cimpl;
    final List<String> daemonFlags;
    private final StringBuilder md = new StringBuilder();
    final Path work;

    private final List<Integer> routeSizes = ints(env("BENCH_ROUTES", "1000 10000 100000"));
    private final int batch = Integer.parseInt(env("BENCH_BATCH", "10000"));
    private final int starts = Integer.parseInt(env("BENCH_STARTS", "5"));
    /** Seconds of idle before the second RSS sample of the Java daemon (0: none). */
    private final long idleLong = Long.parseLong(env("BENCH_IDLE_LONG", "12"));
    /** The C daemon installs routes in quadratic time (10k: about 3 s, so 100k: about 5 min). */
    final int cMaxRoutes = Integer.parseInt(env("BENCH_C_MAX_ROUTES", "20000"));
    private final boolean build = !env("BENCH_BUILD", "1").equals("0");
    private final boolean check = env("BENCH_CHECK", "0").equals("1");

    private Bench() throws IOException {
        String cdir = env("BENCH_C_DIR", "");
        Path cd = Path.of(cdir.isEmpty() ? "/nonexistent" : cdir);
        cimpl = Files.isExecutable(cd.resolve("usr/sbin/smcrouted"))
                ? new Impl("C smcrouted " + env("BENCH_C_VERSION", ""), cd.resolve("usr/sbin/smcrouted").toString(),
                        cd.resolve("usr/sbin/smcroutectl").toString())
                : null;
        daemonFlags = launcherFlags(home.resolve("bin/smcrouted"));
        work = Files.createTempDirectory("smcr-bench-");
    }

    public static void main(String[] args) throws Exception {
        Bench b = new Bench();
        try {
            b.run(Path.of(env("BENCH_OUT", "target/bench/results.md")));
        } finally {
            Netns.closeAll();
            b.deleteWork();
        }
    }

    // ---------------------------------------------------------------- helpers

    static String env(String k, String dflt) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    static List<Integer> ints(String s) {
        List<Integer> l = new ArrayList<>();
        for (String w : s.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                l.add(Integer.parseInt(w));
            }
        }
        return l;
    }

    /** The options bin/smcrouted adds for the jlink runtime only (tools/runtime.sh), if any. */
    private String runtimeOptions() {
        Path f = home.resolve("target/runtime/lib/smcrouted.options");
        try {
            return Files.isReadable(f) ? ", and with the jlink runtime `" + Files.readString(f).strip() + "`" : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The JVM flags bin/smcrouted passes, so the floors run on exactly the daemon's JVM setup. */
    private static List<String> launcherFlags(Path launcher) throws IOException {
        List<String> flags = new ArrayList<>();
        // whole words only (the heap default is assigned to a variable; a shell pattern that
        // merely looks for -Xmx in the operator's options is not a flag)
        Pattern flag = Pattern.compile("(?<=[\\s=])(--enable-native-access=[^\\s\"$]+|-XX:[^\\s\"$]+|-Xm[sx][^\\s\"$]+|-Xss[^\\s\"$]+)(?=\\s|$)");
        for (String line : Files.readAllLines(launcher)) {
            if (!line.strip().startsWith("#")) {
                Matcher m = flag.matcher(line);
                while (m.find()) {
                    flags.add(m.group(1));
                }
            }
        }
        return flags;
    }

    /** 225.1.0.0 + i: the groups of the generated (S,G) routes (MfcFloor uses the same). */
    static int group(int i) {
        return 0xE1010000 + i;
    }

    /** An IPv4 address literal as an int, most significant byte first. */
    static int ipv4(String text) {
        return ByteBuffer.wrap(InetAddress.ofLiteral(text).getAddress()).getInt();
    }

    static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    static String sgLine(int i) {
        return "mroute from eth0 source 10.0.0.2 group " + dotted(group(i)) + " to eth1";
    }

    /** A configuration of {@code n} {@link #sgLine}s. */
    static String sgConfig(int n) {
        StringBuilder sb = new StringBuilder(n * 60);
        for (int i = 0; i < n; i++) {
            sb.append(sgLine(i)).append('\n');
        }
        return sb.toString();
    }

    static double median(List<Double> v) {
        return pct(v, 50);
    }

    /** Nearest-rank percentile. */
    static double pct(List<Double> v, int p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * a.length) - 1;
        return a[Math.max(0, Math.min(a.length - 1, i))];
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    private final long started = System.nanoTime();

    void say(String s) {
        System.err.printf(Locale.ROOT, "bench: [%4.0f s] %s%n", (System.nanoTime() - started) / 1e9, s);
    }

    void line(String s) {
        md.append(s).append('\n');
    }

    /** Runs a command to completion; returns wall time in ms, or NaN (with a note) on failure. */
    double timed(List<String> cmd, Path dir, File stdin, File stdout, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout))
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.from(stdin));
        pb.environment().put("JAVA_HOME", jdk); // the launchers then use this run's JDK
        pb.environment().putAll(env);
        try {
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return Double.NaN;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (p.exitValue() != 0) {
                say("exit " + p.exitValue() + ": " + String.join(" ", cmd));
                return Double.NaN;
            }
            return ms;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    double timed(List<String> cmd) {
        return timed(cmd, null, null, null, Map.of());
    }

    private void deleteWork() {
        try (var s = Files.walk(work)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leave it
        }
    }

    static void sleepNanos(long n) {
        try {
            Thread.sleep(n / 1_000_000, (int) (n % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Impl> impls() {
        return cimpl == null ? List.of(jimpl) : List.of(jimpl, cimpl);
    }

    // ---------------------------------------------------------------- the run

    void run(Path out) throws Exception {
        long t0 = System.nanoTime();
        line("# smcroute-java benchmark results");
        line("");
        line("- date: " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + ", host: "
                + Runtime.getRuntime().availableProcessors() + " CPUs, kernel " + System.getProperty("os.version")
                + ", JDK " + System.getProperty("java.vm.version"));
        line("- commit: " + git("rev-parse", "--short", "HEAD") + "; daemon JVM flags (from bin/smcrouted): `"
                + String.join(" ", daemonFlags) + "`" + runtimeOptions());
        line("- C baseline: " + (cimpl == null ? "not available (apt-get download smcroute failed); C columns skipped"
                : cimpl.name() + " (Debian package, `" + cimpl.daemon() + "`)"));
        line("- sizes: BENCH_ROUTES=\"" + env("BENCH_ROUTES", "1000 10000 100000") + "\" BENCH_BATCH=" + batch
                + " BENCH_STARTS=" + starts + " BENCH_SHOW_RUNS=" + env("BENCH_SHOW_RUNS", "20") + " BENCH_SHOW_ROUTES=" + env("BENCH_SHOW_ROUTES", "10000") + " BENCH_STORM_RATES=\""
                + env("BENCH_STORM_RATES", "2000 5000 10000 20000") + "\" BENCH_STORM_SOURCES=" + env("BENCH_STORM_SOURCES", "4000")
                + " BENCH_JOINS=" + env("BENCH_JOINS", "2000") + " BENCH_JOIN_SSM=" + env("BENCH_JOIN_SSM", "1")
                + " BENCH_RELOAD_ROUTES=" + env("BENCH_RELOAD_ROUTES", "10000") + " BENCH_RELOAD_RUNS="
                + env("BENCH_RELOAD_RUNS", "3") + " BENCH_SCRAPE_ROUTES=" + env("BENCH_SCRAPE_ROUTES", "100000")
                + " BENCH_SCRAPE_RUNS=" + env("BENCH_SCRAPE_RUNS", "3") + " BENCH_PROXY_RUNS=" + env("BENCH_PROXY_RUNS", "3")
                + " BENCH_PROXY_GROUPS=" + env("BENCH_PROXY_GROUPS", "4000") + " BENCH_PROXY_RATES=\""
                + env("BENCH_PROXY_RATES", "10000 50000") + "\" BENCH_RESEND_SOURCES="
                + env("BENCH_RESEND_SOURCES", "5000") + " BENCH_RESEND_RUNS=" + env("BENCH_RESEND_RUNS", "5")
                + " BENCH_RESEND_RATES=\"" + env("BENCH_RESEND_RATES", "0 40000") + "\" BENCH_FLOOD_SOURCES="
                + env("BENCH_FLOOD_SOURCES", "100000") + " BENCH_FLOOD_RATE=" + env("BENCH_FLOOD_RATE", "20000")
                + " BENCH_BIGSHOW_ROUTES=" + env("BENCH_BIGSHOW_ROUTES", "100000") + " BENCH_BIGSHOW_RUNS="
                + env("BENCH_BIGSHOW_RUNS", "3") + " BENCH_BIGSHOW_HUGE="
                + env("BENCH_BIGSHOW_HUGE", "500000"));
        line("- the machine is shared (other builds and tests run on it): compare ratios within this run.");
        line("");
        if (build && on("build")) {
            buildTime();
        }
        if (check) {
            checkTime();
        }
        Map<Impl, Double> emptyReady = on("startup") ? startup() : Map.of();
        if (on("show")) {
            new ShowBench(this).run();
        }
        if (on("routes")) {
            routeInstall(emptyReady);
        }
        if (on("batch")) {
            batchAdd();
        }
        if (on("join")) {
            new JoinBench(this).run();
        }
        if (on("reload")) {
            new ReloadBench(this).run();
        }
        if (on("storm")) {
            new StormBench(this).run();
        }
        if (on("metrics")) {
            new MetricsBench(this).run();
        }
        if (on("proxy")) {
            new ProxyBench(this).run();
        }
        if (on("resend")) {
            new ResendBench(this).run();
        }
        if (on("flood")) {
            new FloodBench(this).run();
        }
        if (on("bigshow")) {
            new BigShowBench(this).run();
        }
        line("");
        line(String.format(Locale.ROOT, "_Total bench time: %.0f s._", (System.nanoTime() - t0) / 1e9));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }

    /** BENCH_ONLY="join reload ...": run only these sections (see tools/bench.sh for the names). */
    private boolean on(String section) {
        List<String> only = List.of(env("BENCH_ONLY", "").split("[\\s,]+"));
        return only.equals(List.of("")) || only.contains(section);
    }

    private String git(String... args) {
        try {
            List<String> c = new ArrayList<>(List.of("git", "-C", home.toString()));
            c.addAll(List.of(args));
            Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return s;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private void buildTime() throws IOException {
        say("build time (clean copy of the sources, offline)");
        Path src = Files.createTempDirectory(work, "build");
        // The tracked files plus uncommitted edits, without target/: a clean build.
        for (String f : git("ls-files").split("\n")) {
            Path from = home.resolve(f);
            if (Files.isRegularFile(from)) {
                Path to = src.resolve(f);
                Files.createDirectories(to.getParent());
                Files.copy(from, to);
            }
        }
        Map<String, String> env = Map.of("JAVA_HOME", jdk, "MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow");
        List<Double> pkg = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            floor.add(timed(List.of("mvn", "-o", "-q", "-B", "validate"), src, null, null, env));
            timed(List.of("rm", "-rf", src.resolve("target").toString()));
            pkg.add(timed(List.of("mvn", "-o", "-q", "-B", "package", "-DskipTests"), src, null, null, env));
        }
        line("## Build");
        line("");
        line("| what | median of 2 | baseline: `mvn -o -q validate` (Maven start-up) | ratio |");
        line("|---|---|---|---|");
        line("| `mvn -o -q package -DskipTests`, clean (compile main + test, jar) | " + f(median(pkg) / 1000) + " s | "
                + f(median(floor) / 1000) + " s | " + ratio(median(pkg), median(floor)) + " |");
        line("");
    }

    private void checkTime() {
        say("make check (BENCH_CHECK=1)");
        double ms = timed(List.of("make", "check"), home, null, null, Map.of());
        line("## Tests");
        line("");
        line("| what | wall time |");
        line("|---|---|");
        line("| `make check` (unit + integration) | " + (Double.isNaN(ms) ? "FAILED" : f(ms / 1000) + " s") + " |");
        line("");
    }

    /** Start-to-ready and idle RSS, interleaved with the JVM floor and the C daemon. */
    private Map<Impl, Double> startup() throws Exception {
        say("start-up and idle RSS (" + starts + " interleaved runs, 3 s idle each)");
        Map<String, List<Double>> ready = new LinkedHashMap<>();
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        List<Double> rssLong = new ArrayList<>();
        String floorName = "JVM floor (`Idle` main, daemon flags)";
        String rtFloorName = "JVM floor (`Idle` main, daemon flags, jlink runtime)";
        try (Topology t = Topology.create(2)) {
            for (int run = 0; run < starts; run++) {
                // floor: a JVM with the daemon's flags that writes a PID file and sleeps
                idleFloor(t, java, floorName, ready, rss);
                if (rtJava != null) {
                    idleFloor(t, rtJava, rtFloorName, ready, rss);
                }
                for (Impl impl : impls()) {
                    try (Running d = new Running(this, impl, t.router(), "")) {
                        ready.computeIfAbsent(impl.name(), k -> new ArrayList<>()).add(d.awaitReady());
                        sleepNanos(3_000_000_000L);
                        rss.computeIfAbsent(impl.name(), k -> new ArrayList<>()).add(d.rssMb());
                        if (impl == jimpl && idleLong > 3) {
                            // the JIT's start-up malloc memory is trimmed some seconds later
                            sleepNanos((idleLong - 3) * 1_000_000_000L);
                            rssLong.add(d.rssMb());
                        }
                    }
                }
            }
        }
        line("## Daemon start-up and footprint");
        line("");
        line("Launch (`ip netns exec`) → PID file written (ready, SPEC §4.4), empty configuration; VmRSS after 3 s idle (MiB = 2^20 bytes). "
                + "Median of " + starts + " interleaved runs.");
        line("");
        line("| process | start → ready | ratio to JVM floor | idle RSS | ratio to JVM floor |");
        line("|---|---|---|---|---|");
        double fr = median(ready.get(floorName));
        double fm = median(rss.get(floorName));
        for (String k : ready.keySet()) {
            double r = median(ready.get(k));
            double m = median(rss.get(k));
            line("| " + k + " | " + f(r) + " ms | " + ratio(r, fr) + " | " + f(m) + " MiB | " + ratio(m, fm) + " |");
        }
        line("");
        if (!rssLong.isEmpty()) {
            line("Settled idle RSS of " + jimpl.name() + ", " + idleLong + " s after start: " + f(median(rssLong))
                    + " MiB, median of " + rssLong.size() + ". Target (issue 7): ≤ 48 MiB. HotSpot keeps the arena chunks "
                    + "its JIT used during start-up for 5 s (NMT \"Arena Chunk\"), then frees them, and the daemon's "
                    + "TrimNativeHeapInterval hands them back to the OS; the launcher keeps the JDK's start-up-only "
                    + "ClassFile API out of the JIT, which made those chunks about 6 MiB smaller (bin/smcrouted).");
            line("");
        }
        Map<Impl, Double> empty = new LinkedHashMap<>();
        for (Impl impl : impls()) {
            empty.put(impl, median(ready.get(impl.name())));
        }
        return empty;
    }

    private void idleFloor(Topology t, String javaBin, String name, Map<String, List<Double>> ready,
            Map<String, List<Double>> rss) throws Exception {
        Path pid = work.resolve("idle.pid");
        Files.deleteIfExists(pid);
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(daemonFlags);
        cmd.addAll(List.of("-cp", cp, Idle.class.getName(), pid.toString()));
        long t0 = System.nanoTime();
        Process p = t.router().start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD));
        while (!(Files.exists(pid) && Files.readString(pid).endsWith("\n"))) {
            sleepNanos(1_000_000);
        }
        ready.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        sleepNanos(3_000_000_000L);
        rss.computeIfAbsent(name, k -> new ArrayList<>()).add(rssOf(p.pid()));
        p.destroy();
        p.waitFor();
    }

    static double rssOf(long pid) {
        return statusMb(pid, "VmRSS:");
    }

    /** A size field of /proc/PID/status (e.g. "VmHWM:") in MiB; NaN when the process is gone. */
    static double statusMb(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return Double.NaN;
    }

    private double floorMs(Topology t, int n) {
        Matcher m = floorTool(t, MfcFloor.class, "floor (\\d+) (\\d+)", "eth0", "eth1", String.valueOf(n));
        return m == null ? Double.NaN : Long.parseLong(m.group(2)) / 1e6;
    }

    /**
     * Runs a floor program ({@code main}: MfcFloor, JoinFloor) in {@code t}'s router namespace with
     * the daemon's JVM flags; the match of {@code result} in its output, or null (said) if none.
     */
    Matcher floorTool(Topology t, Class<?> main, String result, String... args) {
        List<String> cmd = new ArrayList<>(t.router().argv(java));
        cmd.addAll(daemonFlags);
        cmd.addAll(List.of("-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile(result).matcher(out);
            if (!m.find()) {
                say(main.getSimpleName() + " failed: " + out);
                return null;
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static double perSec(int n, double ms) {
        return Double.isNaN(ms) || ms <= 0 ? Double.NaN : n / (ms / 1000);
    }

    static String k(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private final Map<Integer, Double> floors = new LinkedHashMap<>();

    /** One daemon holding N routes: launch → kernel full, launch → ready, show routes, RSS. */
    record Row(double full, double ready, double show, int showLines, double rss, double rssAfterShow) {
    }

    private void routeInstall(Map<Impl, Double> emptyReady) throws Exception {
        Map<Integer, Map<Impl, Row>> rows = new LinkedHashMap<>();
        Map<Integer, Map<Impl, List<Double>>> installs = new LinkedHashMap<>();
        try (Topology t = Topology.create(2); Topology ft = Topology.create(1)) {
            for (int n : routeSizes) {
                say("route install, " + n + " (S,G) lines");
                String conf = sgConfig(n);
                // Each run starts the same daemon on an empty configuration right before, and the
                // install time is the difference of the pair: start-up drifts a lot on a shared
                // machine. Median of 7 interleaved runs (3 for the biggest size): one launch
                // varies by tens of ms here, as much as installing 1,000 routes takes.
                int runs = n <= 10_000 ? 7 : 3;
                List<Double> fl = new ArrayList<>();
                Map<Impl, List<Row>> got = new LinkedHashMap<>();
                for (int run = 0; run < runs; run++) {
                    fl.add(floorMs(ft, n));
                    for (Impl impl : impls()) {
                        if (impl == cimpl && n > cMaxRoutes) {
                            continue;
                        }
                        double empty;
                        try (Running d = new Running(this, impl, t.router(), "")) {
                            empty = d.awaitReady();
                        }
                        Row row = installOnce(impl, t, conf, n, run == 0);
                        got.computeIfAbsent(impl, x -> new ArrayList<>()).add(row);
                        installs.computeIfAbsent(n, x -> new LinkedHashMap<>())
                                .computeIfAbsent(impl, x -> new ArrayList<>()).add(row.full() - empty);
                    }
                }
                floors.put(n, median(fl));
                for (var e : got.entrySet()) {
                    List<Row> l = e.getValue();
                    Row first = l.getFirst();
                    rows.computeIfAbsent(n, x -> new LinkedHashMap<>()).put(e.getKey(), new Row(
                            median(l.stream().map(Row::full).toList()), median(l.stream().map(Row::ready).toList()),
                            first.show(), first.showLines(), first.rss(), first.rssAfterShow()));
                }
            }
        }
        line("## Route installation from the configuration file");
        line("");
        line("N (S,G) lines `mroute from eth0 source 10.0.0.2 group G to eth1`. **Install time** = launch → "
                + "/proc/net/ip_mr_cache holds N entries, minus launch → ready of the same daemon on an empty "
                + "configuration started just before (median of 7 such pairs, 3 above 10,000 routes). "
                + "**Floor** = `MfcFloor`: only the N `MRT_ADD_MFC` calls through `LinuxKernel`, same JVM flags, "
                + "fresh namespace. Target: ≤ 2× the floor.");
        line("");
        StringBuilder h = new StringBuilder("| routes | floor | floor routes/s | smcroute-java install | routes/s | ratio to floor |");
        StringBuilder s = new StringBuilder("|---|---|---|---|---|---|");
        if (cimpl != null) {
            h.append(" C install | C routes/s | C ratio to floor |");
            s.append("---|---|---|");
        }
        line(h.toString());
        line(s.toString());
        for (var e : rows.entrySet()) {
            int n = e.getKey();
            double fl = floors.get(n);
            StringBuilder r = new StringBuilder("| " + k(n) + " | " + f(fl) + " ms | " + k(perSec(n, fl)) + " |");
            for (Impl impl : impls()) {
                Row row = e.getValue().get(impl);
                if (row == null) {
                    r.append(" skipped (> BENCH_C_MAX_ROUTES=").append(cMaxRoutes).append(") | | |");
                    continue;
                }
                double inst = median(installs.get(n).get(impl));
                r.append(" ").append(f(inst)).append(" ms | ").append(k(perSec(n, inst))).append(" | ")
                        .append(ratio(inst, fl)).append(" |");
            }
            line(r.toString());
        }
        line("");
        line("Raw medians, launch → first /proc read that shows N entries (launch → ready): " + rawInstall(rows, emptyReady) + ".");
        line("");
        line("### `smcroutectl -p show routes` and RSS with N routes");
        line("");
        line("Client wall time, median of 3 (the output has a rule line and a kernel line per route); "
                + "VmRSS of the daemon holding N routes, before and after the 3 `show routes`.");
        line("");
        h = new StringBuilder("| routes | smcroute-java show routes | lines | RSS | RSS after 3 shows |");
        s = new StringBuilder("|---|---|---|---|---|");
        if (cimpl != null) {
            h.append(" C show routes | lines | C RSS | C RSS after 3 shows | show ratio Java/C |");
            s.append("---|---|---|---|---|");
        }
        line(h.toString());
        line(s.toString());
        for (var e : rows.entrySet()) {
            StringBuilder r = new StringBuilder("| " + k(e.getKey()) + " |");
            for (Impl impl : impls()) {
                Row row = e.getValue().get(impl);
                if (row == null) {
                    r.append(" skipped | | | |");
                    continue;
                }
                r.append(" ").append(f(row.show())).append(" ms | ").append(row.showLines()).append(" | ")
                        .append(f(row.rss())).append(" MiB | ").append(f(row.rssAfterShow())).append(" MiB |");
            }
            if (cimpl != null) {
                Row c = e.getValue().get(cimpl);
                r.append(" ").append(c == null ? "–" : ratio(e.getValue().get(jimpl).show(), c.show())).append(" |");
            }
            line(r.toString());
        }
        line("");
    }

    /** One daemon start on N routes; show routes and RSS only when {@code probe}. */
    private Row installOnce(Impl impl, Topology t, String conf, int n, boolean probe) throws IOException {
        try (Running d = new Running(this, impl, t.router(), conf)) {
            double ready = d.awaitReady();
            double full = d.awaitCache(n, 300_000);
            if (!probe) {
                return new Row(full, ready, Double.NaN, 0, Double.NaN, Double.NaN);
            }
            double rss = d.rssMb();
            Path showOut = work.resolve("show.out");
            List<Double> shows = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                shows.add(timed(d.ctl("-p", "show", "routes"), null, null, showOut.toFile(), Map.of()));
            }
            int lines;
            try (var l = Files.lines(showOut)) {
                lines = (int) l.count();
            }
            return new Row(full, ready, median(shows), lines, rss, d.rssMb());
        }
    }

    private String rawInstall(Map<Integer, Map<Impl, Row>> rows, Map<Impl, Double> emptyReady) {
        StringBuilder sb = new StringBuilder();
        for (var e : rows.entrySet()) {
            for (var i : e.getValue().entrySet()) {
                if (!sb.isEmpty()) {
                    sb.append("; ");
                }
                sb.append(i.getKey().name()).append(" ").append(k(e.getKey())).append(": ")
                        .append(f(i.getValue().full())).append(" ms (").append(f(i.getValue().ready())).append(" ms)");
            }
        }
        return sb.toString();
    }

    private void batchAdd() throws Exception {
        if (batch <= 0) {
            return;
        }
        say("smcroutectl -b with " + batch + " add lines");
        Path in = work.resolve("batch.txt");
        StringBuilder sb = new StringBuilder(batch * 50);
        for (int i = 0; i < batch; i++) {
            sb.append("add eth0 10.0.0.2 ").append(dotted(group(i))).append(" eth1\n");
        }
        Files.writeString(in, sb);
        Double fl = floors.get(batch);
        if (fl == null) {
            try (Topology ft = Topology.create(1)) {
                fl = floorMs(ft, batch);
            }
        }
        Map<Impl, double[]> res = new LinkedHashMap<>();
        try (Topology t = Topology.create(2)) {
            for (Impl impl : impls()) {
                try (Running d = new Running(this, impl, t.router(), "")) {
                    d.awaitReady();
                    double ms = timed(d.ctl("-b"), null, in.toFile(), null, Map.of());
                    int have = d.cacheCount();
                    res.put(impl, new double[] {ms, have});
                }
            }
        }
        line("## Route installation with `smcroutectl -b` (" + k(batch) + " `add` lines)");
        line("");
        line("One client process; each line is its own IPC connection (SPEC §13.4). Wall time of the client; "
                + "floor as above (" + f(fl) + " ms, " + k(perSec(batch, fl)) + " routes/s).");
        line("");
        line("| daemon | client wall time | kernel entries after | routes/s | ratio to floor |");
        line("|---|---|---|---|---|");
        for (var e : res.entrySet()) {
            double ms = e.getValue()[0];
            line("| " + e.getKey().name() + " | " + f(ms) + " ms | " + (int) e.getValue()[1] + " | "
                    + k(perSec(batch, ms)) + " | " + ratio(ms, fl) + " |");
        }
        line("");
    }
}
