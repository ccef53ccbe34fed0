package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smcroute.iface.Iface;
import org.smcroute.iface.IfaceFamily;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.NoLinkLocalException;
import org.smcroute.log.Log;
import org.smcroute.loop.LoopIo;
import org.smcroute.net.Addr;
import org.smcroute.route.Routes;

/**
 * IGMP/MLD proxying (RFC 4605) inside the daemon: a querier and membership records on every
 * downstream link of the {@code mproxy} lines, the merged membership joined on each upstream
 * interface, and forwarding as a {@link Routes.Contributor}: traffic arriving upstream goes to the
 * downstream links whose members want its source and where this router is querier, united with
 * whatever static routes want. Which links take part follows the lines and the VIF/MIF life of
 * their interfaces; a link that stays keeps what its hosts reported across reloads.
 */
public final class Proxy implements ProxyLines.Listener, Interfaces.VifListener, Routes.Contributor {

    /**
     * Group records kept over all downstream links, and per link so that a flood on one link
     * leaves room for the others; reports beyond are dropped and counted.
     */
    static final int MAX_GROUPS = 32768;
    static final int MAX_LINK_GROUPS = 4096;
    /** Source records kept over all group records, and per link. */
    static final int MAX_SOURCES = 65536;
    static final int MAX_LINK_SOURCES = 16384;

    private final Kernel kernel;
    private final Interfaces ifaces;
    private final ProxyLines lines;
    private final Routes routes;
    private final Log log;
    private final LoopIo io;
    private final Deadlines deadlines;
    private final Map<IfaceFamily, Downstream> downstreams = new LinkedHashMap<>();
    private final Map<IfaceFamily, Upstream> upstreams = new LinkedHashMap<>();
    private int groupCount;
    private int sourceCount;
    private boolean limitLogged;
    private boolean linesDirty;

    public Proxy(Kernel kernel, Interfaces ifaces, ProxyLines lines, Routes routes, Log log, LoopIo io) {
        this.kernel = kernel;
        this.ifaces = ifaces;
        this.lines = lines;
        this.routes = routes;
        this.log = log;
        this.io = io;
        this.deadlines = new Deadlines(io);
    }

    LoopIo io() {
        return io;
    }

    Deadlines deadlines() {
        return deadlines;
    }

    Log log() {
        return log;
    }

    // ---- which links take part

    @Override
    public void linesChanged() {
        linesDirty = true;
        reconcile();
    }

    @Override
    public void vifReady(Iface i, Family f) {
        reconcile();
    }

    /** The VIF/MIF goes: whatever the proxy does on it stops now, before the kernel deletes it. */
    @Override
    public void vifGone(Iface i, Family f, boolean vanished) {
        IfaceFamily k = new IfaceFamily(i.name(), f);
        Downstream d = downstreams.remove(k);
        if (d != null) {
            closeDownstream(d);
        }
        Upstream u = upstreams.get(k);
        if (u != null) {
            u.suspend();
        }
        if (d != null || u != null) {
            refreshAll();
        }
    }

    /**
     * Brings the links and upstream interfaces in line with the lines and the interface table:
     * what is gone closes, what is new opens (and queries), settings reach the queriers, and the
     * upstream memberships and forwarding entries are worked out again when any of that changed.
     * Nothing happens while a reload runs; its end calls this once.
     */
    public void reconcile() {
        if (lines.reloading()) {
            return;
        }
        boolean changed = linesDirty;
        linesDirty = false;
        Set<IfaceFamily> wantDown = new LinkedHashSet<>();
        Set<IfaceFamily> wantUp = new LinkedHashSet<>();
        for (ProxyLines.Line l : lines.lines()) {
            for (Family f : Family.values()) {
                if (l.serves(f) && active(l.upstream(), f)) {
                    wantUp.add(new IfaceFamily(l.upstream(), f));
                    for (String d : l.downstream()) {
                        if (active(d, f)) {
                            wantDown.add(new IfaceFamily(d, f));
                        }
                    }
                }
            }
        }
        for (Downstream d : new ArrayList<>(downstreams.values())) {
            IfaceFamily k = new IfaceFamily(d.ifname, d.family);
            Iface i = ifaces.find(d.ifname);
            if (!wantDown.contains(k) || i == null || i.index() != d.ifindex) {
                downstreams.remove(k);
                closeDownstream(d);
                changed = true;
            } else {
                d.settings(i.querySettings());
            }
        }
        for (Upstream u : new ArrayList<>(upstreams.values())) {
            IfaceFamily k = new IfaceFamily(u.ifname, u.family);
            if (!wantUp.contains(k)) {
                upstreams.remove(k);
                u.close();
                changed = true;
            }
        }
        for (IfaceFamily k : wantUp) {
            int index = ifaces.find(k.ifname()).index();
            Upstream u = upstreams.get(k);
            if (u == null) {
                upstreams.put(k, new Upstream(k.ifname(), k.family(), index, kernel, log));
                changed = true;
            } else {
                changed |= u.resume(index);
            }
        }
        for (IfaceFamily k : wantDown) {
            if (!downstreams.containsKey(k)) {
                changed |= openDownstream(k);
            }
        }
        if (changed) {
            refreshAll();
        }
    }

    /** Works out every upstream membership and forwarding entry again. */
    private void refreshAll() {
        for (Upstream u : upstreams.values()) {
            remerge(u);
        }
        for (Family f : Family.values()) {
            routes.contributionChanged(f, null);
        }
    }

    private boolean active(String ifname, Family f) {
        Iface i = ifaces.find(ifname);
        return i != null && i.usable() && i.slot(f) >= 0;
    }

    private boolean openDownstream(IfaceFamily k) {
        Iface i = ifaces.find(k.ifname());
        ControlSocket.Spec spec = k.family().v6() ? new ControlSocket.Spec(MldCodec.GROUPS, MldCodec.TYPES, true)
                : new ControlSocket.Spec(IgmpCodec.GROUPS, List.of(), true);
        ControlSocket socket;
        try {
            socket = kernel.openControl(k.family(), k.ifname(), i.index(), spec);
        } catch (NoLinkLocalException e) {
            log.debug("proxy: no IPv6 link-local address on " + k.ifname() + " yet, no MLD there");
            return false;
        } catch (KernelException e) {
            log.warn("proxy: cannot open the " + (k.family().v6() ? "MLD" : "IGMP") + " socket on " + k.ifname() + ": "
                    + e.reason());
            return false;
        }
        Downstream d = new Downstream(k.ifname(), k.family(), i.index(), socket, i.querySettings(), this);
        downstreams.put(k, d);
        log.debug("proxy: " + (k.family().v6() ? "MLD" : "IGMP") + " querier on " + k.ifname());
        d.start();
        return true;
    }

    /** Closes a link; the caller works out the upstream memberships and forwarding again. */
    private void closeDownstream(Downstream d) {
        groupCount -= d.groups().size();
        d.close();
    }

    /** Shutdown: every socket closes, so the kernel leaves every upstream membership. */
    public void close() {
        for (Downstream d : downstreams.values()) {
            d.close();
        }
        downstreams.clear();
        for (Upstream u : upstreams.values()) {
            u.close();
        }
        upstreams.clear();
        deadlines.clear();
        groupCount = 0;
        sourceCount = 0;
    }

    // ---- what the links report

    /** The upstream interface that serves {@code group} for link {@code d}: the first line covering both. */
    private String upstreamOf(String ifname, Family f, Addr group) {
        for (ProxyLines.Line l : lines.lines()) {
            if (l.serves(f) && l.downstream().contains(ifname) && l.covers(group)) {
                return l.upstream();
            }
        }
        return null;
    }

    boolean covers(Downstream d, Addr group) {
        return upstreamOf(d.ifname, d.family, group) != null;
    }

    /** A link's wish for {@code group} changed: the upstream membership and the forwarding follow. */
    void membershipChanged(Downstream d, Addr group) {
        String up = upstreamOf(d.ifname, d.family, group);
        Upstream u = up == null ? null : upstreams.get(new IfaceFamily(up, d.family));
        if (u != null) {
            u.want(group, merged(u, group, io.now()));
        }
        routes.contributionChanged(d.family, group);
    }

    void querierChanged(Downstream d) {
        routes.contributionChanged(d.family, null);
    }

    /** The merge of what every link served by {@code u} wants of {@code group} (RFC 4605 section 4.1). */
    private Filter merged(Upstream u, Addr group, long now) {
        List<Filter> filters = new ArrayList<>();
        for (Downstream d : downstreams.values()) {
            if (d.family == u.family && u.ifname.equals(upstreamOf(d.ifname, d.family, group))) {
                Filter f = d.filter(group, now);
                if (f != null) {
                    filters.add(f);
                }
            }
        }
        return Filter.merge(filters);
    }

    /** Works out every group of an upstream interface again (the lines or links changed). */
    private void remerge(Upstream u) {
        long now = io.now();
        Set<Addr> groups = new LinkedHashSet<>(u.wanted().keySet());
        for (Downstream d : downstreams.values()) {
            if (d.family == u.family) {
                for (GroupState g : d.groups()) {
                    groups.add(g.group);
                }
            }
        }
        for (Addr g : groups) {
            u.want(g, merged(u, g, now));
        }
    }

    // ---- forwarding

    /**
     * The downstream links whose hosts want (S,G), when it arrives on the upstream interface
     * that serves them and this router is querier there (RFC 4605 section 4.2).
     */
    @Override
    public int oifs(Family f, Addr s, Addr g, int inbound) {
        if (downstreams.isEmpty()) {
            return -1;
        }
        Iface in = ifaces.bySlot(f, inbound);
        if (in == null) {
            return -1;
        }
        long now = io.now();
        int mask = 0;
        for (Downstream d : downstreams.values()) {
            if (d.family == f && d.isQuerier() && d.wants(g, s, now) && in.name().equals(upstreamOf(d.ifname, f, g))) {
                Iface out = ifaces.find(d.ifname);
                int slot = out == null ? -1 : out.slot(f);
                if (slot >= 0) {
                    mask |= 1 << slot;
                }
            }
        }
        return mask == 0 ? -1 : mask;
    }

    // ---- budgets

    /** Room for one more group record on a link that holds {@code onLink}. */
    boolean admitGroup(int onLink) {
        if (groupCount >= MAX_GROUPS || onLink >= MAX_LINK_GROUPS) {
            limited();
            return false;
        }
        groupCount++;
        return true;
    }

    void releasedGroup() {
        groupCount--;
    }

    /** Room for {@code n} more source records on a link that holds {@code onLink}. */
    boolean admitSources(int n, int onLink) {
        if (sourceCount + n > MAX_SOURCES || onLink + n > MAX_LINK_SOURCES) {
            limited();
            return false;
        }
        return true;
    }

    /** {@code n} source records went (negative: were added). */
    void released(int n) {
        sourceCount -= n;
    }

    private void limited() {
        if (!limitLogged) {
            limitLogged = true;
            log.warn("proxy: membership records full (" + MAX_LINK_GROUPS + " groups and " + MAX_LINK_SOURCES
                    + " sources per link, " + MAX_GROUPS + " and " + MAX_SOURCES + " in all), dropping reports that need more");
        }
    }

    // ---- show

    /** The downstream links in the order they were opened, with their members. */
    public List<ProxyStatus.Downlink> links() {
        return ProxyStatus.links(downstreams.values(), io.now());
    }

    /** What the kernel holds on the upstream interfaces. */
    public List<ProxyStatus.UpstreamJoin> joined() {
        return ProxyStatus.joined(upstreams.values());
    }
}
