package org.smcroute.proxy;

import org.smcroute.iface.QuerySettings;

/**
 * The timer values of one downstream link in milliseconds (RFC 3376 section 8, RFC 3810
 * section 9), from its querier settings and, while another router is querier, the robustness
 * and query interval that router announces.
 */
record Timing(int robustness, long queryInterval, long responseInterval, long lastMemberInterval) {

    static Timing of(QuerySettings s, int adoptedRobustness, int adoptedQueryInterval) {
        return new Timing(adoptedRobustness > 0 ? adoptedRobustness : s.robustness(),
                1000L * (adoptedQueryInterval > 0 ? adoptedQueryInterval : s.queryInterval()),
                100L * s.queryResponseInterval(), 100L * s.lastMemberQueryInterval());
    }

    /** Group Membership Interval / Multicast Address Listening Interval. */
    long membership() {
        return robustness * queryInterval + responseInterval;
    }

    /** Last Member Query Count / Last Listener Query Count. */
    int lastMemberCount() {
        return robustness;
    }

    /** Last Member Query Time: how long a leave takes to be confirmed. */
    long lastMemberTime() {
        return lastMemberInterval * robustness;
    }

    long otherQuerierPresent() {
        return robustness * queryInterval + responseInterval / 2;
    }

    long olderHostPresent() {
        return robustness * queryInterval + responseInterval;
    }

    long startupInterval() {
        return queryInterval / 4;
    }
}
