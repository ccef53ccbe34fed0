package org.smcroute.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command to completion with a hard timeout. Every command the harness runs goes
 * through here, so a hung {@code ip} or JVM can never hang the build. Output goes to temporary
 * files rather than pipes: no reader threads, and no deadlock on large output.
 */
public final class Exec {

    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Outcome of one command; {@link #ok()} turns a non-zero exit into an exception. */
    public record Result(List<String> command, int exit, String out, String err) {
        public Result ok() {
            if (exit != 0) {
                throw new IllegalStateException(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit
                    + (out.isBlank() ? "" : "\n--- stdout\n" + out)
                    + (err.isBlank() ? "" : "\n--- stderr\n" + err);
        }
    }

    private Exec() {
    }

    public static Result run(String... argv) {
        return run(TIMEOUT, null, List.of(argv));
    }

    /** Runs argv, feeding it {@code stdin} (null: empty), killing it after {@code timeout}. */
    public static Result run(Duration timeout, String stdin, List<String> argv) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("smcr-exec", ".out");
            err = Files.createTempFile("smcr-exec", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the command did not read its input; its exit status tells the rest
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", argv)
                        + "\n--- stdout\n" + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
            }
            return new Result(List.copyOf(argv), p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + argv, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }
}
