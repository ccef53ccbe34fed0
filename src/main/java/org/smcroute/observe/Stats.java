package org.smcroute.observe;

import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;

/**
 * Counts the daemon keeps only to report them (metrics): upcalls by family and kind, completed
 * reloads, dropped event-stream clients, and the start time. State thread only.
 */
public final class Stats {

    private final long[][] upcalls = new long[Family.values().length][Upcall.Kind.values().length];
    private final long startMillis;
    private long reloads;
    private long monitorsDropped;

    /** {@code startMillis}: the process start, milliseconds since the Unix epoch. */
    public Stats(long startMillis) {
        this.startMillis = startMillis;
    }

    public void upcall(Upcall u) {
        upcalls[u.family().ordinal()][u.kind().ordinal()]++;
    }

    public long upcalls(Family f, Upcall.Kind k) {
        return upcalls[f.ordinal()][k.ordinal()];
    }

    public void reloaded() {
        reloads++;
    }

    public long reloads() {
        return reloads;
    }

    public void monitorDropped() {
        monitorsDropped++;
    }

    public long monitorsDropped() {
        return monitorsDropped;
    }

    /** The start time, milliseconds since the Unix epoch. */
    public long startMillis() {
        return startMillis;
    }
}
