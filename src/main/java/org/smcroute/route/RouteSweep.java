package org.smcroute.route;

/**
 * The end of a reload, over the kernel entries and SSM routes as they were when it began: each
 * entry is reconciled and each SSM route without its entry installed. Run in slices, so the event
 * loop serves other work in between; whatever changed meanwhile was reconciled by its own change,
 * and entries replaced or removed meanwhile are skipped.
 */
public final class RouteSweep {

    private final Routes routes;
    private final KernelEntry[] entries;
    private final ConfRoute[] ssm;
    private int next;

    RouteSweep(Routes routes, KernelEntry[] entries, ConfRoute[] ssm) {
        this.routes = routes;
        this.entries = entries;
        this.ssm = ssm;
    }

    /** Works until done or {@code deadline} (System.nanoTime()); true when done. */
    public boolean step(long deadline) {
        int n = entries.length;
        while (next < n + ssm.length) {
            if ((next & 63) == 0 && System.nanoTime() - deadline > 0) {
                return false;
            }
            if (next < n) {
                routes.reconcileIfCurrent(entries[next]);
            } else {
                routes.installIfMissing(ssm[next - n]);
            }
            next++;
        }
        return true;
    }
}
