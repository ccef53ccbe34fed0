package org.smcroute.it;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test-side driver of {@link McastTool}: starts it as a separate JVM inside a namespace and
 * parses its line protocol. {@link #send} runs a sender to completion; {@link #receive} starts
 * a receiver that keeps counting until {@link Receiver#stop()}.
 *
 * <pre>
 * try (Mcast.Receiver r = Mcast.receive(rcv, "eth0", 4000, "225.1.2.3")) {
 *     Mcast.send(snd, "eth0", "225.1.2.3", 4000, 20, 200);
 *     r.await("10.0.0.2", "225.1.2.3", 20, Duration.ofSeconds(5));
 *     assertThat(r.stop()).containsExactlyEntriesOf(Map.of(new Flow("10.0.0.2", "225.1.2.3"), new Count(20, 20)));
 * }
 * </pre>
 */
public final class Mcast {

    /** A (source, group) pair, addresses in canonical text form. */
    public record Flow(String source, String group) {
    }

    /** Datagrams received and how many distinct sequence numbers among them (less = duplicates). */
    public record Count(long packets, long distinct) {
    }

    private static final Duration START = Duration.ofSeconds(15);

    private Mcast() {
    }

    private static List<String> java(String mode, String... args) {
        Path home = Project.home();
        List<String> cmd = new ArrayList<>(List.of(Project.java(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", home.resolve("target/test-classes") + ":" + home.resolve("target/classes"),
                McastTool.class.getName(), mode));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Sends {@code count} datagrams to group:port out of {@code iface} in {@code ns}, at
     * {@code rate} packets per second, TTL/hop limit 8; {@code extra} adds McastTool options
     * (e.g. "--ttl", "1", "--source", addr). Returns when all are sent.
     */
    public static void send(Netns ns, String iface, String group, int port, int count, int rate, String... extra) {
        List<String> cmd = java("send", "--iface", iface, "--group", group, "--port", String.valueOf(port),
                "--count", String.valueOf(count), "--rate", String.valueOf(rate));
        cmd.addAll(List.of(extra));
        Duration timeout = START.plusMillis(1000L * count / Math.max(1, rate));
        Exec.Result r = Exec.run(timeout, null, ns.argv(cmd.toArray(String[]::new))).ok();
        if (!r.out().strip().equals("sent " + count)) {
            throw new IllegalStateException("unexpected sender output: " + r);
        }
    }

    /**
     * Starts a receiver in {@code ns} joined on {@code iface} to each group ("G" or "S@G" for a
     * source-specific join) at {@code port}; returns once it has joined.
     */
    public static Receiver receive(Netns ns, String iface, int port, String... groups) {
        List<String> cmd = java("recv", "--iface", iface, "--port", String.valueOf(port));
        for (String g : groups) {
            cmd.add("--group");
            cmd.add(g);
        }
        return new Receiver(ns, cmd);
    }

    /**
     * Like {@link #send} but to several groups at once (IPv4 and IPv6 may be mixed): each of
     * {@code count} rounds sends one datagram to every group, {@code rate} rounds per second.
     */
    public static void sendAll(Netns ns, String iface, List<String> groups, int port, int count, int rate, String... extra) {
        List<String> cmd = java("send", "--iface", iface, "--port", String.valueOf(port),
                "--count", String.valueOf(count), "--rate", String.valueOf(rate));
        for (String g : groups) {
            cmd.add("--group");
            cmd.add(g);
        }
        cmd.addAll(List.of(extra));
        Duration timeout = START.plusMillis(1000L * count / Math.max(1, rate));
        Exec.Result r = Exec.run(timeout, null, ns.argv(cmd.toArray(String[]::new))).ok();
        if (!r.out().strip().equals("sent " + count)) {
            throw new IllegalStateException("unexpected sender output: " + r);
        }
    }

    /**
     * Like {@link #sendAll}, but until {@code stop} exists (and at least {@code minimum}
     * rounds): a stream that lasts as long as the test's work, however slow the machine.
     * Returns the rounds sent.
     */
    public static int sendUntil(Netns ns, String iface, List<String> groups, int port, int minimum, int rate, Path stop) {
        List<String> cmd = java("send", "--iface", iface, "--port", String.valueOf(port),
                "--count", String.valueOf(minimum), "--rate", String.valueOf(rate), "--until", stop.toString());
        for (String g : groups) {
            cmd.add("--group");
            cmd.add(g);
        }
        Exec.Result r = Exec.run(Duration.ofMinutes(10), null, ns.argv(cmd.toArray(String[]::new))).ok();
        String out = r.out().strip();
        if (!out.startsWith("sent ")) {
            throw new IllegalStateException("unexpected sender output: " + r);
        }
        return Integer.parseInt(out.substring(5));
    }

    /**
     * Joins {@code count} consecutive groups from {@code first} on {@code iface} in {@code ns}
     * with one socket (see McastTool join) and holds them until the returned holder closes.
     */
    public static Holder joinMany(Netns ns, String iface, String first, int count) {
        return new Holder(ns, java("join", "--iface", iface, "--group", first, "--count", String.valueOf(count)));
    }

    /** Memberships held by a McastTool join process; closing it leaves them and waits for that. */
    public static final class Holder implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;

        Holder(Netns ns, List<String> cmd) {
            process = ns.start(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            expect("ready");
        }

        private void expect(String line) {
            try {
                String l = out.readLine();
                if (!line.equals(l)) {
                    throw new IllegalStateException("join tool said " + l + " instead of " + line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                expect("left");
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** A running receiver; closing it stops it. Counts contain only flows that were seen. */
    public static final class Receiver implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private Map<Flow, Count> last;

        Receiver(Netns ns, List<String> cmd) {
            try {
                stderr = Files.createTempFile("smcr-recv", ".err");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            process = ns.start(new ProcessBuilder(cmd).redirectError(stderr.toFile()));
            stdin = process.getOutputStream();
            Thread.ofPlatform().daemon().name("recv-stdout").start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // process gone; next() reports it
                }
            });
            String first = next(START);
            if (!"ready".equals(first)) {
                throw new IllegalStateException("receiver did not start: " + first + diagnostics());
            }
        }

        /** The counts so far. */
        public synchronized Map<Flow, Count> counts() {
            try {
                stdin.write("report\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
            } catch (IOException e) {
                throw new IllegalStateException("receiver is gone" + diagnostics(), e);
            }
            return readReport();
        }

        /** Polls until (source, group) has at least {@code packets}; returns the counts then. */
        public Map<Flow, Count> await(String source, String group, long packets, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Flow flow = new Flow(source, group);
            while (true) {
                Map<Flow, Count> c = counts();
                Count n = c.get(flow);
                if (n != null && n.packets() >= packets) {
                    return c;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + packets + " packets of " + flow + " within "
                            + timeout + ", have " + c);
                }
                sleep(50);
            }
        }

        /** Ends the receiver (closes its stdin) and returns the final counts. Idempotent. */
        public synchronized Map<Flow, Count> stop() {
            if (last != null) {
                return last;
            }
            try {
                stdin.close();
            } catch (IOException e) {
                // already gone; readReport says so
            }
            last = readReport();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return last;
        }

        private Map<Flow, Count> readReport() {
            Map<Flow, Count> counts = new LinkedHashMap<>();
            for (String line; !"end".equals(line = next(Duration.ofSeconds(5))); ) {
                String[] f = line == null ? new String[0] : line.split(" ");
                if (f.length != 5 || !f[0].equals("count")) {
                    throw new IllegalStateException("bad receiver output: " + line + diagnostics());
                }
                counts.put(new Flow(f[1], f[2]), new Count(Long.parseLong(f[3]), Long.parseLong(f[4])));
            }
            return counts;
        }

        private String next(Duration timeout) {
            try {
                return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private String diagnostics() {
            try {
                return "\n--- receiver stderr\n" + Files.readString(stderr);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    stop();
                }
            } catch (RuntimeException e) {
                process.destroyForcibly();
            } finally {
                Exec.deleteQuietly(stderr);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
