package org.smcroute.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.group.Groups;
import org.smcroute.group.KernelJoin;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.Routing;
import org.smcroute.net.Addr;
import org.smcroute.route.ConfRoute;
import org.smcroute.route.Phyints;
import org.smcroute.route.Routes;

/**
 * The doctor's checks that need no traffic: what the daemon's own state says (interfaces in
 * use, routes, pending lines, VIF/MIF use, why a routing API is closed) and the kernel
 * settings of its namespace that decide whether that state can forward anything. Each check
 * returns its findings, or one {@code ok} line saying what it looked at; each warns only about
 * something that stops configured traffic, so a working setup gets no warning.
 */
final class Checks {

    /** Findings per code; more are summed up in one line. */
    static final int MAX_PER_CODE = 10;

    private final Routing routing;
    private final Interfaces ifaces;
    private final Routes routes;
    private final Groups groups;
    private final Pending pending;
    private final Phyints phyints;
    private final Sysctl sysctl;
    private final Doctor.Self self;

    Checks(Routing routing, Interfaces ifaces, Routes routes, Groups groups, Pending pending, Phyints phyints,
            Sysctl sysctl, Doctor.Self self) {
        this.routing = routing;
        this.ifaces = ifaces;
        this.routes = routes;
        this.groups = groups;
        this.pending = pending;
        this.phyints = phyints;
        this.sysctl = sysctl;
        this.self = self;
    }

    private List<ConfRoute> confRoutes() {
        List<ConfRoute> all = new ArrayList<>(routes.templates());
        all.addAll(routes.ssmRoutes());
        return all;
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** {@code rp-filter}: IPv4 drops multicast whose source fails a strict reverse-path check. */
    List<Finding> rpFilter() {
        List<Finding> out = new ArrayList<>();
        int all = sysctl.getInt(0, "net", "ipv4", "conf", "all", "rp_filter");
        for (Iface i : ifaces.all()) {
            int slot = i.slot(Family.INET);
            if (slot < 0 || !i.present()) {
                continue;
            }
            int n = 0;
            for (ConfRoute r : confRoutes()) {
                n += r.family() == Family.INET && r.inbound() == slot ? 1 : 0;
            }
            int dev = sysctl.getInt(0, "net", "ipv4", "conf", i.name(), "rp_filter");
            if (n == 0 || Math.max(all, dev) != 1) {
                continue;
            }
            String key = "net.ipv4.conf." + Sysctl.keyName(i.name()) + ".rp_filter";
            String fix = dev == 1 && all == 1 ? "set " + key + "=0 or 2 and net.ipv4.conf.all.rp_filter=0 or 2"
                    : dev == 1 ? "set " + key + "=0 or 2"
                    : "set net.ipv4.conf.all.rp_filter=0 or 2 (the kernel applies the higher of all and " + i.name() + ")";
            out.add(Finding.warn("rp-filter", i.name() + " has rp_filter=1 (strict) and is the inbound interface of "
                    + plural(n, "route"), fix));
        }
        return orOk(out, "rp-filter", "no inbound interface has a strict reverse-path filter");
    }

    /** How many conf routes (inbound or outbound) and kernel joins use an interface. */
    private String users(Iface i) {
        int r = 0;
        for (ConfRoute c : confRoutes()) {
            int slot = i.slot(c.family());
            r += slot >= 0 && (c.inbound() == slot || (c.oifs() & (1 << slot)) != 0) ? 1 : 0;
        }
        int j = 0;
        for (KernelJoin k : groups.kernelJoins()) {
            j += k.ifname().equals(i.name()) ? 1 : 0;
        }
        return plural(r, "route") + " and " + plural(j, "group join");
    }

    /** {@code no-multicast}: an interface in use lost IFF_MULTICAST, so its VIF/MIF is suspended. */
    List<Finding> noMulticast() {
        List<Finding> out = new ArrayList<>();
        for (Iface i : ifaces.all()) {
            if (i.present() && i.hasSlot() && (i.flags() & Link.IFF_MULTICAST) == 0) {
                out.add(Finding.error("no-multicast", i.name() + " has no MULTICAST flag, so its VIF/MIF is suspended and the "
                        + users(i) + " that use it do nothing", "ip link set " + i.name() + " multicast on"));
            }
        }
        return orOk(out, "no-multicast", "every interface in use has the MULTICAST flag");
    }

    /** {@code iface-down}: an interface in use is administratively down. */
    List<Finding> ifaceDown() {
        List<Finding> out = new ArrayList<>();
        for (Iface i : ifaces.all()) {
            if (i.present() && i.hasSlot() && i.usable() && !i.up()) {
                out.add(Finding.warn("iface-down", i.name() + " is down, and " + users(i) + " use it",
                        "ip link set " + i.name() + " up"));
            }
        }
        return orOk(out, "iface-down", "every interface in use is up");
    }

    /** {@code link-local-group}: Linux never forwards link-scope groups, so such a route does nothing. */
    List<Finding> linkLocalGroup() {
        List<Finding> out = new ArrayList<>();
        for (ConfRoute r : confRoutes()) {
            Addr g = r.group().addr();
            boolean linkLocal = g.v6() ? r.group().len() >= 16 && ((g.hi() >>> 48) & 0xf) <= 2
                    : r.group().len() >= 24 && (g.lo() & 0xffffff00L) == 0xe0000000L;
            if (linkLocal) {
                Iface in = ifaces.bySlot(r.family(), r.inbound());
                String sg = "(" + (r.anySource() ? "*" : r.source().toString()) + ", " + r.group() + ")";
                out.add(Finding.warn("link-local-group", "route " + sg + " from " + (in == null ? "?" : in.name())
                        + " is for a link-local group (" + (g.v6() ? "ff02::/16" : "224.0.0.0/24")
                        + "), which Linux never forwards", "remove the route; link-local protocols need a proxy or reflector"));
            }
        }
        return orOk(capped(out), "link-local-group", "no route is for a link-local group");
    }

    /** {@code missing-iface}: configured interfaces that do not exist, with what waits for them. */
    List<Finding> missingIface() {
        Map<String, int[]> waiting = new LinkedHashMap<>(); // name -> {routes, joins, phyint lines, proxies}
        for (Pending.Entry e : pending.entries()) {
            int kind = e.kind().equals("mroute") ? 0 : e.kind().equals("mproxy") ? 3 : 1;
            List<String> names = new ArrayList<>(e.oifs());
            names.add(0, e.iif());
            for (String n : names) {
                if (ifaces.matchPresent(n).isEmpty()) {
                    waiting.computeIfAbsent(n, k -> new int[4])[kind]++;
                }
            }
        }
        for (String n : phyints.missing()) {
            if (ifaces.matchPresent(n).isEmpty()) {
                waiting.computeIfAbsent(n, k -> new int[4])[2]++;
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, int[]> w : waiting.entrySet()) {
            int[] c = w.getValue();
            List<String> what = new ArrayList<>();
            if (c[0] > 0) {
                what.add(plural(c[0], "pending route"));
            }
            if (c[1] > 0) {
                what.add(plural(c[1], "pending join"));
            }
            if (c[2] > 0) {
                what.add(c[2] == 1 ? "a phyint line" : plural(c[2], "phyint line"));
            }
            if (c[3] > 0) {
                what.add(c[3] == 1 ? "an mproxy line" : plural(c[3], "mproxy line"));
            }
            out.add(Finding.warn("missing-iface", w.getKey() + " does not exist; named by " + String.join(" and ", what),
                    "create the interface, or correct the name in the configuration (smcrouted -F checks it)"));
        }
        for (Iface i : ifaces.all()) {
            if (!i.present() && i.hasSlot()) {
                out.add(Finding.warn("missing-iface", i.name() + " is gone; the " + users(i)
                        + " that use it wait for it to return", "bring " + i.name() + " back, or remove it from the configuration and reload"));
            }
        }
        return orOk(capped(out), "missing-iface", "every configured interface exists");
    }

    /** {@code vif-capacity}: interfaces that wanted a VIF/MIF when all were taken. */
    List<Finding> vifCapacity() {
        List<Finding> out = new ArrayList<>();
        StringBuilder use = new StringBuilder();
        for (Family f : Family.values()) {
            List<String> refused = new ArrayList<>();
            for (String n : ifaces.refused(f)) {
                Iface i = ifaces.find(n);
                if (i == null || i.slot(f) < 0) {
                    refused.add(n);
                }
            }
            int size = ifaces.slotCount(f);
            use.append(use.isEmpty() ? "" : ", ").append(f.vifName()).append("s in use: ")
                    .append(ifaces.slotsInUse(f)).append(" of ").append(size);
            if (!refused.isEmpty()) {
                out.add(Finding.error("vif-capacity", String.join(", ", refused) + (refused.size() == 1 ? " wants" : " want")
                        + " an " + f.label() + " " + f.vifName() + ", but the kernel has only " + size + " and all are in use",
                        "disable interfaces that need no multicast routing (phyint IFNAME disable, or -N and phyint lines"
                        + " for the ones that do), or serve the others from a second smcrouted on another table (-t)"));
            }
        }
        return orOk(out, "vif-capacity", use.toString());
    }

    /** {@code mc-forwarding}: each routing table is this daemon's and the kernel forwards multicast. */
    List<Finding> mcForwarding() {
        List<Finding> out = new ArrayList<>();
        List<String> forwarding = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (Family f : Family.values()) {
            String table = f.label() + " multicast routing table " + self.table();
            if (routing.isOpen(f)) {
                String proto = f.v6() ? "ipv6" : "ipv4";
                if (sysctl.getInt(1, "net", proto, "conf", "all", "mc_forwarding") == 0) {
                    out.add(Finding.error("mc-forwarding", f.label() + " multicast forwarding is off (net." + proto
                            + ".conf.all.mc_forwarding=0) although this daemon holds the " + table,
                            "restart smcrouted, and check that no other program turns multicast forwarding off"));
                } else {
                    forwarding.add(f.label());
                }
                continue;
            }
            KernelException e = self.openFailure(f);
            if (e != null && e.errno() == Errno.EADDRINUSE) {
                out.add(Finding.error("mc-forwarding", "the " + table + " is owned by another process, so this daemon routes no "
                        + f.label(), "stop the other multicast router (pimd, igmpproxy, mcpd, another smcrouted), or give"
                        + " this daemon a table of its own with -t"));
            } else if (e != null && (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES)) {
                out.add(Finding.error("mc-forwarding", "this daemon may not open the " + table + ": " + e.reason(),
                        "run smcrouted as root, or with CAP_NET_ADMIN and CAP_NET_RAW"));
            } else {
                unavailable.add(f.label() + (e == null ? "" : " (" + e.reason() + ")"));
            }
        }
        String ok = (forwarding.isEmpty() ? "" : "multicast routing table " + self.table() + " of "
                + String.join(" and ", forwarding) + " is this daemon's and forwards")
                + (forwarding.isEmpty() || unavailable.isEmpty() ? "" : ", ")
                + (unavailable.isEmpty() ? "" : "no multicast routing for " + String.join(" and ", unavailable));
        return orOk(out, "mc-forwarding", ok);
    }

    /** {@code cache-full}: the learned-route cache is at its limit, so new sources are not routed. */
    List<Finding> cacheFull() {
        int n = routes.learnedCount();
        int limit = routes.learnedLimit();
        if (n >= limit) {
            return List.of(Finding.warn("cache-full", "the learned route cache is full (" + limit
                    + " entries): new sources are not routed until entries expire",
                    "raise --cache-limit, lower the expiry time (-c), or narrow the (*,G) templates"));
        }
        return List.of(Finding.ok("cache-full", "learned routes: " + n + " of " + limit));
    }

    /** {@code config}: the last load of the configuration file did not apply every line. */
    List<Finding> config() {
        String problem = self.configProblem();
        String file = self.configFile();
        if (problem == null) {
            return List.of(Finding.ok("config", "no error in the last load of " + file));
        }
        return List.of(Finding.warn("config", file + " " + problem,
                "run smcrouted -F " + file + " to see why, fix it, and reload"));
    }

    private static List<Finding> orOk(List<Finding> found, String code, String okText) {
        return found.isEmpty() ? List.of(Finding.ok(code, okText)) : found;
    }

    /** At most {@link #MAX_PER_CODE} findings, the rest summed up in one more. */
    static List<Finding> capped(List<Finding> found) {
        if (found.size() <= MAX_PER_CODE) {
            return found;
        }
        List<Finding> out = new ArrayList<>(found.subList(0, MAX_PER_CODE));
        Finding last = found.get(MAX_PER_CODE);
        out.add(new Finding(last.level(), last.code(), "and " + (found.size() - MAX_PER_CODE) + " more like these",
                last.fix()));
        return out;
    }
}
