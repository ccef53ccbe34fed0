package org.smcroute.ctl;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Terminal detection and the probe of the terminal's width for ANSI headings, done without FFM:
 * linking the first native calls would cost the client more start-up time than anything else it
 * does.
 *
 * <p>{@code isatty} stand-in: on Linux the target of {@code /proc/self/fd/N} names the device;
 * {@code /dev/pts/*}, {@code /dev/tty*} and {@code /dev/console} are terminals. Where
 * {@code /proc} is unreadable the fallback is {@code System.console().isTerminal()}, which the
 * JDK bases on stdin and stdout rather than stdin and stderr, a close enough approximation.
 *
 * <p>The probe itself needs the terminal in non-canonical, no-echo mode, or the cursor report
 * would wait for Enter and be echoed. Without {@code tcsetattr} the client runs {@code stty}
 * (stdin inherited) to save and set the mode and again to restore it. This only happens for
 * interactive use with ANSI headings; pipes, batch jobs, {@code -p} and {@code -t} never probe.
 */
final class Terminal {

    private static final long TIMEOUT_MS = 300;

    private Terminal() {
    }

    /** True when both stdin (fd 0) and stderr (fd 2) are terminals. */
    static boolean stdinAndStderrAreTerminals() {
        Boolean in = isTerminal(0);
        Boolean err = isTerminal(2);
        if (in == null || err == null) {
            Console c = System.console();
            return c != null && c.isTerminal();
        }
        return in && err;
    }

    /**
     * Whether show headings may use colour and other escape codes: standard output is a
     * terminal and {@code NO_COLOR} is not set (no-color.org), as for {@code ip} and
     * {@code systemctl}. A pipe or a file gets plain headings.
     */
    static boolean colours() {
        String noColor = System.getenv("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) {
            return false;
        }
        Boolean out = isTerminal(1);
        if (out == null) {
            Console c = System.console();
            return c != null && c.isTerminal();
        }
        return out;
    }

    /** True/false from {@code /proc}, or null when it cannot tell. */
    private static Boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * Asks the terminal for its width: save cursor, move to 999;999, request the cursor
     * position, read {@code ESC[<row>;<col>R} from stdin within 300 ms, restore the cursor.
     *
     * @return the reported column, or {@code fallback} when there is no (valid) answer
     */
    static int probeWidth(InputStream in, PrintStream err, int fallback) {
        String saved = stty("-g");
        if (saved == null || stty("-icanon -echo") == null) {
            return fallback;
        }
        int width = fallback;
        try {
            err.print("\0337\033[999;999H\033[6n");
            err.flush();
            byte[] buf = new byte[42];
            int n = 0;
            long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            while (n < buf.length && System.nanoTime() < deadline) {
                if (in.available() > 0) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    buf[n++] = (byte) c;
                    if (c == 'R') {
                        break;
                    }
                } else {
                    Thread.sleep(5);
                }
            }
            int col = parseCursorReply(buf, n);
            if (col > 0) {
                width = col;
            }
        } catch (IOException e) {
            // keep the fallback
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            err.print("\0338");
            err.flush();
            stty(saved.trim());
        }
        return width;
    }

    /** The column of a cursor position report {@code ESC[<row>;<col>R}, or -1. */
    static int parseCursorReply(byte[] b, int n) {
        int i = 0;
        while (i < n && b[i] != 27) {
            i++;
        }
        if (i + 1 >= n || b[i + 1] != '[') {
            return -1;
        }
        i += 2;
        int digits = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            i++;
            digits++;
        }
        if (digits == 0 || i >= n || b[i] != ';') {
            return -1;
        }
        i++;
        int col = 0;
        digits = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9' && col < 100000) {
            col = col * 10 + (b[i] - '0');
            i++;
            digits++;
        }
        return digits > 0 && i < n && b[i] == 'R' ? col : -1;
    }

    /** Runs {@code stty ARGS} on the inherited stdin; its stdout, or null on failure. */
    private static String stty(String args) {
        String[] split = args.split(" ");
        String[] cmd = new String[split.length + 1];
        cmd[0] = "stty";
        System.arraycopy(split, 0, cmd, 1, split.length);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? new String(out, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
