package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
import org.smcroute.net.SourceGroup;
import org.smcroute.route.RouteEditor;

/**
 * The {@code mproxy} lines of the configuration: validated, their interfaces resolved and given
 * VIFs/MIFs, in file order. They take part in reloads like every table (a line claimed again
 * keeps everything learned on its interfaces) and tell their {@link Listener}, the running proxy,
 * when the set changed. Verify mode uses this table without a listener.
 */
public final class ProxyLines {

    /** Told after the lines changed (outside a reload, or once at its end). */
    public interface Listener {
        void linesChanged();
    }

    /** One line: an upstream interface, the groups (null for every routable one), the downstream ones. */
    public static final class Line {
        private final String upstream;
        private final Prefix group;
        private final Set<String> downstream = new LinkedHashSet<>();
        private boolean unused;

        Line(String upstream, Prefix group) {
            this.upstream = upstream;
            this.group = group;
        }

        public String upstream() {
            return upstream;
        }

        /** The configured group range, null for every routable group of both families. */
        public Prefix group() {
            return group;
        }

        public Set<String> downstream() {
            return downstream;
        }

        /** Whether the line proxies {@code g}: in its range and routable (never link scope). */
        public boolean covers(Addr g) {
            return routable(g) && (group == null || group.contains(g));
        }

        /** Whether the line proxies some group of family {@code f}. */
        public boolean serves(Family f) {
            return group == null || group.addr().v6() == f.v6();
        }
    }

    private final Interfaces ifaces;
    private final RouteEditor editor;
    private final Log log;
    private final List<Line> lines = new ArrayList<>();
    private Listener listener = () -> { };
    private boolean deferred;

    /** {@code editor} queues lines whose interfaces are missing, as for mroute (SPEC §6.9). */
    public ProxyLines(Interfaces ifaces, RouteEditor editor, Log log) {
        this.ifaces = ifaces;
        this.editor = editor;
        this.log = log;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** The lines in file order. */
    public List<Line> lines() {
        return lines;
    }

    /**
     * A group that multicast routing may carry beyond the link: never 224.0.0.0/24, nor IPv6
     * scopes up to link-local (ff00::/16, ff01::/16, ff02::/16).
     */
    public static boolean routable(Addr g) {
        if (!g.isMulticast()) {
            return false;
        }
        if (!g.v6()) {
            return (g.lo() & 0xffffff00L) != 0xe0000000L;
        }
        return ((g.hi() >>> 48) & 0x0f) > 2;
    }

    /** Applies one line (directive or pending replay); see smcroute.conf(5). */
    public Outcome apply(Origin o, String from, String group, List<String> to) {
        Prefix range = null;
        if (group != null) {
            SourceGroup.Result parsed = SourceGroup.parse(null, group);
            if (parsed instanceof SourceGroup.Invalid bad) {
                String what = bad.fault() == SourceGroup.Fault.GROUP ? "mproxy: Invalid multicast group: "
                        : "mproxy: Invalid multicast group prefix length, ";
                return invalid(o, what + bad.value());
            }
            range = ((SourceGroup.Valid) parsed).group();
        }
        Pending.Entry entry = new Pending.Entry("mproxy", from, null, group, List.copyOf(to));
        List<Iface> matched = ifaces.matchPresent(from);
        if (matched.isEmpty()) {
            editor.queue(o, entry, "upstream " + from);
            return Outcome.OK;
        }
        Iface up = null;
        for (Iface i : matched) {
            if (i.usable()) {
                up = i;
                break;
            }
        }
        if (up == null) {
            return failing(o, "mproxy: upstream " + from + " is not multicast capable");
        }
        if (matched.size() > 1) {
            log.warn(o.prefix() + "mproxy: " + from + " matches several interfaces, using " + up.name() + " as upstream");
        }
        if (isDownstream(up.name(), range)) {
            return failing(o, "mproxy: upstream " + up.name() + " is downstream of another mproxy line");
        }
        ifaces.reference(up);
        if (!hasSlot(up, range)) {
            return failing(o, "mproxy: upstream " + up.name() + " has no VIF, VIF table exhausted?");
        }
        Set<String> down = new LinkedHashSet<>();
        String missing = null;
        for (String pat : to) {
            List<Iface> m = ifaces.matchPresent(pat);
            if (m.isEmpty() && missing == null) {
                missing = pat;
            }
            for (Iface i : m) {
                String why = i == up ? " is the upstream interface"
                        : isUpstream(i.name(), range) ? " is upstream of another mproxy line"
                        : !i.usable() ? " is not multicast capable" : null;
                if (why != null) {
                    if (!Interfaces.isWildcard(pat)) {
                        log.warn(o.prefix() + "mproxy: downstream " + i.name() + why + ", skipping");
                    }
                    continue;
                }
                ifaces.reference(i);
                if (hasSlot(i, range)) {
                    down.add(i.name());
                } else {
                    log.warn(o.prefix() + "mproxy: downstream " + i.name() + " has no VIF, VIF table exhausted?");
                }
            }
        }
        if (missing != null) {
            editor.queue(o, entry, "downstream " + missing);
        }
        if (down.isEmpty()) {
            return missing != null ? Outcome.OK : failing(o, "mproxy: no downstream interface");
        }
        Line line = find(up.name(), range);
        if (line == null) {
            line = new Line(up.name(), range);
            lines.add(line);
        } else if (line.unused) {
            line.downstream.clear();
        }
        line.unused = false;
        line.downstream.addAll(down);
        changed();
        return Outcome.OK;
    }

    private static boolean hasSlot(Iface i, Prefix range) {
        return range == null ? i.hasSlot() : i.slot(Family.of(range.addr().v6())) >= 0;
    }

    private static boolean overlap(Prefix a, Prefix b) {
        return a == null || b == null || (a.addr().v6() == b.addr().v6()
                && (a.contains(b.addr()) || b.contains(a.addr())));
    }

    private boolean isDownstream(String name, Prefix range) {
        for (Line l : lines) {
            if (!l.unused && l.downstream.contains(name) && overlap(l.group, range)) {
                return true;
            }
        }
        return false;
    }

    private boolean isUpstream(String name, Prefix range) {
        for (Line l : lines) {
            if (!l.unused && l.upstream.equals(name) && overlap(l.group, range)) {
                return true;
            }
        }
        return false;
    }

    private Line find(String upstream, Prefix range) {
        for (Line l : lines) {
            if (l.upstream.equals(upstream) && Objects.equals(l.group, range)) {
                return l;
            }
        }
        return null;
    }

    private Outcome invalid(Origin o, String text) {
        log.warn(o.prefix() + text);
        return Outcome.invalid(o.prefix() + text);
    }

    private Outcome failing(Origin o, String text) {
        log.warn(o.prefix() + text);
        return Outcome.failing(o.prefix() + text);
    }

    private void changed() {
        if (!deferred) {
            listener.linesChanged();
        }
    }

    /** True between {@link #beginReload} and {@link #endReload}. */
    public boolean reloading() {
        return deferred;
    }

    /** Reload, first half (SPEC §11): every line is unused until the file claims it again. */
    public void beginReload() {
        for (Line l : lines) {
            l.unused = true;
        }
        deferred = true;
    }

    /** Reload, second half: lines no longer in the file go, and the listener hears once. */
    public void endReload() {
        lines.removeIf(l -> l.unused);
        deferred = false;
        listener.linesChanged();
    }
}
