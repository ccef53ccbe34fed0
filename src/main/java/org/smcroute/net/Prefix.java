package org.smcroute.net;


/**
 * An address with a prefix length, stored as written (not masked), because show output and
 * exact-match removal use the text the user gave. {@code len} is always 1..full; the "0 means full
 * length" rule is applied when parsing.
 */
public record Prefix(Addr addr, int len) {

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && len == p.len && addr.equals(p.addr);
    }

    @Override
    public int hashCode() {
        return addr.hashCode() * 31 + len;
    }

    public static Prefix full(Addr a) {
        return new Prefix(a, a.fullLength());
    }

    public boolean isFull() {
        return len >= addr.fullLength();
    }

    /** True when {@code a} lies in this prefix (both sides masked to len). */
    public boolean contains(Addr a) {
        return addr.covers(len, a);
    }

    /** {@code addr} or {@code addr/len} when shorter than full. */
    @Override
    public String toString() {
        return isFull() ? addr.toString() : addr + "/" + len;
    }

    /** Splits {@code ADDR[/LEN]}: the raw pieces, before any validation. */
    public record Text(String addr, String len) {
        public static Text split(String arg) {
            int slash = arg.indexOf('/');
            return slash < 0 ? new Text(arg, null) : new Text(arg.substring(0, slash), arg.substring(slash + 1));
        }

    }
}
