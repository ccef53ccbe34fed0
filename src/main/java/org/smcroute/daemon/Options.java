package org.smcroute.daemon;

import org.smcroute.cli.Getopt;
import org.smcroute.cli.Version;
import org.smcroute.log.Log;
import org.smcroute.net.HostPort;
import org.smcroute.text.Atoi;

/**
 * The parsed {@code smcrouted} command line (SPEC §3.1–§3.3). Parsing is separate from acting
 * so the launcher can settle {@code -h}, {@code -v} and every option error in the foreground
 * (§3.5) and so it is testable: {@link #parse} never exits, it returns an {@link Exit} saying
 * what to print and which code to exit with.
 *
 * <p>All options are read first and paths composed afterwards, so {@code -i} combines with
 * {@code -f}, {@code -P} and {@code -u} in any order; the last of a repeated option wins.
 * SYSCONFDIR and RUNSTATEDIR come from the system properties {@code smcroute.sysconfdir}
 * (default {@code /etc}) and {@code smcroute.runstatedir} (default {@code /run}), which the
 * launcher sets.
 *
 * @param cacheTimeout   {@code -c}: expiry period for learned routes, seconds; 0 or less = off
 * @param startupDelay   {@code -d}: seconds to wait before touching interfaces and kernel
 * @param exitAfter      {@code -D}: clean shutdown after this many seconds, or null when off
 * @param script         {@code -e}: script hook path, or null
 * @param confFile       {@code -f} or {@code SYSCONFDIR/<ident>.conf}
 * @param verifyFile     {@code -F}: verify this file and exit, or null
 * @param ident          {@code -i}/{@code -I}: identity, default {@code smcroute}
 * @param logLevel       effective level: {@code -l}, else info with {@code -F}, else notice
 * @param logLevelGiven  whether {@code -l} appeared
 * @param mrdiscInterval {@code -m}: 4..180, default 20
 * @param foreground     {@code -n}
 * @param bareDisables   {@code -N}: a bare {@code phyint IFNAME} line means disable
 * @param user           {@code -p}: raw {@code USER[:GROUP]}, resolved later, or null
 * @param pidFile        {@code RUNSTATEDIR/<ident>.pid}, or per the {@code -P} rule
 * @param syslogOnly     {@code -s}: syslog also in the foreground, no stderr copy
 * @param table          {@code -t}: multicast routing table, 0 = kernel default
 * @param socketPath     {@code -u} or {@code RUNSTATEDIR/<ident>.sock}
 * @param rangeLimit     {@code --range-limit}: largest join expansion, default 4096
 * @param cacheLimit     {@code --cache-limit}: most learned kernel entries, default 100000
 * @param syntaxOnly     {@code --syntax-only}: with {@code -F}, check grammar and values only
 * @param metricsListen  {@code --metrics-listen}: where to serve HTTP metrics, or null (off)
 */
public record Options(
        int cacheTimeout,
        int startupDelay,
        Integer exitAfter,
        String script,
        String confFile,
        String verifyFile,
        String ident,
        int logLevel,
        boolean logLevelGiven,
        int mrdiscInterval,
        boolean foreground,
        boolean bareDisables,
        String user,
        String pidFile,
        boolean syslogOnly,
        int table,
        String socketPath,
        int rangeLimit,
        int cacheLimit,
        boolean syntaxOnly,
        HostPort metricsListen) {

    public static final String PROG = "smcrouted";
    public static final String OPTSTRING = "c:d:D:e:f:F:hI:i:l:m:nNp:P:st:u:v";
    public static final String RANGE_LIMIT = "range-limit";
    public static final String CACHE_LIMIT = "cache-limit";
    public static final String SYNTAX_ONLY = "syntax-only";
    public static final String METRICS_LISTEN = "metrics-listen";
    public static final int EX_USAGE = 64;

    /** What {@link #parse} decided. */
    public sealed interface Result {
    }

    /** Go on and run with these options. */
    public record Run(Options options) implements Result {
    }

    /** Print {@code stdout} and {@code stderr} (either may be empty) and exit with {@code code}. */
    public record Exit(int code, String stdout, String stderr) implements Result {
    }

    /**
     * Parses the command line (without the program name). Order of decisions: a getopt error
     * (complaint on stderr, usage on stdout, 64); then the first of {@code -h} (usage, 0) and
     * {@code -v} (version, 0); then a non-option argument or a bad value (a message naming the
     * option and the value, 64). Numbers are whole decimal numbers, nothing else.
     */
    public static Result parse(String[] args) {
        String c = null;
        String d = null;
        String exitAfter = null;
        String e = null;
        String f = null;
        String verify = null;
        String ident = "smcroute";
        String level = null;
        String m = null;
        boolean n = false;
        boolean bare = false;
        String user = null;
        String pid = null;
        boolean s = false;
        String t = null;
        String u = null;
        String range = null;
        String cacheLimit = null;
        boolean syntaxOnly = false;
        String metrics = null;
        char info = 0;

        Getopt g = new Getopt(PROG, OPTSTRING, args, RANGE_LIMIT + ":", CACHE_LIMIT + ":", SYNTAX_ONLY,
                METRICS_LISTEN + ":");
        int opt;
        while ((opt = g.next()) != Getopt.END) {
            String arg = g.optarg();
            switch (opt) {
                case 'c' -> c = arg;
                case 'd' -> d = arg;
                case 'D' -> exitAfter = arg;
                case 'e' -> e = arg;
                case 'f' -> f = arg;
                case 'F' -> verify = arg;
                case 'h', 'v' -> info = info == 0 ? (char) opt : info;
                case 'I', 'i' -> ident = arg;
                case 'l' -> level = arg;
                case 'm' -> m = arg;
                case 'n' -> n = true;
                case 'N' -> bare = true;
                case 'p' -> user = arg;
                case 'P' -> pid = arg;
                case 's' -> s = true;
                case 't' -> t = arg;
                case 'u' -> u = arg;
                case Getopt.LONG -> range = arg;
                case Getopt.LONG + 1 -> cacheLimit = arg;
                case Getopt.LONG + 2 -> syntaxOnly = true;
                case Getopt.LONG + 3 -> metrics = arg;
                default -> {
                    return new Exit(EX_USAGE, usage(ident), g.error() + "\n");
                }
            }
        }

        String sysconf = System.getProperty("smcroute.sysconfdir", "/etc");
        String run = System.getProperty("smcroute.runstatedir", "/run");
        if (info == 'h') {
            return new Exit(0, usage(ident), "");
        }
        if (info == 'v') {
            return new Exit(0, Version.text(), "");
        }
        if (!g.operands().isEmpty()) {
            return bad("unexpected argument '" + g.operands().get(0) + "' (options take their value as -f FILE)");
        }
        Values v = new Values();
        int cacheTimeout = v.number("-c", c, 60, Integer.MIN_VALUE, "");
        int delay = v.number("-d", d, 0, 0, "must be 0 or more");
        int exit = v.number("-D", exitAfter, 0, 0, "must be 0 or more");
        int interval = v.number("-m", m, 20, 4, "invalid mrdisc announcement interval, 4-180");
        int table = v.number("-t", t, 0, 0, "a table ID is 0 or more");
        int rangeLimit = v.number("--" + RANGE_LIMIT, range, 4096, 1, "must be 1 or more");
        int learned = v.number("--" + CACHE_LIMIT, cacheLimit, 100_000, 1, "must be 1 or more");
        Integer logLevel = level == null ? (Integer) (verify != null ? Log.INFO : Log.NOTICE) : Log.parseLevel(level);
        if (v.error == null && interval > 180) {
            v.error = "-m " + m + ": invalid mrdisc announcement interval, 4-180";
        }
        if (v.error == null && logLevel == null) {
            v.error = "-l " + level + ": unknown log level, use none, err, notice, info, debug or 0-7";
        }
        if (v.error == null && syntaxOnly && verify == null) {
            v.error = "--" + SYNTAX_ONLY + " goes with -F FILE";
        }
        HostPort listen = metrics == null ? null : HostPort.parse(metrics);
        if (v.error == null && metrics != null && listen == null) {
            v.error = "--" + METRICS_LISTEN + " " + metrics + ": expected ADDR:PORT or [ADDR6]:PORT, e.g. 127.0.0.1:9810";
        }
        if (v.error != null) {
            return bad(v.error);
        }
        String pidFile;
        if (pid == null) {
            pidFile = run + "/" + ident + ".pid";
        } else if (pid.startsWith("/")) {
            pidFile = pid;
        } else {
            pidFile = run + "/" + pid + ".pid";
        }
        return new Run(new Options(cacheTimeout, delay, exitAfter == null ? null : exit, e,
                f != null ? f : sysconf + "/" + ident + ".conf",
                verify, ident, logLevel, level != null, interval, n, bare, user, pidFile, s, table,
                u != null ? u : run + "/" + ident + ".sock",
                rangeLimit, learned, syntaxOnly, listen));
    }

    /** The same options with other script, configuration, PID file and socket paths. */
    Options withPaths(String script, String conf, String pid, String socket) {
        return new Options(cacheTimeout, startupDelay, exitAfter, script, conf, verifyFile, ident, logLevel,
                logLevelGiven, mrdiscInterval, foreground, bareDisables, user, pid, syslogOnly, table, socket,
                rangeLimit, cacheLimit, syntaxOnly, metricsListen);
    }

    /** A usage error: the message on stderr, a pointer to -h, exit 64; nothing is started. */
    private static Exit bad(String message) {
        return new Exit(EX_USAGE, "", PROG + ": " + message + "\nTry '" + PROG + " -h' for more information.\n");
    }

    /** Numeric option values, checked in order; the first problem is kept. */
    private static final class Values {
        String error;

        /** {@code text} as a whole number of at least {@code min}, or {@code dflt} when absent. */
        int number(String option, String text, int dflt, int min, String rangeText) {
            if (text == null || error != null) {
                return dflt;
            }
            Long v = Atoi.strict(text);
            if (v == null || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                error = option + " " + text + ": not a number";
                return dflt;
            }
            if (v < min) {
                error = option + " " + text + ": " + rangeText;
                return dflt;
            }
            return v.intValue();
        }
    }

    /** The {@code -h} text, with the default paths for {@code ident}. */
    public static String usage(String ident) {
        String etc = System.getProperty("smcroute.sysconfdir", "/etc");
        String run = System.getProperty("smcroute.runstatedir", "/run");
        return "Usage: smcrouted [-hnNsv] [-c SEC] [-d SEC] [-e CMD] [-f FILE] [-F FILE]\n"
             + "                 [-i NAME] [-l LVL] [-m SEC] [-p USER[:GROUP]] [-P FILE]\n"
             + "                 [-t ID] [-u FILE] [--range-limit N] [--cache-limit N]\n"
             + "                 [--syntax-only] [--metrics-listen ADDR:PORT]\n"
             + "\n"
             + "Options:\n"
             + "  -c SEC           Every SEC seconds, remove learned routes and stop filters\n"
             + "                   idle for SEC seconds; default 60, 0 = never\n"
             + "  -d SEC           Wait SEC seconds at start before probing interfaces and\n"
             + "                   reading the configuration, default 0\n"
             + "  -e CMD           Run the executable CMD (no shell) with the argument 'reload'\n"
             + "                   after the configuration is loaded or reloaded, and 'install'\n"
             + "                   after a learned route was installed\n"
             + "  -f FILE          Configuration file, default " + etc + "/" + ident + ".conf\n"
             + "  -F FILE          Check FILE for errors and exit; exit code 78 on problems\n"
             + "                   (interfaces that do not exist on this host are errors)\n"
             + "  -h               Show this help text and exit\n"
             + "  -i NAME          Identity: syslog name and base name of the .conf, .pid and\n"
             + "                   .sock files, default smcroute (now " + ident + ")\n"
             + "  -I NAME          Same as -i\n"
             + "  -l LVL           Log level: none, err, notice, info or debug, default notice\n"
             + "  -m SEC           Multicast router discovery announcement interval, 4-180,\n"
             + "                   default 20\n"
             + "  -n               Run in the foreground; log to stderr as well, unless -s\n"
             + "  -N               A bare 'phyint IFNAME' line, with neither 'enable' nor\n"
             + "                   'disable', disables the interface instead of enabling it\n"
             + "  -p USER[:GROUP]  Drop root privileges to USER (and GROUP) once running,\n"
             + "                   keeping CAP_NET_ADMIN and CAP_NET_RAW; GROUP owns the socket\n"
             + "  -P FILE          PID file, default " + run + "/" + ident + ".pid; a FILE not\n"
             + "                   starting with / becomes " + run + "/FILE.pid\n"
             + "  -s               Log to syslog only, also in the foreground\n"
             + "  -t ID            Multicast routing table (Linux), default 0: kernel default\n"
             + "  -u FILE          IPC socket for smcroutectl, default " + run + "/" + ident + ".sock\n"
             + "  -v               Show version information and exit\n"
             + "  --range-limit N  Largest number of group joins one mgroup line or join\n"
             + "                   command may expand to, default 4096\n"
             + "  --cache-limit N  Largest number of learned (*,G) kernel entries and stop\n"
             + "                   filters kept at once, default 100000\n"
             + "  --syntax-only    With -F: check grammar and values only, the same on any\n"
             + "                   host (interfaces are assumed to exist)\n"
             + "  --metrics-listen ADDR:PORT\n"
             + "                   Serve Prometheus metrics on HTTP GET /metrics at ADDR:PORT\n"
             + "                   ([ADDR6]:PORT for IPv6); off by default\n"
             + "\n"
             + "Details: man smcrouted, man smcroute.conf\n"
             + "Bug report address: " + Version.bugReport() + "\n";
    }
}
