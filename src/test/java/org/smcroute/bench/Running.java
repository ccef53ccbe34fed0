package org.smcroute.bench;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.smcroute.it.Netns;

/**
 * A running daemon (Java or C) in a namespace, with its configuration, PID file, IPC socket and
 * log in a private directory. {@code wrapper} (e.g. strace) is put in front of the daemon's
 * command; the daemon's PID then comes from its PID file.
 */
final class Running implements AutoCloseable {

    final Bench.Impl impl;
    final Netns ns;
    final Path dir;
    final Process p;
    final long t0;
    private final boolean wrapped;
    private long pid = -1;
    double readyMs = Double.NaN;

    Running(Bench b, Bench.Impl impl, Netns ns, String config) throws IOException {
        this(b, impl, ns, config, List.of(), "notice");
    }

    Running(Bench b, Bench.Impl impl, Netns ns, String config, List<String> wrapper, String level) throws IOException {
        this(b, impl, ns, config, wrapper, level, List.of());
    }

    /** {@code extra}: more daemon options after the usual ones. */
    Running(Bench b, Bench.Impl impl, Netns ns, String config, List<String> wrapper, String level, List<String> extra)
            throws IOException {
        this(b, impl, ns, config, wrapper, level, extra, Map.of());
    }

    /** {@code env}: more environment for the daemon (e.g. SMCROUTED_JAVA_OPTS for the launcher). */
    Running(Bench b, Bench.Impl impl, Netns ns, String config, Map<String, String> env) throws IOException {
        this(b, impl, ns, config, List.of(), "notice", List.of(), env);
    }

    private Running(Bench b, Bench.Impl impl, Netns ns, String config, List<String> wrapper, String level,
            List<String> extra, Map<String, String> env) throws IOException {
        this.impl = impl;
        this.ns = ns;
        this.dir = Files.createTempDirectory(b.work, "d");
        this.wrapped = !wrapper.isEmpty();
        Files.writeString(conf(), config);
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of("env", "JAVA_HOME=" + b.jdk, impl.daemon(), "-n", "-f", conf().toString(),
                "-u", sock(), "-P", pidFile().toString(), "-l", level));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        t0 = System.nanoTime();
        p = ns.start(pb);
    }

    Path conf() {
        return dir.resolve("smcroute.conf");
    }

    Path pidFile() {
        return dir.resolve("smcroute.pid");
    }

    String sock() {
        return dir.resolve("smcroute.sock").toString();
    }

    /** The daemon's PID: the started process (`ip netns exec` and the launcher exec), else the PID file's. */
    long pid() {
        if (pid < 0) {
            if (!wrapped) {
                pid = p.pid();
            } else {
                try {
                    pid = Long.parseLong(Files.readString(pidFile()).strip());
                } catch (IOException | NumberFormatException e) {
                    throw new IllegalStateException("no PID file", e);
                }
            }
        }
        return pid;
    }

    boolean alive() {
        return wrapped ? ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false) : p.isAlive();
    }

    /** Waits for the PID file (written at readiness); ms since launch. */
    double awaitReady() {
        Path pf = pidFile();
        while (true) {
            try {
                if (Files.size(pf) > 0 && Files.readString(pf).endsWith("\n")) {
                    readyMs = (System.nanoTime() - t0) / 1e6;
                    return readyMs;
                }
            } catch (IOException e) {
                // not yet
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(impl.name() + " exited " + p.exitValue() + " before ready:\n" + log());
            }
            if (System.nanoTime() - t0 > 120_000_000_000L) {
                throw new IllegalStateException(impl.name() + " not ready after 120 s:\n" + log());
            }
            Bench.sleepNanos(1_000_000);
        }
    }

    /** The PID file's modification time (touched at the end of every reload). */
    FileTime pidMtime() {
        try {
            return Files.getLastModifiedTime(pidFile());
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /**
     * Polls (about every {@code periodNanos}) until the PID file's mtime differs from
     * {@code before}; returns the System.nanoTime() of the poll that saw it, or -1 on timeout.
     */
    long awaitReloaded(FileTime before, long periodNanos, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline && alive()) {
            long at = System.nanoTime();
            if (!pidMtime().equals(before)) {
                return at;
            }
            Bench.sleepNanos(periodNanos);
        }
        return -1;
    }

    String log() {
        try {
            String s = Files.readString(dir.resolve("daemon.log"));
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** A file of the daemon's /proc/net (its namespace's view), read in one go. */
    String procNet(String name) {
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid() + "/net/" + name))) {
            return readAll(ch);
        } catch (IOException e) {
            return "";
        }
    }

    private static final ThreadLocal<ByteBuffer> BUF = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(4 << 20));

    /**
     * Reads a seq_file with large reads: the kernel restarts its walk at every read() call, so
     * small chunks make reading a 100k-entry ip_mr_cache quadratic.
     */
    static String readAll(FileChannel ch) throws IOException {
        ByteBuffer b = BUF.get();
        StringBuilder sb = new StringBuilder();
        while (true) {
            b.clear();
            int n = ch.read(b);
            if (n < 0) {
                return sb.toString();
            }
            b.flip();
            byte[] a = new byte[n];
            b.get(a);
            sb.append(new String(a, StandardCharsets.US_ASCII));
        }
    }

    /** Kernel IPv4 MFC entries, read through the daemon's own view of /proc/net. */
    List<String> cacheLines() {
        return cacheLines(pid());
    }

    /** Kernel IPv4 MFC entries in the namespace of process {@code pid}. */
    static List<String> cacheLines(long pid) {
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/net/ip_mr_cache"))) {
            List<String> l = List.of(readAll(ch).split("\n"));
            return l.isEmpty() ? l : l.subList(1, l.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Kernel IPv4 MFC entries whose origin is one of {@code base} ... {@code base + count - 1}. */
    static int cacheSources(long pid, int base, int count) {
        int n = 0;
        for (String line : cacheLines(pid)) {
            String[] w = line.trim().split("\\s+");
            if (w.length > 1) {
                int origin = Integer.reverseBytes((int) Long.parseLong(w[1], 16));
                if (Integer.compareUnsigned(origin - base, count) < 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Kernel IPv4 MFC entries; -1 when the file cannot be read. */
    int cacheCount() {
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid() + "/net/ip_mr_cache"))) {
            ByteBuffer b = BUF.get();
            int lines = 0;
            while (ch.read(b.clear()) >= 0) {
                for (int i = 0; i < b.position(); i++) {
                    if (b.get(i) == '\n') {
                        lines++;
                    }
                }
            }
            return Math.max(0, lines - 1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat on every Linux architecture in use. */
    static final int TICKS_PER_SECOND = 100;

    /** User + system CPU time of process {@code pid} so far, in clock ticks (/proc/PID/stat fields 14 and 15). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Polls until the kernel holds {@code n} entries; ms since launch to the start of the
     * read that saw them (reading /proc/net/ip_mr_cache is itself slow with 100k entries:
     * the kernel re-walks the list for every chunk), NaN on timeout.
     */
    double awaitCache(int n, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            long at = System.nanoTime();
            if (cacheCount() >= n) {
                return (at - t0) / 1e6;
            }
            Bench.sleepNanos(10_000_000);
        }
        System.err.println("bench: " + impl.name() + ": kernel has " + cacheCount() + " of " + n + " entries");
        return Double.NaN;
    }

    double rssMb() {
        return Bench.rssOf(pid());
    }

    List<String> ctl(String... args) {
        List<String> c = new ArrayList<>(List.of(impl.ctl(), "-u", sock()));
        c.addAll(List.of(args));
        return c;
    }

    @Override
    public void close() {
        if (wrapped) { // strace detaches on SIGTERM: end the daemon itself
            try {
                ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy);
            } catch (IllegalStateException e) {
                // never became ready
            }
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
