package org.smcroute.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code smcroutectl monitor} running inside a namespace, its lines collected as they come;
 * {@link #await} finds the next line of an event type with given fields (lines of other events
 * are kept for later calls).
 */
final class EventLines implements AutoCloseable {

    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    private final Process process;
    private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private EventLines(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("monitor-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    incoming.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    static EventLines start(Netns ns, Path socket) {
        return new EventLines(ns.start(new ProcessBuilder("env", "JAVA_HOME=" + Project.javaHome(),
                Project.bin("smcroutectl"), "-u", socket.toString(), "monitor")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))));
    }

    /**
     * The first line not returned before whose {@code event} is {@code type} and which contains
     * every one of {@code fields} (JSON fragments such as {@code "iface":"eth2"}).
     */
    String await(String type, Duration timeout, String... fields) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : seen) {
                if (matches(line, type, fields)) {
                    seen.remove(line);
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            String next = null;
            try {
                next = left > 0 ? incoming.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (next == null) {
                throw new AssertionError("no " + type + " event with " + List.of(fields) + " within " + timeout
                        + "; lines not matched: " + seen);
            }
            seen.add(next);
        }
    }

    private static boolean matches(String line, String type, String... fields) {
        if (!line.startsWith("{\"event\":\"" + type + "\",\"time\":\"")) {
            return false;
        }
        for (String f : fields) {
            if (!line.contains(f)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code time} of an event line. */
    static Instant time(String line) {
        Matcher m = TIME.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no time in " + line);
        }
        return Instant.parse(m.group(1));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
