package org.smcroute.proxy;

import java.util.Set;
import java.util.TreeSet;
import org.smcroute.net.Addr;

/**
 * Which sources of a group a link wants: INCLUDE these, or EXCLUDE these (everything else).
 * Also what the proxy asks of the kernel on its upstream interface, merged over the downstream
 * links by the rules of RFC 3376 section 3.2 that RFC 4605 section 4.1 applies.
 */
record Filter(boolean exclude, Set<Addr> sources) {

    static final Filter ANY = new Filter(true, Set.of());

    boolean forwards(Addr source) {
        return exclude != sources.contains(source);
    }

    /**
     * The merge: EXCLUDE when any filter excludes, with the sources all the EXCLUDE filters
     * exclude and no INCLUDE filter includes; else INCLUDE the union. Null for no filters.
     */
    static Filter merge(Iterable<Filter> filters) {
        Set<Addr> excluded = null;
        Set<Addr> included = new TreeSet<>();
        for (Filter f : filters) {
            if (!f.exclude) {
                included.addAll(f.sources);
            } else if (excluded == null) {
                excluded = new TreeSet<>(f.sources);
            } else {
                excluded.retainAll(f.sources);
            }
        }
        if (excluded != null) {
            excluded.removeAll(included);
            return new Filter(true, excluded);
        }
        return included.isEmpty() ? null : new Filter(false, included);
    }

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof Filter f && exclude == f.exclude && sources.equals(f.sources);
    }

    @Override
    public int hashCode() {
        return sources.hashCode() * 2 + (exclude ? 1 : 0);
    }

    @Override
    public String toString() {
        return (exclude ? "EXCLUDE " : "INCLUDE ") + sources;
    }
}
