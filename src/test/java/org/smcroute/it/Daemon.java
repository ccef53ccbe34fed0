package org.smcroute.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/smcrouted} running in the foreground inside a namespace:
 * {@code smcrouted -n -f <conf> -u <sock> -P <pidfile> -l debug [extra...]}, with all of its
 * files in a private temporary directory and its stdout+stderr captured in {@code daemon.log}.
 *
 * <p>{@link #start} returns at readiness, which SPEC §4.4 defines as the PID file appearing
 * (10 s at most); it also checks that the PID in the file is the launcher's own, because the
 * launcher must exec the JVM. Failures carry the daemon's log. {@link #stop()} sends SIGTERM
 * and returns the exit code, which SPEC §4.5 says must be 0.
 *
 * <pre>
 * try (Topology t = Topology.create(2);
 *      Daemon d = Daemon.start(t.router(), "mroute from eth0 group 225.1.2.3 to eth1 eth2\n")) {
 *     assertThat(d.ctl().run("show").out()).contains("225.1.2.3");
 *     d.stopCleanly();
 * }
 * </pre>
 */
public final class Daemon implements AutoCloseable {

    /** Generous: a big configuration on a busy machine takes its time. */
    private static final long READY_MS = 60_000;

    private final Netns ns;
    private final Path dir;
    private final Process process;
    private Integer exit;

    private Daemon(Netns ns, Path dir, Process process) {
        this.ns = ns;
        this.dir = dir;
        this.process = process;
    }

    /** Writes {@code config} to smcroute.conf in a fresh directory and starts the daemon on it. */
    public static Daemon start(Netns ns, String config, String... extraArgs) {
        try {
            Path dir = Files.createTempDirectory("smcr-it-");
            Files.writeString(dir.resolve("smcroute.conf"), config);
            return start(ns, dir, extraArgs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the daemon with the configuration {@code dir/smcroute.conf}, files in {@code dir}. */
    public static Daemon start(Netns ns, Path dir, String... extraArgs) {
        return start(ns, dir, extraArgs, new String[0]);
    }

    /** The same, with {@code NAME=VALUE} environment variables for the launcher. */
    public static Daemon start(Netns ns, Path dir, String[] extraArgs, String... env) {
        // env(1) execs, so the PID stays the launcher's (and thus the JVM's) all the way down.
        List<String> cmd = new ArrayList<>(List.of("env", "JAVA_HOME=" + Project.javaHome()));
        cmd.addAll(List.of(env));
        cmd.addAll(List.of(Project.bin("smcrouted"), "-n", "-f", dir.resolve("smcroute.conf").toString(),
                "-u", dir.resolve("smcroute.sock").toString(), "-P", dir.resolve("smcroute.pid").toString(),
                "-l", "debug"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Daemon d = new Daemon(ns, dir, ns.start(pb));
        d.awaitReady();
        return d;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_MS * 1_000_000L;
        Path pid = pidFile();
        while (true) {
            String text = read(pid);
            if (text != null && text.endsWith("\n")) {
                if (!text.strip().equals(String.valueOf(process.pid()))) {
                    throw fail("PID file says " + text.strip() + ", but the launcher's PID is " + process.pid());
                }
                return;
            }
            if (!process.isAlive()) {
                throw fail("daemon exited with " + process.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                throw fail("no PID file " + pid + " after " + READY_MS + " ms");
            }
            Mcast.sleep(20);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return dir.resolve("smcroute.sock");
    }

    public Path pidFile() {
        return dir.resolve("smcroute.pid");
    }

    public Path conf() {
        return dir.resolve("smcroute.conf");
    }

    public Path logFile() {
        return dir.resolve("daemon.log");
    }

    /** Everything the daemon wrote to stdout and stderr so far. */
    public String log() {
        String text = read(logFile());
        return text == null ? "" : text;
    }

    /**
     * Waits (at most 5 s) until the log holds every line: a message follows the kernel change
     * it reports, so a test that saw the change must still wait for the text.
     */
    public void awaitLog(String... lines) {
        Waits.until("log lines " + Arrays.toString(lines), Duration.ofSeconds(5), () -> {
            String log = log();
            for (String l : lines) {
                if (!log.contains(l)) {
                    return false;
                }
            }
            return true;
        });
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A client bound to this daemon's socket. */
    public Ctl ctl() {
        return new Ctl(ns, socket());
    }

    /** Replaces the configuration file and sends SIGHUP (the reload is asynchronous). */
    public void reload(String config) {
        try {
            Files.writeString(conf(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Exec.run("kill", "-HUP", String.valueOf(pid())).ok();
    }

    /** SIGTERM, then waits up to 10 s; returns the exit code (SIGKILL and an error if it hangs). */
    public synchronized int stop() {
        if (exit != null) {
            return exit;
        }
        process.destroy(); // SIGTERM
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw fail("daemon did not stop within 10 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted");
        }
        exit = process.exitValue();
        return exit;
    }

    /** {@link #stop()}, failing with the daemon's log unless the exit code is 0 (SPEC §4.5). */
    public void stopCleanly() {
        int code = stop();
        if (code != 0) {
            throw new AssertionError("smcrouted exited with " + code + " after SIGTERM, expected 0\n--- daemon log\n" + log());
        }
    }

    /**
     * Stops the daemon if it still runs. Its directory is deleted after a clean exit and kept
     * (path printed on stderr) otherwise, so the log survives for a post-mortem.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
        if (exit != null && exit == 0) {
            deleteDir();
        } else {
            System.err.println("smcrouted in " + ns + " exited with " + process.exitValue() + "; files kept in " + dir);
        }
    }

    private void deleteDir() {
        try (var files = Files.list(dir)) {
            files.forEach(Exec::deleteQuietly);
        } catch (IOException e) {
            // leave it
        }
        Exec.deleteQuietly(dir);
    }

    private IllegalStateException fail(String what) {
        return new IllegalStateException(what + " (" + ns + ", " + dir + ")\n--- daemon log\n" + log());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
