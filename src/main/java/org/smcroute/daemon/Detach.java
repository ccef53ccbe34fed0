package org.smcroute.daemon;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.log.Log;
import org.smcroute.text.Bytes;

/**
 * Background mode without {@code fork()} (SPEC §3.5): the foreground JVM starts a second JVM
 * in a new session and waits on a private pipe (the child's stdout) until the child reports
 * readiness ({@code R}), an error message ({@code E text}) or its exit code ({@code X n}).
 * Startup errors therefore reach the caller, which the original could not do.
 */
final class Detach {

    /** System property that marks the detached child JVM. */
    static final String CHILD = "smcroute.detached";

    private Detach() {
    }

    static boolean isChild() {
        return System.getProperty(CHILD) != null;
    }

    /**
     * The child runs in {@code /}, so relative paths given on the command line are resolved
     * against the directory the parent was started in, as the user meant them.
     */
    static Options absolute(Options o) {
        String cwd = System.getProperty(CHILD);
        if (cwd == null) {
            return o;
        }
        Path base = Path.of(cwd);
        return o.withPaths(abs(base, o.script()), abs(base, o.confFile()), abs(base, o.pidFile()),
                abs(base, o.socketPath()));
    }

    private static String abs(Path base, String p) {
        return p == null ? null : base.resolve(p).toString();
    }

    /** Parent side: start the child and relay its report; returns the exit code. */
    static int parent(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        // the program's name as argv[0], as the launcher gives it (pidof looks there)
        cmd.addAll(List.of("/bin/bash", "-c", "exec -a " + Options.PROG + " \"$0\" \"$@\""));
        String java = ProcessHandle.current().info().command().orElse("java");
        cmd.add(java);
        List<String> args = List.of(ProcessHandle.current().info().arguments().orElse(new String[0]));
        int main = args.indexOf(mainClass);
        if (main < 0) {
            System.err.println("smcrouted: cannot find own command line to detach");
            return 71;
        }
        cmd.addAll(args.subList(0, main));
        cmd.add("-D" + CHILD + "=" + System.getProperty("user.dir"));
        cmd.addAll(args.subList(main, args.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            System.err.println("smcrouted: cannot detach: " + e.getMessage());
            return 71;
        }
        // ISO-8859-1 maps bytes to chars one to one: messages reach stderr byte for byte
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("R")) {
                    return 0;
                }
                if (line.startsWith("E ")) {
                    byte[] msg = ("smcrouted: " + line.substring(2) + "\n").getBytes(StandardCharsets.ISO_8859_1);
                    System.err.write(msg, 0, msg.length);
                    System.err.flush();
                } else if (line.startsWith("X ")) {
                    return Integer.parseInt(line.substring(2).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: treated as a death during startup
        }
        System.err.println("smcrouted: daemon died during startup");
        return 70;
    }

    /** Child side: the report channel, alive until readiness or exit. */
    static final class Channel {
        private final PrintStream out;
        private boolean open = true;

        Channel(PrintStream out) {
            this.out = out;
        }

        /** Relays ERROR-level messages before readiness (a log sink). */
        Log.Sink sink() {
            return (level, msg) -> {
                if (level <= Log.ERR) {
                    send("E " + msg.replace('\n', ' '));
                }
            };
        }

        synchronized void ready() {
            send("R");
            close();
        }

        synchronized void exit(int code) {
            send("X " + code);
            close();
        }

        private synchronized void send(String line) {
            if (open) {
                Bytes.print(out, line + "\n");
            }
        }

        private void close() {
            if (open) {
                open = false;
                out.close();
            }
        }
    }
}
