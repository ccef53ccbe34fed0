package org.smcroute.iface;

import org.smcroute.kernel.Family;
import org.smcroute.kernel.Link;
import org.smcroute.net.Addr;

/**
 * One row of the interface table: what the system says about a name plus the daemon's own
 * bookkeeping (VIF/MIF slots, threshold, mrdisc, querier settings, reload mark). Rows are keyed by
 * name and outlive the system interface while they hold a slot, so a re-created interface gets its
 * old slot back.
 */
public final class Iface {

    private final String name;
    private int index;
    private int flags;
    private Addr ipv4;
    private boolean present = true;
    private final int[] slot = {-1, -1};
    private int threshold = 1;
    private boolean mrdisc;
    private QuerySettings querySettings = QuerySettings.DEFAULTS;
    private boolean unused;

    Iface(Link link) {
        this.name = link.name();
        update(link);
        this.ipv4 = link.ipv4();
    }

    void update(Link link) {
        index = link.index();
        flags = link.flags();
        if (ipv4 == null) {
            ipv4 = link.ipv4();
        }
        present = true;
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public int flags() {
        return flags;
    }

    public Addr ipv4() {
        return ipv4;
    }

    public boolean present() {
        return present;
    }

    void setPresent(boolean present) {
        this.present = present;
    }

    /** Present and administratively up (IFF_UP). */
    public boolean up() {
        return present && (flags & Link.IFF_UP) != 0;
    }

    /** Present and multicast capable: the precondition for a VIF/MIF. */
    public boolean usable() {
        return present && (flags & Link.IFF_MULTICAST) != 0;
    }

    /** VIF (IPv4) or MIF (IPv6) slot, -1 when none. */
    public int slot(Family f) {
        return slot[f.ordinal()];
    }

    void setSlot(Family f, int s) {
        slot[f.ordinal()] = s;
    }

    public boolean hasSlot() {
        return slot[0] >= 0 || slot[1] >= 0;
    }

    public int threshold() {
        return threshold;
    }

    public void setThreshold(int threshold) {
        this.threshold = threshold;
    }

    public boolean mrdisc() {
        return mrdisc;
    }

    public void setMrdisc(boolean mrdisc) {
        this.mrdisc = mrdisc;
    }

    /** How an IGMP/MLD querier on this interface behaves ({@code phyint} keywords). */
    public QuerySettings querySettings() {
        return querySettings;
    }

    public void setQuerySettings(QuerySettings querySettings) {
        this.querySettings = querySettings;
    }

    /** Not referenced by any line since the current reload began. */
    public boolean unused() {
        return unused;
    }

    void setUnused(boolean unused) {
        this.unused = unused;
    }

    @Override
    public String toString() {
        return name;
    }
}
