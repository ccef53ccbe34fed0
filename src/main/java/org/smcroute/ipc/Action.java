package org.smcroute.ipc;

import java.util.List;
import org.smcroute.kernel.Kernel;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;

/**
 * What a decoded request asks the daemon to do, its words sorted once per SPEC §14.3. Whether
 * the addresses and interfaces are valid is for the route and group code to judge; this only
 * decides which word is what.
 */
public sealed interface Action {

    /** {@code add} or {@code remove}: {@code source} null for a (*,G) route. */
    record Route(boolean add, String iif, String source, String group, List<String> oifs) implements Action {
    }

    /** {@code join} or {@code leave}: {@code source} null (or empty) for any source. */
    record Membership(boolean join, String iif, String source, String group) implements Action {
    }

    /** {@code show}: {@code style} is the command code (s, S, J), {@code view} the optional word. */
    record Show(char style, String view) implements Action {
    }

    /** {@code flush}, {@code reload} or {@code kill}: the command code. */
    record Control(char cmd) implements Action {
    }

    /**
     * {@code metrics} ({@code M}), {@code monitor} ({@code E}) or {@code doctor} ({@code D}):
     * replies made while they are sent; arguments are ignored.
     */
    record Observe(char cmd) implements Action {
    }

    /**
     * A request that cannot be executed. A malformed one (SPEC §14.6) is answered and its
     * connection closed; any other only answered.
     */
    record Refused(String error, boolean malformed) implements Action {
    }

    /** Sorts the words of {@code r} (SPEC §14.3). */
    static Action of(Request r) {
        char c = r.cmd();
        List<String> a = r.args();
        int n = a.size();
        switch (c) {
            case 'j', 'l' -> {
                if (n < 2) {
                    return new Refused(Wire.malformed(c), true);
                }
                // exactly three words are IIF SOURCE GROUP, any other count IIF GROUP [ignored...]
                return n == 3 ? new Membership(c == 'j', a.get(0), a.get(1), a.get(2))
                        : new Membership(c == 'j', a.get(0), null, a.get(1));
            }
            case 'a', 'r' -> {
                return route(c, a);
            }
            case 's', 'S', 'J' -> {
                return new Show(c, n == 0 ? "" : a.get(0));
            }
            case 'M', 'E', 'D' -> {
                return new Observe(c);
            }
            default -> {
                return new Control(c);
            }
        }
    }

    /**
     * argv[1] is the source when it parses as an address (without /LEN) that is not multicast,
     * and argv[2] then the group; otherwise argv[1] is the group.
     */
    private static Action route(char c, List<String> a) {
        int n = a.size();
        if (n < 2) {
            return new Refused(Wire.malformed(c), true);
        }
        String first = Prefix.Text.split(a.get(1)).addr();
        Addr x = Addr.parse(first);
        boolean source = x != null && !x.isMulticast();
        if (source && n < 3) {
            return new Refused(Wire.malformed(c), true);
        }
        int next = source ? 3 : 2;
        if (n - next > Kernel.MAX_VIFS) {
            return new Refused(Wire.malformed(c), true);
        }
        if (x == null) {
            return new Refused("mroute: invalid source/group address: " + first, false);
        }
        if (source) {
            String g = Prefix.Text.split(a.get(2)).addr();
            Addr ga = Addr.parse(g);
            if (ga == null || !ga.isMulticast()) {
                return new Refused("mroute: invalid multicast group: " + g, false);
            }
        }
        return new Route(c == 'a', a.get(0), source ? a.get(1) : null, a.get(source ? 2 : 1), a.subList(next, n));
    }
}
