package org.smcroute.iface;

/**
 * The querier settings of an interface ({@code phyint} keywords), with the defaults of RFC 3376
 * section 8 and RFC 3810 section 9. Intervals as the RFCs count them: the query interval in
 * seconds, the response and last member intervals in tenths of a second.
 */
public record QuerySettings(int igmpVersion, int mldVersion, int queryInterval, int queryResponseInterval,
        int robustness, int lastMemberQueryInterval) {

    public static final QuerySettings DEFAULTS = new QuerySettings(3, 2, 125, 100, 2, 10);

    /** The protocol version the querier speaks for a family. */
    public int version(boolean v6) {
        return v6 ? mldVersion : igmpVersion;
    }

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof QuerySettings q && igmpVersion == q.igmpVersion && mldVersion == q.mldVersion
                && queryInterval == q.queryInterval && queryResponseInterval == q.queryResponseInterval
                && robustness == q.robustness && lastMemberQueryInterval == q.lastMemberQueryInterval;
    }

    @Override
    public int hashCode() {
        return ((((igmpVersion * 31 + mldVersion) * 31 + queryInterval) * 31 + queryResponseInterval) * 31
                + robustness) * 31 + lastMemberQueryInterval;
    }
}
