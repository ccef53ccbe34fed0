package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smcroute.iface.QuerySettings;
import org.smcroute.net.Addr;

/**
 * The router-side tables of RFC 3376 sections 6.4 to 6.6 and the compatibility rules of section
 * 7.3.2, one group record against a hand-moved clock. Defaults: GMI 260 s, LMQI 1 s, LMQC 2.
 */
class GroupStateTest {

    static final Addr G = Addr.parse("239.1.1.1");
    static final Addr H1 = Addr.parse("10.0.1.2");
    static final Addr S1 = Addr.parse("10.0.0.1");
    static final Addr S2 = Addr.parse("10.0.0.2");
    static final Addr S3 = Addr.parse("10.0.0.3");
    static final long GMI = 260_000;

    /** A link that records the queries it is asked to send and expires records when told. */
    static final class Link implements GroupState.Owner {
        boolean querier = true;
        int level = GroupState.CURRENT;
        Timing timing = Timing.of(QuerySettings.DEFAULTS, 0, 0);
        final List<String> sent = new ArrayList<>();

        @Override
        public Timing timing() {
            return timing;
        }

        @Override
        public boolean querier() {
            return querier;
        }

        @Override
        public int level() {
            return level;
        }

        @Override
        public void query(GroupState g, List<Addr> sources, boolean suppress) {
            sent.add("Q(" + g.group + (sources.isEmpty() ? "" : "," + sources) + ")" + (suppress ? " S" : ""));
        }

        @Override
        public void fired(GroupState g, long now) {
            g.expire(now);
        }
    }

    final Link link = new Link();
    final GroupState g = new GroupState(G, link);
    long now = 1_000_000;

    static GroupRecord rec(int type, Addr... sources) {
        return new GroupRecord(type, G, Arrays.asList(sources));
    }

    void report(int type, Addr... sources) {
        g.report(rec(type, sources), GroupState.CURRENT, false, H1, now);
    }

    /** Moves the clock, firing the record's deadlines in order, as the proxy's timer queue would. */
    void advance(long ms) {
        long target = now + ms;
        for (long d; (d = g.deadline()) > 0 && d <= target; ) {
            now = d;
            g.fire(now);
        }
        now = target;
    }

    Filter filter() {
        return g.filter(now);
    }

    @Test
    void asmJoinIsExcludeNothingUntilTheMembershipIntervalRunsOut() {
        report(GroupRecord.TO_EX);
        assertThat(filter()).isEqualTo(Filter.ANY);
        assertThat(g.forwards(S1, now)).isTrue();
        assertThat(g.reporter()).isEqualTo(H1);
        assertThat(link.sent).isEmpty();
        advance(GMI - 1);
        assertThat(g.forwards(S1, now)).isTrue();
        advance(1);
        assertThat(g.empty()).isTrue();
        assertThat(filter()).isNull();
    }

    @Test
    void aCurrentStateReportRefreshesTheGroupTimer() {
        report(GroupRecord.IS_EX);
        advance(200_000);
        report(GroupRecord.IS_EX);
        advance(200_000);
        assertThat(g.exclude()).isTrue();
        assertThat(g.expiry() - now).isEqualTo(GMI - 200_000);
    }

    @Test
    void leaveAsksTwiceASecondApartAndEndsTheGroupAfterTwoSeconds() {
        report(GroupRecord.TO_EX);
        report(GroupRecord.TO_IN);
        assertThat(link.sent).containsExactly("Q(239.1.1.1)");
        advance(999);
        assertThat(link.sent).hasSize(1);
        advance(1);
        assertThat(link.sent).containsExactly("Q(239.1.1.1)", "Q(239.1.1.1)");
        assertThat(g.forwards(S1, now)).isTrue();
        advance(999);
        assertThat(g.exclude()).isTrue();
        advance(1);
        assertThat(g.empty()).isTrue();
        assertThat(link.sent).hasSize(2);
    }

    @Test
    void aReportDuringTheLeaveQueriesKeepsTheGroupAndTheRetransmissionSetsSuppress() {
        report(GroupRecord.TO_EX);
        report(GroupRecord.TO_IN);
        advance(500);
        report(GroupRecord.IS_EX); // another host answers the query
        advance(500);
        assertThat(link.sent).containsExactly("Q(239.1.1.1)", "Q(239.1.1.1) S");
        advance(10_000);
        assertThat(filter()).isEqualTo(Filter.ANY);
    }

    @Test
    void sourceSpecificJoinForwardsOnlyThatSource() {
        report(GroupRecord.ALLOW, S1);
        assertThat(filter()).isEqualTo(new Filter(false, Set.of(S1)));
        assertThat(g.forwards(S1, now)).isTrue();
        assertThat(g.forwards(S2, now)).isFalse();
        advance(GMI);
        assertThat(g.empty()).isTrue();
    }

    @Test
    void blockInIncludeQueriesTheSourceAndDropsItAfterTwoSeconds() {
        report(GroupRecord.ALLOW, S1, S2);
        report(GroupRecord.BLOCK, S1);
        assertThat(link.sent).containsExactly("Q(239.1.1.1,[10.0.0.1])");
        advance(1000);
        assertThat(link.sent).containsExactly("Q(239.1.1.1,[10.0.0.1])", "Q(239.1.1.1,[10.0.0.1])");
        advance(1000);
        assertThat(filter()).isEqualTo(new Filter(false, Set.of(S2)));
    }

    @Test
    void toIncludeInIncludeQueriesTheSourcesLeftOut() {
        report(GroupRecord.ALLOW, S1, S2);
        report(GroupRecord.TO_IN, S2, S3);
        assertThat(link.sent).containsExactly("Q(239.1.1.1,[10.0.0.1])");
        advance(2000);
        assertThat(filter()).isEqualTo(new Filter(false, Set.of(S2, S3)));
    }

    @Test
    void toExcludeFromIncludeKeepsTheCommonSourcesAndBlocksTheNewOnes() {
        report(GroupRecord.ALLOW, S1, S2);
        // INCLUDE(A) TO_EX(B) -> EXCLUDE(A*B, B-A), delete A-B, Send Q(G, A*B)
        report(GroupRecord.TO_EX, S2, S3);
        assertThat(g.exclude()).isTrue();
        assertThat(g.forwards(S1, now)).isTrue(); // deleted from the list: EXCLUDE forwards it
        assertThat(g.forwards(S2, now)).isTrue(); // in X, being queried
        assertThat(g.forwards(S3, now)).isFalse(); // in Y
        assertThat(link.sent).containsExactly("Q(239.1.1.1,[10.0.0.2])");
        advance(2000);
        assertThat(filter()).isEqualTo(new Filter(true, Set.of(S2, S3)));
    }

    @Test
    void excludeTablesFollowRfc3376() {
        report(GroupRecord.IS_EX, S1); // EXCLUDE({}, {S1})
        assertThat(filter()).isEqualTo(new Filter(true, Set.of(S1)));
        report(GroupRecord.ALLOW, S1); // EXCLUDE(X+A, Y-A): S1 back in X
        assertThat(g.forwards(S1, now)).isTrue();
        report(GroupRecord.BLOCK, S2); // EXCLUDE(X+(A-Y), Y): S2 gets the group timer, Send Q(G, A-Y)
        assertThat(link.sent).containsExactly("Q(239.1.1.1,[10.0.0.2])");
        assertThat(g.forwards(S2, now)).isTrue();
        advance(2000); // nobody wants S2: it moves to Y
        assertThat(filter()).isEqualTo(new Filter(true, Set.of(S2)));
        // IS_EX(A): EXCLUDE(A-Y, Y*A), delete X-A and Y-A
        report(GroupRecord.IS_EX, S2, S3);
        assertThat(g.forwards(S1, now)).isTrue(); // deleted: forwarded as "not excluded"
        assertThat(g.forwards(S2, now)).isFalse(); // stays in Y
        assertThat(g.forwards(S3, now)).isTrue(); // A-X-Y gets GMI
        assertThat(g.sourceCount()).isEqualTo(2);
    }

    @Test
    void toIncludeInExcludeQueriesTheOthersAndTheGroup() {
        report(GroupRecord.TO_EX);
        report(GroupRecord.ALLOW, S1); // EXCLUDE({S1}, {})
        report(GroupRecord.TO_IN, S2); // Send Q(G, X-A) and Q(G)
        assertThat(link.sent).containsExactly("Q(239.1.1.1)", "Q(239.1.1.1,[10.0.0.1])");
        advance(2000);
        // the group timer ran out: INCLUDE with the sources still running
        assertThat(filter()).isEqualTo(new Filter(false, Set.of(S2)));
    }

    @Test
    void olderHostsForceTheirCompatibilityMode() {
        g.report(rec(GroupRecord.IS_EX), GroupState.OLDER, false, H1, now);
        assertThat(g.level(now)).isEqualTo(GroupState.OLDER);
        report(GroupRecord.BLOCK, S1); // ignored in IGMPv2 mode
        assertThat(link.sent).isEmpty();
        report(GroupRecord.TO_EX, S1); // taken as TO_EX({})
        assertThat(filter()).isEqualTo(Filter.ANY);
        // an IGMPv2 leave is TO_IN({})
        g.report(rec(GroupRecord.TO_IN), GroupState.OLDER, true, H1, now);
        assertThat(link.sent).containsExactly("Q(239.1.1.1)");
        // the older-host timer keeps the mode for robustness * interval + response interval
        advance(GMI - 1);
        assertThat(g.level(now)).isEqualTo(GroupState.OLDER);
        advance(1);
        assertThat(g.level(now)).isEqualTo(GroupState.CURRENT);
    }

    @Test
    void igmpV1HostsMakeLeavesIgnored() {
        g.report(rec(GroupRecord.IS_EX), GroupState.LOWEST, false, H1, now);
        g.report(rec(GroupRecord.TO_IN), GroupState.OLDER, true, H1, now);
        report(GroupRecord.TO_IN);
        assertThat(link.sent).isEmpty();
        assertThat(filter()).isEqualTo(Filter.ANY);
    }

    @Test
    void theLinksVersionCapsTheMode() {
        link.level = GroupState.OLDER; // igmp-version 2
        report(GroupRecord.ALLOW, S1);
        report(GroupRecord.TO_EX, S1);
        assertThat(filter()).isEqualTo(Filter.ANY);
    }

    @Test
    void aNonQuerierSendsNothingButFollowsTheQueriersQueries() {
        link.querier = false;
        report(GroupRecord.TO_EX);
        report(GroupRecord.TO_IN);
        assertThat(link.sent).isEmpty();
        assertThat(g.expiry() - now).isEqualTo(GMI); // not lowered by the leave itself
        g.heard(List.of(), true, now); // Suppress: no change
        assertThat(g.expiry() - now).isEqualTo(GMI);
        g.heard(List.of(), false, now);
        assertThat(g.expiry() - now).isEqualTo(2000);
        advance(2000);
        assertThat(g.empty()).isTrue();
    }

    @Test
    void stoppingQueriesEndsTheRetransmissions() {
        report(GroupRecord.TO_EX);
        report(GroupRecord.TO_IN);
        g.stopQueries();
        advance(1500);
        assertThat(link.sent).containsExactly("Q(239.1.1.1)");
    }
}
