package org.smcroute.group;

import org.smcroute.net.Prefix;

/**
 * A group the user asked to join: the interface pattern as written (it may be a wildcard) and
 * source/group as written. Identity includes both prefix lengths.
 */
public final class ConfGroup {

    private final String ifname;
    private final Prefix source;
    private final Prefix group;
    private boolean unused;

    /** {@code source} null means any source (ASM). */
    ConfGroup(String ifname, Prefix source, Prefix group) {
        this.ifname = ifname;
        this.source = source;
        this.group = group;
    }

    public String ifname() {
        return ifname;
    }

    /** The source as written, or null for ASM. */
    public Prefix source() {
        return source;
    }

    public Prefix group() {
        return group;
    }

    boolean unused() {
        return unused;
    }

    void setUnused(boolean unused) {
        this.unused = unused;
    }

    /** {@code (<S|*>,<G>)} as used in join/leave messages. */
    String label() {
        return "(" + (source == null ? "*" : source.toString()) + "," + group + ")";
    }
}
