package org.smcroute.route;

import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;

/**
 * A route the user asked for: an SSM route when the source is specific and both lengths are full,
 * otherwise a template resolved per flow from upcalls. Addresses are kept as written; matching
 * masks both sides. Each prefix is kept as its address and length rather than a {@link Prefix}
 * object: a table of 100k static routes is mostly these objects.
 */
public final class ConfRoute {

    private final Family family;
    private final int inbound;
    private final Addr source;
    private final Addr group;
    private final short sourceLen;
    private final short groupLen;
    /** The (S,G) of an SSM route, made once: the SSM index and the kernel entry share it. */
    private final SgKey key;
    private int oifs;
    private boolean unused;

    /** {@code source} is "any" as {@code Prefix(ANY, full)}. */
    public ConfRoute(Family family, int inbound, Prefix source, Prefix group, int oifs) {
        this.family = family;
        this.inbound = inbound;
        this.source = source.addr();
        this.group = group.addr();
        this.sourceLen = (short) source.len();
        this.groupLen = (short) group.len();
        this.oifs = oifs;
        this.key = isSsm() ? new SgKey(family, this.source, this.group) : null;
    }

    public Family family() {
        return family;
    }

    /** Inbound VIF/MIF slot. */
    public int inbound() {
        return inbound;
    }

    public Prefix source() {
        return new Prefix(source, sourceLen);
    }

    public Prefix group() {
        return new Prefix(group, groupLen);
    }

    /** OIF set as a bitmask of VIF/MIF slots. */
    public int oifs() {
        return oifs;
    }

    void setOifs(int oifs) {
        this.oifs = oifs;
    }

    public boolean unused() {
        return unused;
    }

    void setUnused(boolean unused) {
        this.unused = unused;
    }

    public boolean anySource() {
        return source.isAny();
    }

    public boolean isSsm() {
        return !anySource() && sourceLen >= source.fullLength() && groupLen >= group.fullLength();
    }

    /** The (S,G) of an SSM route; null for a template. */
    SgKey key() {
        return key;
    }

    /** Same family, inbound, source and group as written. */
    public boolean exactMatch(ConfRoute o) {
        return family == o.family && inbound == o.inbound && sourceLen == o.sourceLen && groupLen == o.groupLen
                && source.equals(o.source) && group.equals(o.group);
    }

    /** Whether this route covers the flow (S,G) arriving on {@code vif}. */
    public boolean covers(Family f, Addr s, Addr g, int vif) {
        return family == f && inbound == vif && group.covers(groupLen, g) && (anySource() || source.covers(sourceLen, s));
    }
}
