package org.smcroute.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process's output, line by line, read on a thread of its own: the bench waits for a
 * tool's answer with a bound, and a tool that never answers must not hang the run.
 */
final class ProcLines {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ProcLines(Process p) {
        Thread.ofPlatform().daemon().name("lines-" + p.pid()).start(() -> {
            try (BufferedReader r = p.inputReader(StandardCharsets.US_ASCII)) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process is gone: no more lines
            }
        });
    }

    /** The next line, or null when none came within {@code timeoutMs}. */
    String next(long timeoutMs) {
        try {
            return lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
