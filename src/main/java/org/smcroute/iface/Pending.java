package org.smcroute.iface;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Directives waiting for an interface to appear: kept as the text the user wrote, so they can be
 * replayed verbatim and shown as written.
 */
public final class Pending {

    /**
     * One waiting directive; {@code source} null when absent, {@code oifs} empty for mgroup,
     * {@code group} null for an mproxy line without one.
     */
    public record Entry(String kind, String iif, String source, String group, List<String> oifs) {
        /** {@code <kind> from <iif> [source <s>] [group <g>]}, for log texts. */
        @Override
        public String toString() {
            return kind + " from " + iif + (source == null || source.isEmpty() ? "" : " source " + source)
                    + (group == null ? "" : " group " + group);
        }

        // written out, not generated (start-up rule, see the README)
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && kind.equals(e.kind) && iif.equals(e.iif) && Objects.equals(source, e.source)
                    && Objects.equals(group, e.group) && oifs.equals(e.oifs);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, iif, source, group, oifs);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds an entry unless an identical one is queued; true when it was added. */
    public boolean add(Entry e) {
        if (entries.contains(e)) {
            return false;
        }
        entries.add(e);
        return true;
    }

    public List<Entry> entries() {
        return entries;
    }

    public void remove(Entry e) {
        entries.remove(e);
    }

    public void clear() {
        entries.clear();
    }
}
