package org.smcroute.route;

import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/**
 * What this daemon has pushed to the MFC for one (S,G) (SPEC §7.3). Keeping the pushed OIF
 * set and TTLs lets reconciliation skip entries whose desired state did not change, which is
 * what makes reloads seamless.
 */
public final class KernelEntry {

    private final SgKey key;
    private final int inbound;
    private final boolean learned;
    private int oifs;
    private byte[] ttls;
    private boolean covered;
    private boolean contributed;
    private boolean stale;
    private boolean removed;
    private long validPkt;
    private long lastUse;

    KernelEntry(SgKey key, int inbound, boolean learned) {
        this.key = key;
        this.inbound = inbound;
        this.learned = learned;
    }

    public SgKey key() {
        return key;
    }

    public Family family() {
        return key.family();
    }

    public Addr source() {
        return key.source();
    }

    public Addr group() {
        return key.group();
    }

    public int inbound() {
        return inbound;
    }

    /** Created from an upcall (expires, flushable) rather than owned by an SSM route. */
    public boolean learned() {
        return learned;
    }

    /** OIF bitmask as last pushed. */
    public int oifs() {
        return oifs;
    }

    byte[] ttls() {
        return ttls;
    }

    /** In the kernel as far as this daemon knows: pushed, and not deleted or replaced since. */
    public boolean installed() {
        return ttls != null && !removed;
    }

    void markRemoved() {
        removed = true;
    }

    void pushed(int oifs, byte[] ttls) {
        this.oifs = oifs;
        this.ttls = ttls;
        this.stale = false;
    }

    /** The kernel lost this entry (its inbound VIF was re-created): push it even if unchanged. */
    void markStale() {
        stale = true;
    }

    boolean stale() {
        return stale;
    }

    public boolean covered() {
        return covered;
    }

    void setCovered(boolean covered) {
        this.covered = covered;
    }

    /** A contributor (the IGMP/MLD proxy) wants this entry forwarded, as last reconciled. */
    public boolean contributed() {
        return contributed;
    }

    void setContributed(boolean contributed) {
        this.contributed = contributed;
    }

    long validPkt() {
        return validPkt;
    }

    long lastUse() {
        return lastUse;
    }

    void checked(long now, long validPkt) {
        this.lastUse = now;
        this.validPkt = validPkt;
    }
}
