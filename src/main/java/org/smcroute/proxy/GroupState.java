package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.smcroute.net.Addr;

/**
 * The router-side record of one group on one link (RFC 3376 section 6, RFC 3810 section 7):
 * filter mode, group timer, source timers, the older-host timers of the compatibility modes
 * (RFC 3376 section 7.3.2, RFC 3810 section 8.3.2), and the retransmissions of the group and
 * source specific queries a leave starts. Timers are deadlines in milliseconds; a timer is
 * running while its deadline lies ahead. Nothing here sends or schedules by itself: the
 * {@link Owner} does, so the tables can be tested with a hand-driven clock.
 */
final class GroupState extends Deadlines.Timed {

    /** Compatibility levels: IGMPv1 hosts (leaves ignored), IGMPv2/MLDv1 hosts, current hosts. */
    static final int LOWEST = 1;
    static final int OLDER = 2;
    static final int CURRENT = 3;

    /** What a group record needs from its link. */
    interface Owner {
        Timing timing();

        /** Whether this router is the querier, the only one that sends the table's queries. */
        boolean querier();

        /** The highest compatibility level the link's querier version allows. */
        int level();

        /** Sends a group specific query, or a group and source specific one when {@code sources} is not empty. */
        void query(GroupState g, List<Addr> sources, boolean suppress);

        /** The record's deadline passed: the owner calls {@link #expire} and looks at what changed. */
        void fired(GroupState g, long now);
    }

    /** One source record: its timer, and how many more source specific queries name it. */
    private static final class Source {
        long timer;
        int retransmits;

        Source(long timer) {
            this.timer = timer;
        }
    }

    final Addr group;
    private final Owner owner;
    private boolean exclude;
    private long groupTimer;
    private final Map<Addr, Source> sources = new HashMap<>();
    /** Older-host timers, by level: [LOWEST], [OLDER]. */
    private final long[] olderHost = new long[CURRENT];
    private Addr reporter;
    private int groupRetransmits;
    private long nextQuery;
    private boolean dropped;

    GroupState(Addr group, Owner owner) {
        this.group = group;
        this.owner = owner;
    }

    boolean exclude() {
        return exclude;
    }

    Addr reporter() {
        return reporter;
    }

    int sourceCount() {
        return sources.size();
    }

    /** The compatibility level of the group: the oldest host heard within its timer, at most the owner's. */
    int level(long now) {
        int level = owner.level();
        for (int l = LOWEST; l < CURRENT; l++) {
            if (olderHost[l] > now) {
                return Math.min(l, level);
            }
        }
        return level;
    }

    /** The group timer in EXCLUDE mode, else the latest source timer: when the record runs out. */
    long expiry() {
        long t = exclude ? groupTimer : 0;
        for (Source s : sources.values()) {
            t = Math.max(t, s.timer);
        }
        return t;
    }

    /** Whether the link wants {@code source}'s traffic (RFC 3376 section 6.3). */
    boolean forwards(Addr source, long now) {
        Source s = sources.get(source);
        return exclude ? s == null || s.timer > now : s != null && s.timer > now;
    }

    /** The sources wanted (INCLUDE) or refused (EXCLUDE) at {@code now}. */
    Filter filter(long now) {
        Set<Addr> set = new TreeSet<>();
        for (Map.Entry<Addr, Source> e : sources.entrySet()) {
            if ((e.getValue().timer > now) != exclude) {
                set.add(e.getKey());
            }
        }
        return exclude || !set.isEmpty() ? new Filter(exclude, set) : null;
    }

    /** True when the record holds nothing any more and can be deleted. */
    boolean empty() {
        return !exclude && sources.isEmpty();
    }

    // ---- reports (RFC 3376 sections 6.4 and 7.3.2)

    /**
     * Applies one record of a report of compatibility level {@code level} from {@code from};
     * {@code leave} marks an IGMPv2 Leave or MLDv1 Done.
     */
    void report(GroupRecord r, int level, boolean leave, Addr from, long now) {
        Timing t = owner.timing();
        if (level < CURRENT && !leave) {
            olderHost[level] = now + t.olderHostPresent();
        }
        int type = r.type();
        List<Addr> b = r.sources();
        int mode = level(now);
        if (mode < CURRENT) {
            if (type == GroupRecord.BLOCK || (mode == LOWEST && type == GroupRecord.TO_IN)) {
                return;
            }
            if (type == GroupRecord.TO_EX) {
                b = List.of();
            }
        }
        reporter = from;
        long gmi = now + t.membership();
        switch (type) {
            case GroupRecord.IS_IN, GroupRecord.ALLOW -> refresh(b, gmi);
            case GroupRecord.IS_EX -> toExclude(b, gmi, false, now);
            case GroupRecord.TO_EX -> toExclude(b, gmi, true, now);
            case GroupRecord.BLOCK -> block(b, now);
            case GroupRecord.TO_IN -> toInclude(b, gmi, now);
            default -> {
                // the codecs pass only the six types
            }
        }
    }

    private void refresh(List<Addr> b, long gmi) {
        for (Addr s : b) {
            Source x = sources.get(s);
            if (x == null) {
                sources.put(s, new Source(gmi));
            } else {
                x.timer = gmi;
            }
        }
    }

    /** IS_EX and TO_EX: both filter modes, with the queries of TO_EX. */
    private void toExclude(List<Addr> b, long gmi, boolean change, long now) {
        List<Addr> query = new ArrayList<>();
        Set<Addr> keep = Set.copyOf(b);
        sources.keySet().retainAll(keep); // delete (A-B), or (X-A) and (Y-A)
        for (Addr s : b) {
            Source x = sources.get(s);
            if (x == null) {
                // INCLUDE: (B-A) = 0; EXCLUDE: (A-X-Y) = GMI for IS_EX, the group timer for TO_EX
                sources.put(s, new Source(!exclude ? 0 : change ? groupTimer : gmi));
                if (change && exclude) {
                    query.add(s);
                }
            } else if (change && (!exclude || x.timer > now)) {
                query.add(s); // A*B in INCLUDE, A-Y in EXCLUDE
            }
        }
        exclude = true;
        groupTimer = gmi;
        if (change) {
            querySources(query, now);
        }
    }

    private void block(List<Addr> b, long now) {
        List<Addr> query = new ArrayList<>();
        for (Addr s : b) {
            Source x = sources.get(s);
            if (x == null && exclude) {
                sources.put(s, new Source(groupTimer)); // (A-X-Y) = group timer
                query.add(s);
            } else if (x != null && (!exclude || x.timer > now)) {
                query.add(s); // A*B in INCLUDE, A-Y in EXCLUDE
            }
        }
        querySources(query, now);
    }

    private void toInclude(List<Addr> b, long gmi, long now) {
        List<Addr> query = new ArrayList<>();
        Set<Addr> asked = Set.copyOf(b);
        for (Map.Entry<Addr, Source> e : sources.entrySet()) {
            // INCLUDE: A-B; EXCLUDE: X-A
            if (!asked.contains(e.getKey()) && (!exclude || e.getValue().timer > now)) {
                query.add(e.getKey());
            }
        }
        refresh(b, gmi);
        boolean armed = armSources(query, now);
        if (exclude) {
            armed |= armGroup(now);
        }
        if (armed) {
            sendQueries(now); // one round for both, the group query first
        }
    }

    // ---- queries (RFC 3376 section 6.6.3)

    /** "Send Q(G,X)": only the querier; sources above LMQT are lowered to it and queried LMQC times. */
    private void querySources(List<Addr> xs, long now) {
        if (armSources(xs, now)) {
            sendQueries(now);
        }
    }

    private boolean armSources(List<Addr> xs, long now) {
        if (xs.isEmpty() || !owner.querier()) {
            return false;
        }
        Timing t = owner.timing();
        long lmqt = now + t.lastMemberTime();
        boolean armed = false;
        for (Addr a : xs) {
            Source x = sources.get(a);
            if (x != null && x.timer > lmqt) {
                x.timer = lmqt;
                x.retransmits = t.lastMemberCount();
                armed = true;
            }
        }
        return armed;
    }

    /** "Send Q(G)": only the querier; the group timer drops to LMQT and the query goes out LMQC times. */
    private boolean armGroup(long now) {
        if (!owner.querier()) {
            return false;
        }
        Timing t = owner.timing();
        groupTimer = Math.min(groupTimer, now + t.lastMemberTime());
        groupRetransmits = t.lastMemberCount();
        return true;
    }

    /**
     * Sends what is due: the group query, and the source queries split by whether the source
     * timer is above LMQT (those go with the Suppress flag); schedules the next round.
     */
    private void sendQueries(long now) {
        Timing t = owner.timing();
        long lmqt = now + t.lastMemberTime();
        if (groupRetransmits > 0) {
            groupRetransmits--;
            owner.query(this, List.of(), exclude && groupTimer > lmqt);
        }
        List<Addr> high = new ArrayList<>();
        List<Addr> low = new ArrayList<>();
        for (Map.Entry<Addr, Source> e : sources.entrySet()) {
            Source x = e.getValue();
            if (x.retransmits > 0) {
                x.retransmits--;
                (x.timer > lmqt ? high : low).add(e.getKey());
            }
        }
        if (!high.isEmpty()) {
            owner.query(this, high, true);
        }
        if (!low.isEmpty()) {
            owner.query(this, low, false);
        }
        boolean more = groupRetransmits > 0;
        for (Source x : sources.values()) {
            more |= x.retransmits > 0;
        }
        nextQuery = more ? now + t.lastMemberInterval() : 0;
    }

    /**
     * A query another router sent (RFC 3376 section 6.6.1): without the Suppress flag it lowers
     * the group timer, or the timers of the sources it names, to LMQT.
     */
    void heard(List<Addr> queried, boolean suppress, long now) {
        if (suppress) {
            return;
        }
        long lmqt = now + owner.timing().lastMemberTime();
        if (queried.isEmpty()) {
            if (exclude) {
                groupTimer = Math.min(groupTimer, lmqt);
            }
            return;
        }
        for (Addr a : queried) {
            Source x = sources.get(a);
            if (x != null && x.timer > lmqt) {
                x.timer = lmqt;
            }
        }
    }

    /** The record left its link: it has no deadlines any more. */
    void drop() {
        dropped = true;
    }

    /** This router stopped being querier: the retransmissions it scheduled are not its to send. */
    void stopQueries() {
        groupRetransmits = 0;
        for (Source x : sources.values()) {
            x.retransmits = 0;
        }
        nextQuery = 0;
    }

    // ---- timers (RFC 3376 sections 6.2.3 and 6.5)

    @Override
    long deadline() {
        if (dropped) {
            return 0;
        }
        long d = next(nextQuery, exclude ? groupTimer : 0);
        for (Source x : sources.values()) {
            d = next(d, x.timer);
        }
        for (long h : olderHost) {
            d = next(d, h);
        }
        return d;
    }

    private static long next(long a, long b) {
        return a <= 0 ? Math.max(b, 0) : b <= 0 ? a : Math.min(a, b);
    }

    @Override
    void fire(long now) {
        owner.fired(this, now);
    }

    /**
     * Acts on everything due at {@code now}: query retransmissions, source timers (INCLUDE:
     * the source goes; EXCLUDE: it stops being forwarded), the group timer (EXCLUDE switches to
     * INCLUDE with the sources still running), older-host timers.
     */
    void expire(long now) {
        if (nextQuery > 0 && nextQuery <= now) {
            sendQueries(now);
        }
        if (exclude && groupTimer > 0 && groupTimer <= now) {
            exclude = false;
            groupTimer = 0;
            sources.values().removeIf(x -> x.timer <= now);
        }
        for (Iterator<Source> it = sources.values().iterator(); it.hasNext(); ) {
            Source x = it.next();
            if (x.timer > 0 && x.timer <= now) {
                if (exclude) {
                    x.timer = 0;
                    x.retransmits = 0;
                } else {
                    it.remove();
                }
            }
        }
        for (int l = 0; l < olderHost.length; l++) {
            if (olderHost[l] > 0 && olderHost[l] <= now) {
                olderHost[l] = 0;
            }
        }
    }
}
