package org.smcroute.log;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.smcroute.text.Atoi;
import org.smcroute.text.Bytes;

/**
 * The daemon's logger: syslog severities, a level filter and pluggable sinks. Deliberately tiny
 * (no JUL, no frameworks) because every class loaded here costs start-up time.
 */
public final class Log {

    public static final int NONE = -1;
    public static final int EMERG = 0;
    public static final int ALERT = 1;
    public static final int CRIT = 2;
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int NOTICE = 5;
    public static final int INFO = 6;
    public static final int DEBUG = 7;

    /** Where messages go: stderr, syslog, a test buffer, verify-mode stdout. */
    public interface Sink {
        void write(int level, String message);
    }

    private static final String[] NAMES = {
        "alert", "crit", "debug", "emerg", "err", "error", "info", "none", "notice", "panic", "warn", "warning"
    };
    private static final int[] VALUES = {ALERT, CRIT, DEBUG, EMERG, ERR, ERR, INFO, NONE, NOTICE, EMERG, WARNING, WARNING};

    private volatile int level;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    /** See {@link #capture}; used on the state thread only. */
    private List<String> capture;
    /** See {@link #context}; used on the state thread only. */
    private String context = "";

    public Log(int level) {
        this.level = level;
    }

    public Log(int level, Sink sink) {
        this(level);
        sinks.add(sink);
    }

    public void addSink(Sink sink) {
        sinks.add(sink);
    }

    public int level() {
        return level;
    }

    public void setLevel(int level) {
        this.level = level;
    }

    public boolean enabled(int severity) {
        return severity <= level;
    }

    /**
     * Until {@code capture(null)}, also keeps every message at WARNING or worse in {@code into},
     * whatever the level filter: the errors of a reload for the client that waits for it.
     * State thread only.
     */
    public void capture(List<String> into) {
        capture = into;
    }

    /**
     * Until {@code context(null)}, every message that does not start with {@code prefix} gets
     * it: while a configuration line is applied, whatever it causes names the line
     * ({@code "<file> line <n>: "}). State thread only.
     */
    public void context(String prefix) {
        context = prefix == null ? "" : prefix;
    }

    public void log(int severity, String message) {
        if (!context.isEmpty() && !message.startsWith(context)) {
            message = context + message;
        }
        if (capture != null && severity <= WARNING) {
            capture.add(message);
        }
        if (severity > level) {
            return;
        }
        for (Sink s : sinks) {
            s.write(severity, message);
        }
    }

    public void err(String m) {
        log(ERR, m);
    }

    public void warn(String m) {
        log(WARNING, m);
    }

    public void notice(String m) {
        log(NOTICE, m);
    }

    public void info(String m) {
        log(INFO, m);
    }

    public void debug(String m) {
        log(DEBUG, m);
    }

    /**
     * Reads a {@code -l} argument: the first name in table order whose first min(len) characters
     * match (case-insensitive), else a whole number (above 7 = debug, negative = none). Anything
     * else is refused: null, where the original read it with atoi.
     */
    public static Integer parseLevel(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        for (int i = 0; i < NAMES.length && !a.isEmpty(); i++) {
            int n = Math.min(a.length(), NAMES[i].length());
            if (a.regionMatches(0, NAMES[i], 0, n)) {
                return VALUES[i];
            }
        }
        Long v = Atoi.strict(arg);
        if (v == null) {
            return null;
        }
        return v < 0 ? NONE : (int) Math.min(v, DEBUG);
    }

    /** Stderr copy in foreground mode: {@code <ident>[<pid>]: <message>}. */
    public static Sink stderr(String ident, long pid) {
        String prefix = ident + "[" + pid + "]: ";
        return (lvl, msg) -> {
            Bytes.print(System.err, prefix + msg + "\n");
        };
    }
}
