package org.smcroute.net;

/**
 * The source and group of a route or a join, {@code ADDR[/LEN]} each, checked thus: the group
 * decides the family and must be multicast, the source must be of the group's family, LEN is
 * decimal 0..full with 0 and "no LEN" meaning full (anything else is refused, where the original
 * read it with atoi), and an all-zero source is "any". Route and join code share this one parser
 * and word their own messages from its faults.
 */
public final class SourceGroup {

    /** What a check found. */
    public sealed interface Result permits Valid, Invalid {
    }

    /** Both parts are valid; {@code source} is null for any source. */
    public record Valid(Prefix source, Prefix group) implements Result {
        public boolean v6() {
            return group.addr().v6();
        }
    }

    /**
     * One part is invalid: {@code value} is the offending address text or length, and
     * {@code maxLength} the family's full prefix length, for messages that quote the range.
     */
    public record Invalid(Fault fault, String value, int maxLength) implements Result {
    }

    /**
     * Which part is wrong, in the order they are checked. FAMILY: the source is an address, but
     * of the other family than the group.
     */
    public enum Fault { GROUP, GROUP_LENGTH, SOURCE, FAMILY, SOURCE_LENGTH }

    private SourceGroup() {
    }

    /**
     * A prefix length: absent or 0 means full; otherwise 1 to 3 decimal digits up to
     * {@code max}. -1 for anything else, such as {@code abc}, {@code -1} or {@code 33} for IPv4.
     */
    static int length(String text, int max) {
        if (text == null) {
            return max;
        }
        int n = text.length();
        if (n == 0 || n > 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + c - '0';
        }
        return v > max ? -1 : v == 0 ? max : v;
    }

    /** Checks {@code group} and the optional {@code source} (null or empty: any source). */
    public static Result parse(String source, String group) {
        Prefix.Text gt = Prefix.Text.split(group);
        Addr g = Addr.parse(gt.addr());
        if (g == null || !g.isMulticast()) {
            return new Invalid(Fault.GROUP, gt.addr(), 0);
        }
        int glen = length(gt.len(), g.fullLength());
        if (glen < 0) {
            return new Invalid(Fault.GROUP_LENGTH, gt.len(), g.fullLength());
        }
        Prefix gp = new Prefix(g, glen);
        if (source == null || source.isEmpty()) {
            return new Valid(null, gp);
        }
        Prefix.Text st = Prefix.Text.split(source);
        Addr s = Addr.parse(st.addr());
        if (s == null) {
            return new Invalid(Fault.SOURCE, st.addr(), g.fullLength());
        }
        if (s.v6() != g.v6()) {
            return new Invalid(Fault.FAMILY, st.addr(), g.fullLength());
        }
        int slen = length(st.len(), s.fullLength());
        if (slen < 0) {
            return new Invalid(Fault.SOURCE_LENGTH, st.len(), s.fullLength());
        }
        return new Valid(s.isAny() ? null : new Prefix(s, slen), gp);
    }
}
