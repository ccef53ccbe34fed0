package org.smcroute.net;

/**
 * The source and group of a route or a join, {@code ADDR[/LEN]} each, checked per SPEC §6.7:
 * the group decides the family and must be multicast, the source is parsed in the group's
 * family, LEN is 0..full with 0 and "no LEN" meaning full, and an all-zero source is "any".
 * Route and join code share this one parser and word their own messages from its faults.
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

    /** Which part is wrong, in the order they are checked. */
    public enum Fault { GROUP, GROUP_LENGTH, SOURCE, SOURCE_LENGTH }

    private SourceGroup() {
    }

    /** Checks {@code group} and the optional {@code source} (null or empty: any source). */
    public static Result parse(String source, String group) {
        Prefix.Text gt = Prefix.Text.split(group);
        Addr g = Addr.parse(gt.addr());
        if (g == null || !g.isMulticast()) {
            return new Invalid(Fault.GROUP, gt.addr(), 0);
        }
        int glen = gt.lenValue();
        if (glen < 0 || glen > g.fullLength()) {
            return new Invalid(Fault.GROUP_LENGTH, Integer.toString(glen), g.fullLength());
        }
        Prefix gp = new Prefix(g, glen == 0 ? g.fullLength() : glen);
        if (source == null || source.isEmpty()) {
            return new Valid(null, gp);
        }
        Prefix.Text st = Prefix.Text.split(source);
        Addr s = Addr.parse(st.addr(), g.v6());
        if (s == null) {
            return new Invalid(Fault.SOURCE, st.addr(), g.fullLength());
        }
        int slen = st.lenValue();
        if (slen < 0 || slen > s.fullLength()) {
            return new Invalid(Fault.SOURCE_LENGTH, Integer.toString(slen), s.fullLength());
        }
        return new Valid(s.isAny() ? null : new Prefix(s, slen == 0 ? s.fullLength() : slen), gp);
    }
}
