package org.smcroute.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace owned by this test JVM, named {@code smcr-<jvm pid>-<random>-<role>}.
 *
 * <p>The JVM's PID in the name lets {@link #sweepStale()} remove namespaces left behind by a
 * crashed run without touching those of a run that is still going (several worktrees may run
 * their tests on the same machine at once). Every live instance is also closed by
 * {@link NetnsExtension} after each test and by a shutdown hook, so a failing test leaves
 * nothing behind.
 *
 * <p>Processes started with {@link #start} are killed when the namespace closes, and so is
 * anything else still running inside it, because {@code ip netns del} alone would leave the
 * namespace alive as long as a process holds it.
 */
public final class Netns implements AutoCloseable {

    static final String PREFIX = "smcr-";
    private static final Set<Netns> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Netns::closeAll, "netns-cleanup"));
    }

    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace with lo up and rp_filter and IPv6 DAD off (before any link exists). */
    public static Netns create(String role) {
        String name = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)) + "-" + role;
        Exec.run("ip", "netns", "add", name).ok();
        Netns ns = new Netns(name);
        LIVE.add(ns);
        ns.sh("""
                ip link set lo up
                sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
                  net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
                """);
        return ns;
    }

    public String name() {
        return name;
    }

    /** The argv prefix that runs a command inside this namespace. */
    public List<String> argv(String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
        argv.addAll(List.of(command));
        return argv;
    }

    /** Runs a command inside the namespace (bounded by {@link Exec#TIMEOUT}); check the result yourself. */
    public Exec.Result exec(String... command) {
        return Exec.run(Exec.TIMEOUT, null, argv(command));
    }

    /** Runs a shell script inside the namespace with {@code sh -e}; fails on the first error. */
    public Exec.Result sh(String script) {
        return exec("sh", "-ec", script).ok();
    }

    /**
     * Starts a long-running command inside the namespace; it is killed at {@link #close()} if
     * still running. The caller configures redirects on {@code pb}; its command is prefixed.
     */
    public synchronized Process start(ProcessBuilder pb) {
        List<String> command = pb.command();
        pb.command(argv(command.toArray(String[]::new)));
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills what runs inside, then deletes the namespace (and with it its veth ends). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        delete(name);
        LIVE.remove(this);
    }

    /** Closes every namespace this JVM still holds (used after each test and at JVM exit). */
    public static void closeAll() {
        for (Netns ns : List.copyOf(LIVE)) {
            try {
                ns.close();
            } catch (RuntimeException e) {
                System.err.println("netns cleanup of " + ns.name + " failed: " + e);
            }
        }
    }

    /** Names of all namespaces on the host (first word of each {@code ip netns list} line). */
    public static List<String> list() {
        List<String> names = new ArrayList<>();
        for (String line : Exec.run("ip", "netns", "list").ok().out().split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Deletes {@code smcr-<pid>-...} namespaces whose creating JVM is gone. */
    public static void sweepStale() {
        for (String n : list()) {
            if (!n.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = n.split("-");
            try {
                long pid = Long.parseLong(parts[1]);
                if (ProcessHandle.of(pid).isEmpty()) {
                    System.err.println("removing stale namespace " + n);
                    delete(n);
                }
            } catch (RuntimeException e) {
                // not one of ours (no pid in the name): leave it alone
            }
        }
    }

    private static void delete(String name) {
        // Anything still inside (a daemon's child, a stray tool) would keep the namespace alive.
        for (String pid : Exec.run("ip", "netns", "pids", name).out().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Exec.Result r = Exec.run("ip", "netns", "del", name);
        if (r.exit() != 0 && list().contains(name)) {
            throw new IllegalStateException("could not delete namespace: " + r);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
