package org.smcroute.route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/**
 * The routes the user asked for, without the kernel: SSM routes indexed by (family, S, G) so that
 * installing 100k static routes is linear, templates in a plain list because there are few and each
 * must be scanned anyway.
 */
final class ConfTable {

    private final List<ConfRoute> templates = new ArrayList<>();
    private final Map<SgKey, ConfRoute> ssm = new LinkedHashMap<>();

    /** Templates in insertion order. */
    List<ConfRoute> templates() {
        return templates;
    }

    /** SSM routes in insertion order. */
    Collection<ConfRoute> ssmRoutes() {
        return ssm.values();
    }

    /** The SSM route of {@code k}, or null. */
    ConfRoute ssm(SgKey k) {
        return ssm.get(k);
    }

    /**
     * Stores {@code r} and marks the stored route used: an exact match takes {@code r}'s OIFs
     * (replacing its own when a reload marked it unused, else merged), an SSM route for the same
     * (S,G) with another inbound is replaced, anything else is added. The stored route lands in
     * {@code stored[0]}, and an SSM route it replaced because the inbound changed in
     * {@code replaced[0]} (when not null).
     */
    Routes.AddResult store(ConfRoute r, ConfRoute[] stored, ConfRoute[] replaced) {
        Routes.AddResult result;
        ConfRoute old = r.isSsm() ? ssm.get(r.key()) : findTemplate(r);
        if (old != null && old.inbound() == r.inbound()) {
            result = mergeOrReplace(old, r);
            stored[0] = old;
        } else if (r.isSsm()) {
            if (old != null && replaced != null) {
                replaced[0] = old;
            }
            ssm.put(r.key(), r);
            stored[0] = r;
            result = old != null ? Routes.AddResult.REPLACED_INBOUND : Routes.AddResult.APPENDED;
        } else {
            templates.add(r);
            stored[0] = r;
            result = Routes.AddResult.APPENDED;
        }
        stored[0].setUnused(false);
        return result;
    }

    private static Routes.AddResult mergeOrReplace(ConfRoute old, ConfRoute r) {
        if (old.unused()) {
            old.setOifs(r.oifs());
            return Routes.AddResult.REPLACED_UNUSED;
        }
        old.setOifs(old.oifs() | r.oifs());
        return Routes.AddResult.MERGED;
    }

    private ConfRoute findTemplate(ConfRoute r) {
        for (ConfRoute t : templates) {
            if (t.exactMatch(r)) {
                return t;
            }
        }
        return null;
    }

    /** The conf route that exactly matches {@code probe}, or null. */
    ConfRoute find(ConfRoute probe) {
        if (probe.isSsm()) {
            ConfRoute r = ssm.get(probe.key());
            return r != null && r.exactMatch(probe) ? r : null;
        }
        return findTemplate(probe);
    }

    void remove(ConfRoute r) {
        if (r.isSsm()) {
            ssm.remove(r.key());
        } else {
            templates.remove(r);
        }
    }

    /** Removes the SSM route of {@code k} if no line claimed it since {@link #markUnused}; true if it did. */
    boolean dropIfUnused(SgKey k) {
        ConfRoute r = ssm.get(k);
        if (r != null && r.unused()) {
            ssm.remove(k);
            return true;
        }
        return false;
    }

    /** Marks every route unused, until a line claims it again. */
    void markUnused() {
        for (ConfRoute r : templates) {
            r.setUnused(true);
        }
        for (ConfRoute r : ssm.values()) {
            r.setUnused(true);
        }
    }

    /** Deletes the routes no line claimed since {@link #markUnused}. */
    void dropUnused() {
        templates.removeIf(ConfRoute::unused);
        ssm.values().removeIf(ConfRoute::unused);
    }

    /** Union of the OIFs of the conf routes covering the flow; -1 if none. */
    int desired(SgKey k, int inbound) {
        Family f = k.family();
        Addr s = k.source();
        Addr g = k.group();
        int oifs = -1;
        ConfRoute r = ssm.get(k);
        if (r != null && r.inbound() == inbound) {
            oifs = r.oifs();
        }
        for (int i = 0, n = templates.size(); i < n; i++) { // no iterator: runs per new flow
            ConfRoute t = templates.get(i);
            if (t.covers(f, s, g, inbound)) {
                oifs = oifs < 0 ? t.oifs() : oifs | t.oifs();
            }
        }
        return oifs;
    }

    /** A slot is going away: routes inbound on it are deleted, and it leaves every OIF set. */
    void pruneSlot(Family f, int slot) {
        int bit = 1 << slot;
        templates.removeIf(r -> r.family() == f && r.inbound() == slot);
        ssm.values().removeIf(r -> r.family() == f && r.inbound() == slot);
        for (ConfRoute r : templates) {
            if (r.family() == f) {
                r.setOifs(r.oifs() & ~bit);
            }
        }
        for (ConfRoute r : ssm.values()) {
            if (r.family() == f) {
                r.setOifs(r.oifs() & ~bit);
            }
        }
    }
}
