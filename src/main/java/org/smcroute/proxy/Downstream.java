package org.smcroute.proxy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.smcroute.iface.QuerySettings;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.net.Addr;
import org.smcroute.proxy.Message.Drop;
import org.smcroute.proxy.Message.Query;
import org.smcroute.proxy.Message.Rejected;
import org.smcroute.proxy.Message.Report;

/**
 * The router side of IGMP or MLD on one downstream link: its control socket, the querier
 * election, and the membership record of each group hosts reported. Every packet is checked
 * and counted; one that fails a check changes nothing.
 */
final class Downstream implements GroupState.Owner, Querier.Link {

    /** Most packets read per wake-up, so a flood cannot keep the event loop from other work. */
    private static final int BATCH = 256;
    /** Longest stretch spent reading per wake-up. */
    private static final long SLICE_NANOS = 20_000_000L;

    final String ifname;
    final Family family;
    final int ifindex;
    private final ControlSocket socket;
    private final Proxy proxy;
    private final Querier querier = new Querier(this);
    private final Map<Addr, GroupState> groups = new LinkedHashMap<>();
    private final long[] drops = new long[Drop.values().length];
    private long queries;
    private long reports;
    private int sourceCount;
    private QuerySettings settings;
    private Addr self;

    Downstream(String ifname, Family family, int ifindex, ControlSocket socket, QuerySettings settings, Proxy proxy) {
        this.ifname = ifname;
        this.family = family;
        this.ifindex = ifindex;
        this.socket = socket;
        this.settings = settings;
        this.proxy = proxy;
        this.self = socket.localAddress();
    }

    /** Starts listening and querying (start-up queries). */
    void start() {
        proxy.io().watch(socket.fd(), this::readable);
        querier.start(proxy.io().now());
        proxy.deadlines().update(querier);
    }

    /** Stops: the socket closes and every record is forgotten. */
    void close() {
        querier.stop();
        proxy.io().unwatch(socket.fd());
        socket.close();
        for (GroupState g : groups.values()) {
            g.drop();
            proxy.released(g.sourceCount());
            sourceCount -= g.sourceCount();
        }
        groups.clear();
    }

    /** New settings from a {@code phyint} line; the running timers keep their deadlines. */
    void settings(QuerySettings s) {
        settings = s;
    }

    Collection<GroupState> groups() {
        return groups.values();
    }

    long drops(Drop why) {
        return drops[why.ordinal()];
    }

    long queries() {
        return queries;
    }

    long reports() {
        return reports;
    }

    /** The IGMP or MLD version the querier speaks here. */
    int version() {
        return settings.version(family.v6());
    }

    boolean isQuerier() {
        return querier.isQuerier();
    }

    Addr querierAddress() {
        return querier.querier();
    }

    /** Whether hosts on this link want {@code source}'s traffic to {@code group}. */
    boolean wants(Addr group, Addr source, long now) {
        GroupState g = groups.get(group);
        return g != null && g.forwards(source, now);
    }

    /** What this link wants of {@code group}; null when no host is a member. */
    Filter filter(Addr group, long now) {
        GroupState g = groups.get(group);
        return g == null ? null : g.filter(now);
    }

    // ---- receiving

    private void readable() {
        long until = System.nanoTime() + SLICE_NANOS;
        ControlPacket p;
        for (int n = 0; n < BATCH && (n == 0 || System.nanoTime() - until < 0) && (p = socket.receive()) != null; n++) {
            receive(p);
        }
    }

    /** One packet from the link: checked, counted, acted on. */
    void receive(ControlPacket p) {
        Message m = family.v6() ? MldCodec.decode(p) : IgmpCodec.decode(p);
        // instanceof, not a pattern switch: this runs for the first join (start-up rule, see the README)
        if (m instanceof Rejected r) {
            drops[r.why().ordinal()]++;
            return;
        }
        if (p.source().equals(self)) {
            return; // this router's own reports, looped back by its kernel
        }
        long now = proxy.io().now();
        if (m instanceof Query q) {
            queries++;
            query(q, p.source(), now);
            return;
        }
        Report r = (Report) m;
        reports++;
        // message versions as compatibility levels: IGMPv1..v3 are 1..3, MLDv1 and v2 are 2 and 3
        int level = family.v6() ? r.version() + 1 : r.version();
        for (GroupRecord rec : r.records()) {
            record(rec, level, r.leave(), p.source(), now);
        }
    }

    private void query(Query q, Addr from, long now) {
        querier.heard(from, q.qrv(), q.qqi(), now);
        proxy.deadlines().update(querier);
        GroupState g = q.general() ? null : groups.get(q.group());
        if (g != null && !querier.isQuerier()) {
            g.heard(q.sources(), q.suppress(), now);
            proxy.deadlines().update(g);
        }
    }

    private void record(GroupRecord rec, int level, boolean leave, Addr from, long now) {
        Addr group = rec.group();
        if (group.v6() != family.v6() || !proxy.covers(this, group)) {
            return;
        }
        int type = rec.type();
        // SSM (RFC 4604 section 2.2.1): only source-specific records count in 232/8 and ff3x::/32
        if (ssm(group) && (level < GroupState.CURRENT || type == GroupRecord.IS_EX || type == GroupRecord.TO_EX)) {
            return;
        }
        GroupState g = groups.get(group);
        if (g == null) {
            if (rec.sources().isEmpty() && type != GroupRecord.IS_EX && type != GroupRecord.TO_EX) {
                return; // a leave or an empty change for a group with no members
            }
            if (!proxy.admitGroup(groups.size())) {
                drops[Drop.LIMIT.ordinal()]++;
                return;
            }
            g = new GroupState(group, this);
            groups.put(group, g);
        }
        if (!proxy.admitSources(rec.sources().size(), sourceCount)) {
            drops[Drop.LIMIT.ordinal()]++;
            return;
        }
        int before = g.sourceCount();
        Filter was = g.filter(now);
        g.report(rec, level, leave, from, now);
        settled(g, was, before, now);
    }

    /** After a change: budgets, an emptied record removed, the proxy told when forwarding changed. */
    private void settled(GroupState g, Filter was, int sourcesBefore, long now) {
        proxy.released(sourcesBefore - g.sourceCount());
        sourceCount -= sourcesBefore - g.sourceCount();
        if (g.empty()) {
            groups.remove(g.group);
            proxy.releasedGroup();
            g.drop();
        } else {
            proxy.deadlines().update(g);
        }
        if (!Objects.equals(was, g.filter(now))) {
            proxy.membershipChanged(this, g.group);
        }
    }

    /** Source-specific multicast ranges: 232.0.0.0/8 and ff3x::/32 (RFC 4607). */
    static boolean ssm(Addr g) {
        if (!g.v6()) {
            return (g.lo() & 0xff000000L) == 0xe8000000L;
        }
        return (g.hi() >>> 52) == 0xff3 && ((g.hi() >>> 32) & 0xffff) == 0;
    }

    // ---- GroupState.Owner and Querier.Link

    /** The configured settings, with the robustness and interval of another querier while there is one. */
    @Override
    public Timing timing() {
        return Timing.of(settings, querier.adoptedRobustness(), querier.adoptedInterval());
    }

    @Override
    public boolean querier() {
        return querier.isQuerier();
    }

    @Override
    public int level() {
        return settings.version(family.v6()) + (family.v6() ? 1 : 0);
    }

    @Override
    public void fired(GroupState g, long now) {
        if (groups.get(g.group) != g) {
            return; // a record removed since it was queued
        }
        int before = g.sourceCount();
        Filter was = g.filter(now);
        g.expire(now);
        settled(g, was, before, now);
    }

    @Override
    public void query(GroupState g, List<Addr> sources, boolean suppress) {
        int version = settings.version(family.v6());
        if (!sources.isEmpty() && version < (family.v6() ? 2 : 3)) {
            return; // older queries cannot name sources
        }
        long lmqi = timing().lastMemberInterval();
        send(g.group, query(version, g.group, sources, lmqi, suppress));
    }

    @Override
    public Addr self() {
        return self;
    }

    @Override
    public void sendGeneralQuery() {
        self = socket.localAddress();
        send(family.v6() ? MldCodec.ALL_NODES : IgmpCodec.ALL_SYSTEMS,
                query(settings.version(family.v6()), null, List.of(), timing().responseInterval(), false));
    }

    private byte[] query(int version, Addr group, List<Addr> sources, long maxResponse, boolean suppress) {
        return family.v6()
                ? MldCodec.query(version, group, sources, (int) maxResponse, suppress, settings.robustness(), settings.queryInterval())
                : IgmpCodec.query(version, group, sources, (int) (maxResponse / 100), suppress, settings.robustness(),
                        settings.queryInterval());
    }

    private void send(Addr to, byte[] msg) {
        try {
            socket.send(to, msg);
        } catch (KernelException e) {
            if (e.errno() != Errno.ENETDOWN && e.errno() != Errno.ENETUNREACH) {
                proxy.log().warn("Failed sending " + (family.v6() ? "MLD" : "IGMP") + " query on " + ifname + ": " + e.reason());
            }
        }
    }

    @Override
    public void querierChanged() {
        if (!querier.isQuerier()) {
            for (GroupState g : groups.values()) {
                g.stopQueries();
            }
        }
        Addr q = querier.querier();
        proxy.log().info((family.v6() ? "MLD" : "IGMP") + " querier on " + ifname + ": "
                + (querier.isQuerier() ? "this router" : q));
        proxy.querierChanged(this);
    }
}
