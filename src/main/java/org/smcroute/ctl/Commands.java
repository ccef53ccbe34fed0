package org.smcroute.ctl;

import org.smcroute.text.Pad;

/**
 * The client's command table (SPEC §13.2, §13.3) and its help texts. The order of the table is
 * part of the contract: a word selects the first entry whose first min(len) characters equal
 * it, so {@code r} is {@code reload} and the empty word is {@code help}. Plain arrays, no
 * collections or lambdas, because this runs on every start of the client.
 */
final class Commands {

    static final int HELP = 0;
    static final int VERSION = 1;
    static final int FLUSH = 2;
    static final int KILL = 3;
    static final int RELOAD = 4;
    static final int RESTART = 5;
    static final int SHOW = 6;
    static final int ADD = 7;
    static final int REMOVE = 8;
    static final int DEL = 9;
    static final int JOIN = 10;
    static final int LEAVE = 11;
    static final int METRICS = 12;
    static final int MONITOR = 13;
    static final int DOCTOR = 14;

    /** The original's commands, then this implementation's, so old abbreviations keep their meaning. */
    static final String[] NAMES = {
        "help", "version", "flush", "kill", "reload", "restart", "show", "add", "remove", "del", "join", "leave",
        "metrics", "monitor", "doctor"
    };
    /** Minimum number of argument words after the command word. */
    static final int[] MIN_ARGS = {0, 0, 0, 0, 0, 0, 0, 3, 2, 2, 2, 2, 0, 0, 0};
    /** IPC command code; 0 for local commands, and for show (chosen by -d/-j). */
    static final char[] CODES = {0, 0, 'F', 'k', 'H', 'H', 0, 'a', 'r', 'r', 'j', 'l', 'M', 'E', 'D'};

    private static final String[] SYNOPSIS = {
        "[CMD]",
        "",
        "",
        "",
        "",
        "",
        "[groups|interfaces|pending|proxy|routes]",
        "IIF [SRC[/LEN]] GRP[/LEN] OIF [OIF ...]",
        "IIF [SRC[/LEN]] GRP[/LEN] [OIF ...]",
        "IIF [SRC[/LEN]] GRP[/LEN] [OIF ...]",
        "IIF [SRC[/LEN]] GRP[/LEN]",
        "IIF [SRC[/LEN]] GRP[/LEN]",
        "",
        "",
        "",
    };
    private static final String[] SUMMARY = {
        "Show this help text, or the help of CMD",
        "Show program version",
        "Remove all learned routes and stop filters",
        "Stop the daemon",
        "Reload the configuration, like SIGHUP",
        "Same as reload",
        "Show routes (default), groups,\n" + Pad.left("", 36) + "interfaces, pending entries or the proxy",
        "Add a multicast route",
        "Remove a route, or some of its OIFs",
        "Same as remove",
        "Join a multicast group on an interface",
        "Leave a multicast group",
        "Print metrics in the Prometheus text format",
        "Print events as JSON lines until stopped",
        "Check for common multicast routing problems",
    };
    /** Help block description per entry; aliases use the entry above them. */
    private static final String[] DESCRIPTION = {
        "Show the usage text, or the help of one command.",
        "Show the program version and where to report bugs.",
        "Remove every learned kernel route and stop filter at once; (S,G) routes stay.",
        "Ask the daemon to shut down cleanly.",
        "Make the daemon reload its configuration file, as SIGHUP does.",
        null,
        "Show routes, groups, interfaces, pending entries or proxy; -d: counters.",
        "Forward GRP traffic from SRC (any source if omitted) on IIF to each OIF.",
        "Remove the route added with the same IIF, SRC and GRP; with OIFs, only those.",
        null,
        "Join GRP (source-specific with SRC) on IIF, so switches forward the traffic.",
        "Leave a group joined earlier with the same IIF, SRC and GRP.",
        "Print the daemon's metrics for Prometheus (node_exporter textfile).",
        "Print a JSON line per route, interface, group or reload event.",
        "Check what commonly stops multicast routing; status 1 on an error.",
    };
    private static final String[] EXAMPLE = {
        "help add",
        "version",
        "flush",
        "kill",
        "reload",
        null,
        "show groups",
        "add eth0 192.168.1.42 225.1.2.3 eth1 eth2",
        "remove eth0 192.168.1.42 225.1.2.3",
        null,
        "join eth0 225.1.2.3",
        "leave eth0 225.1.2.3",
        "metrics > /var/lib/node_exporter/smcroute.prom.tmp",
        "monitor",
        "doctor",
    };

    /**
     * The views of {@code show} (SPEC §13.3); the daemon picks one by the first letter, and the
     * proxy by {@code pr}, so {@code p} still means pending.
     */
    static final String[] VIEWS = {"groups", "interfaces", "pending", "proxy", "routes"};
    static final String VIEW_LIST = "groups, interfaces, pending, proxy or routes";

    private Commands() {
    }

    /** The view a word abbreviates, or -1. */
    static int view(String word) {
        for (int i = 0; i < VIEWS.length; i++) {
            if (!word.isEmpty() && VIEWS[i].startsWith(word)) {
                return i;
            }
        }
        return -1;
    }

    /** The entry a word selects, or -1 when none does. */
    static int lookup(String word) {
        for (int i = 0; i < NAMES.length; i++) {
            String name = NAMES[i];
            int n = Math.min(word.length(), name.length());
            if (word.regionMatches(0, name, 0, n)) {
                return i;
            }
        }
        return -1;
    }

    /** The per-command block of {@code help CMD}. */
    static String helpBlock(int cmd) {
        int e = DESCRIPTION[cmd] == null ? cmd - 1 : cmd;
        return "Help:\n  " + DESCRIPTION[e] + "\nExample:\n  smcroutectl " + EXAMPLE[e] + "\n";
    }

    /** The full usage text; {@code socket} is the effective default socket path. */
    static String usage(String socket) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("Usage:\n  smcroutectl [-bdhjptv] [-i NAME] [-u FILE] [COMMAND [ARG ...]]\n\n")
          .append("Options:\n")
          .append("  -b       Batch mode: read commands from stdin, one per line, each sent on\n")
          .append("           its own connection; exit status is the number of failed lines\n")
          .append("  -d       Detailed show output, with packet and byte counters\n")
          .append("  -h       Show this help text, or the help of COMMAND\n")
          .append("  -i NAME  Identity of the daemon (smcrouted -i NAME), default smcroute\n")
          .append("  -I NAME  Same as -i\n")
          .append("  -j       JSON show output\n")
          .append("  -p       Plain table headings, no terminal control sequences\n")
          .append("  -t       No table headings\n")
          .append("  -u FILE  IPC socket of the daemon, overrides -i, default ").append(socket).append('\n')
          .append("  -v       Show program version\n\n")
          .append("Commands:\n");
        for (int i = 0; i < NAMES.length; i++) {
            String left = "  " + NAMES[i] + (SYNOPSIS[i].isEmpty() ? "" : " " + SYNOPSIS[i]);
            if (left.length() > 34) {
                sb.append(left).append('\n').append(Pad.left("", 36));
            } else {
                sb.append(Pad.left(left, 36));
            }
            sb.append(SUMMARY[i]).append('\n');
        }
        sb.append("\nArguments:\n")
          .append("  IIF, OIF  Interface names; a name ending in + matches every interface\n")
          .append("            starting with that prefix, e.g. eth+ (+ alone matches all)\n")
          .append("  SRC       Source address; without it any source matches (*,G)\n")
          .append("  GRP       Multicast group address; /LEN gives a range of groups\n")
          .append("  show      groups, interfaces, pending, proxy or routes, or a beginning of\n")
          .append("            one (p is pending, pr proxy)\n\n")
          .append("Commands may be abbreviated: the first command in the list above that begins\n")
          .append("with the given letters is used, so r is reload, res restart and rem remove.\n")
          .append("Details: man smcroutectl\n");
        return sb.toString();
    }
}
