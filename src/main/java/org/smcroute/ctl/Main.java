package org.smcroute.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.cli.Getopt;
import org.smcroute.cli.ProcessName;
import org.smcroute.cli.Version;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;
import org.smcroute.text.Words;

/**
 * {@code smcroutectl}, the control client (SPEC §13). Everything goes through
 * {@link #run(String[], InputStream, PrintStream, PrintStream)} so tests can drive it with their
 * own streams and a fake daemon. Start-up matters more than elegance here: no lambdas, streams
 * or {@code String.format} (each is bootstrapped on first use), and only JDK NIO for the socket.
 */
public final class Main {

    static final String OPTIONS = "bdhI:i:jptu:v";

    private boolean detail;
    private boolean json;
    private boolean plain;
    private boolean noHeadings;
    private String ident = "smcroute";
    private String socketOpt;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private int width = -1;
    /** In batch mode, the current line ("line 3: join eth0 225.1.2.3") for messages; else null. */
    private String context;

    private Main(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /**
     * Entry point. Ends with {@code Runtime.halt} after flushing: the client has no shutdown
     * hooks, and {@code System.exit} in JDK 25 first sets up a System.Logger (to log the exit
     * event), which costs a few milliseconds on every run.
     */
    public static void main(String[] args) {
        ProcessName.set("smcroutectl");
        int rc = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(rc);
    }

    /** Runs the client; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new Main(in, out, err).execute(args);
    }

    private int execute(String[] args) {
        boolean batch = false;
        boolean help = false;
        Getopt g = new Getopt("smcroutectl", OPTIONS, args);
        int c;
        while ((c = g.next()) != Getopt.END) {
            switch (c) {
                case 'b' -> batch = true;
                case 'd' -> detail = true;
                case 'h' -> help = true;
                case 'I', 'i' -> ident = g.optarg();
                case 'j' -> json = true;
                case 'p' -> plain = true;
                case 't' -> noHeadings = true;
                case 'u' -> socketOpt = g.optarg();
                case 'v' -> {
                    out.print(Version.text());
                    return 0;
                }
                default -> {
                    err.println(g.error());
                    out.print(Commands.usage(socketPath().toString()));
                    return 1;
                }
            }
        }
        List<String> words = g.operands();
        if (help) {
            if (words.isEmpty()) {
                out.print(Commands.usage(socketPath().toString()));
                return 0;
            }
            return helpFor(words.get(0));
        }
        if (batch) {
            return batch();
        }
        return command(words);
    }

    /** The socket path: {@code -u FILE}, else {@code RUNSTATEDIR/<ident>.sock}. */
    private Path socketPath() {
        if (socketOpt != null) {
            return Path.of(socketOpt);
        }
        return Path.of(System.getProperty("smcroute.runstatedir", "/run"), ident + ".sock");
    }

    private int batch() {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Pipeline pipe = new Pipeline();
        ArrayDeque<String> lines = new ArrayDeque<>();
        int failed = 0;
        int number = 0;
        try {
            String line;
            while ((line = r.readLine()) != null) {
                number++;
                List<String> words = Words.split(line);
                if (words.isEmpty()) {
                    continue;
                }
                String label = "line " + number + ": " + String.join(" ", words);
                byte[] msg = pipelined(words);
                if (msg != null) {
                    if (pipe.isFull()) {
                        failed = receive(pipe, lines, failed);
                    }
                    if (pipe.send(socketPath(), msg)) {
                        lines.add(label);
                        continue;
                    }
                }
                // anything else prints in line order, after the replies still in flight
                failed = drain(pipe, lines, failed);
                context = label;
                failed = count(failed, command(words));
            }
        } catch (IOException e) {
            failed = drain(pipe, lines, failed);
            context = null;
            err.println("smcroutectl: Failed reading stdin: " + e.getMessage());
            failed = count(failed, 1);
        }
        return drain(pipe, lines, failed);
    }

    /** Reads and reports the oldest reply in flight, under its line's label. */
    private int receive(Pipeline pipe, ArrayDeque<String> lines, int failed) {
        context = lines.remove();
        return count(failed, report(pipe.receive(err)));
    }

    /** "smcroutectl: ", with the batch line when there is one. */
    private String prefix() {
        return context == null ? "smcroutectl: " : "smcroutectl: " + context + ": ";
    }

    /** Adds a line's status to the batch's count of failed lines, which stops at 255. */
    private static int count(int failed, int rc) {
        return rc != 0 && failed < 255 ? failed + 1 : failed;
    }

    /** Reads and reports every reply still in flight, oldest first. */
    private int drain(Pipeline pipe, ArrayDeque<String> lines, int failed) {
        while (!pipe.isEmpty()) {
            failed = receive(pipe, lines, failed);
        }
        return failed;
    }

    /**
     * The request of a batch line that may go through the {@link Pipeline}: a well-formed add,
     * remove, join or leave, whose reply is nothing or an error text. Null for anything else.
     */
    private static byte[] pipelined(List<String> words) {
        int cmd = Commands.lookup(words.get(0));
        if (cmd != Commands.ADD && cmd != Commands.REMOVE && cmd != Commands.DEL
                && cmd != Commands.JOIN && cmd != Commands.LEAVE) {
            return null;
        }
        List<String> args = words.subList(1, words.size());
        if (args.size() < Commands.MIN_ARGS[cmd]) {
            return null;
        }
        try {
            return Wire.encode(new Request(Commands.CODES[cmd], args, Wire.WANTS_STATUS));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Executes one command line (command word plus arguments); returns 0 or 1. */
    private int command(List<String> words) {
        if (words.isEmpty()) {
            return send(new Request(showCode(), List.of()), true);
        }
        String word = words.get(0);
        int cmd = Commands.lookup(word);
        if (cmd < 0) {
            err.println(prefix() + "Unknown command " + word);
            return 1;
        }
        List<String> args = words.subList(1, words.size());
        if (args.size() < Commands.MIN_ARGS[cmd]) {
            err.println(prefix() + "Not enough arguments to command " + Commands.NAMES[cmd]);
            out.print(Commands.helpBlock(cmd));
            return 1;
        }
        switch (cmd) {
            case Commands.HELP:
                if (args.isEmpty()) {
                    out.print(Commands.usage(socketPath().toString()));
                    return 0;
                }
                return helpFor(args.get(0));
            case Commands.VERSION:
                out.print(Version.text());
                return 0;
            case Commands.SHOW:
                if (!args.isEmpty() && Commands.view(args.get(0)) < 0) {
                    err.println(prefix() + "Unknown view " + args.get(0) + ", try " + Commands.VIEW_LIST);
                    return 1;
                }
                return send(new Request(showCode(), args), true);
            case Commands.METRICS:
                return streamed(Commands.CODES[cmd], '#', "Daemon closed connection before the end of the metrics");
            case Commands.MONITOR:
                return streamed(Commands.CODES[cmd], '{', "Event stream ended by the daemon");
            case Commands.DOCTOR:
                return doctor();
            default:
                return send(new Request(Commands.CODES[cmd], args, Wire.WANTS_STATUS), false);
        }
    }

    private int helpFor(String word) {
        int cmd = Commands.lookup(word);
        if (cmd < 0) {
            err.println("smcroutectl: Unknown command " + word);
            return 1;
        }
        out.print(Commands.helpBlock(cmd));
        return 0;
    }

    private char showCode() {
        return json ? 'J' : detail ? 'S' : 's';
    }

    /** {@code metrics}, {@code monitor}: the reply is copied to stdout as it arrives. */
    private int streamed(char code, char first, String cut) {
        return Streamed.copy(socketPath(), socketOpt != null, Wire.encode(new Request(code, List.of())), first,
                prefix(), cut, out, err);
    }

    /** {@code doctor}: the daemon's findings as text or ({@code -j}) JSON; 1 when any is an error. */
    private int doctor() {
        byte[] reply = Connection.exchange(socketPath(), socketOpt != null,
                Wire.encode(new Request(Commands.CODES[Commands.DOCTOR], List.of())), err);
        if (reply == null || reply.length == 0) {
            return report(reply);
        }
        int n = reply[reply.length - 1] == 0 ? reply.length - 1 : reply.length;
        DoctorReport r = DoctorReport.parse(reply, n);
        if (r == null) {
            return report(reply);
        }
        out.print(json ? r.json() : r.text());
        out.flush();
        return r.anyError() ? 1 : 0;
    }

    private int send(Request req, boolean show) {
        byte[] msg;
        try {
            msg = Wire.encode(req);
        } catch (IllegalArgumentException e) {
            err.println(prefix() + "Failed constructing IPC command: " + e.getMessage());
            return 1;
        }
        if (show) {
            return show(req, msg);
        }
        return report(Connection.exchange(socketPath(), socketOpt != null, msg, err));
    }

    /**
     * A show request: the reply is written out as it arrives (JSON as it is, text rendered line
     * by line), so a table of any size needs no more memory than one read.
     */
    private int show(Request req, byte[] msg) {
        ShowSink sink = new ShowSink(out, req.cmd() == 'J' ? null : renderer().feed(out));
        long n = Connection.stream(socketPath(), socketOpt != null, msg, err, sink);
        if (n < 0) {
            return 1;
        }
        if (n == 0) {
            err.println(prefix() + "Daemon closed connection without reply");
            return 1;
        }
        sink.finish();
        return 0;
    }

    /**
     * Writes a show reply through, all but its final NUL: one byte is held back until the next
     * arrives. A class, not a lambda: this runs on every start of the client.
     */
    private static final class ShowSink implements Connection.Sink {
        private final PrintStream out;
        private final Renderer.Feed feed;
        private final byte[] held = new byte[1];
        private boolean holding;

        ShowSink(PrintStream out, Renderer.Feed feed) {
            this.out = out;
            this.feed = feed;
        }

        @Override
        public void accept(byte[] b, int len) {
            if (holding) {
                write(held, 1);
            }
            held[0] = b[len - 1];
            holding = true;
            write(b, len - 1);
        }

        private void write(byte[] b, int len) {
            if (feed == null) {
                out.write(b, 0, len);
            } else {
                feed.write(b, 0, len);
            }
        }

        void finish() {
            if (holding && held[0] != 0) {
                write(held, 1);
            }
            if (feed != null) {
                feed.finish();
            }
            out.flush();
        }
    }

    /**
     * Reports the reply of a request that is not a show (null: the failure was already
     * printed). It is a status reply ({@link Wire#WANTS_STATUS}): its messages go to stderr, as
     * warnings when it succeeded; the original daemon ignores the flag, and its reply, empty or
     * an error text, is reported as that.
     */
    private int report(byte[] reply) {
        if (reply == null) {
            return 1;
        }
        if (reply.length == 0) {
            err.println(prefix() + "Daemon closed connection without reply");
            return 1;
        }
        int n = reply[reply.length - 1] == 0 ? reply.length - 1 : reply.length;
        if (n == 0) {
            return 0;
        }
        boolean status = reply[0] == Wire.DONE || reply[0] == Wire.FAILED;
        boolean failed = !status || reply[0] == Wire.FAILED;
        // the daemon's text as it sent it, whatever this process's locale; one message a line
        for (int start = status ? 1 : 0; start < n; ) {
            int eol = start;
            while (eol < n && reply[eol] != '\n') {
                eol++;
            }
            if (eol > start) {
                err.print(failed ? prefix() : prefix() + "warning: ");
                err.write(reply, start, eol - start);
                err.println();
            }
            if (!status) {
                break; // an original daemon's error text is one line
            }
            start = eol + 1;
        }
        return failed ? 1 : 0;
    }

    /** {@code -t} beats {@code -p}; the ANSI width is probed at most once per run. */
    private Renderer renderer() {
        Renderer.Style style = noHeadings ? Renderer.Style.NONE
                : plain || !Terminal.colours() ? Renderer.Style.PLAIN : Renderer.Style.ANSI;
        if (width < 0) {
            width = Renderer.DEFAULT_WIDTH;
            if (style == Renderer.Style.ANSI && in == System.in && err == System.err
                    && Terminal.stdinAndStderrAreTerminals()) {
                width = Terminal.probeWidth(in, err, Renderer.DEFAULT_WIDTH);
            }
        }
        return new Renderer(style, width);
    }
}
