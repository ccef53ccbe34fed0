package org.smcroute.net;

/**
 * An address with a prefix length, stored as written (not masked), because show output and
 * exact-match removal use the text the user gave (SPEC §6.7). {@code len} is always 1..full;
 * the "0 means full length" rule is applied when parsing.
 */
public record Prefix(Addr addr, int len) {

    // written out, not generated: see Addr
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

        /** The length read like C atoi; no slash gives 0 (full). */
        public int lenValue() {
            return len == null ? 0 : atoi(len);
        }
    }

    /**
     * C {@code atoi}: optional leading blanks and sign, then decimal digits up to the first
     * non-digit; no digits gives 0. Saturates instead of overflowing.
     */
    public static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || (s.charAt(i) >= '\t' && s.charAt(i) <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = Math.min(v * 10 + (s.charAt(i) - '0'), 1L + Integer.MAX_VALUE);
            i++;
        }
        v = neg ? -v : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
