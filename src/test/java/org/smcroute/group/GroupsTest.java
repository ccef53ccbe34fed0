package org.smcroute.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Origin;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
import org.smcroute.show.GroupsView;

class GroupsTest {

    private final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("wg0", 4);
    private final List<String> messages = new ArrayList<>();
    private final Log log = new Log(Log.DEBUG, (l, m) -> messages.add(m));
    private final Routing routing = new Routing(kernel);
    private final Interfaces ifaces = new Interfaces(routing, log);
    private final Groups groups;

    GroupsTest() throws Exception {
        ifaces.refresh(kernel.links());
        routing.open(Family.INET, 0);
        routing.open(Family.INET6, 0);
        groups = new Groups(kernel, ifaces, log, 4096);
    }

    @Test
    void asmAndSsmJoinsReachTheKernelByIfindex() {
        assertThat(groups.join(Origin.IPC, "eth0", null, "225.1.2.3").ok()).isTrue();
        assertThat(groups.join(Origin.IPC, "eth1", "10.0.0.1", "225.3.3.3").ok()).isTrue();
        assertThat(groups.join(Origin.IPC, "eth0", null, "ff0e::1:2").ok()).isTrue();
        assertThat(kernel.memberships()).containsExactlyInAnyOrder("2 * 225.1.2.3", "3 10.0.0.1 225.3.3.3", "2 * ff0e::1:2");
        assertThat(ifaces.find("eth0").slot(Family.INET)).isZero();
    }

    @Test
    void duplicateJoinAndUnknownLeaveAreRefusedWithTheSpecTexts() {
        groups.join(Origin.IPC, "eth0", null, "225.1.2.3");
        assertThat(groups.join(Origin.IPC, "eth0", null, "225.1.2.3").error()).isEqualTo("Already joined (*,225.1.2.3) on eth0");
        assertThat(groups.leave(Origin.IPC, "eth0", null, "225.1.2.77").error()).isEqualTo("No group (*,225.1.2.77) on eth0 to leave");
        assertThat(groups.leave(Origin.IPC, "eth0", "10.0.0.1", "225.1.2.3").error())
                .isEqualTo("No group (10.0.0.1,225.1.2.3) on eth0 to leave");
        // worded like add's, and without the "ipc: " prefix the original showed the client
        assertThat(groups.join(Origin.IPC, "eth9", null, "225.1.2.3").error()).isEqualTo("join: interface eth9 is not a known phyint");
        assertThat(groups.configured()).hasSize(1);
        assertThat(groups.join(Origin.IPC, "eth0", null, "10.1.2.3").error()).isEqualTo("join: Invalid multicast group: 10.1.2.3");
        assertThat(groups.leave(Origin.IPC, "eth0", null, "1.2.3.4").error()).isEqualTo("leave: Invalid multicast group: 1.2.3.4");
        assertThat(groups.join(Origin.IPC, "eth0", null, "225.1.2.3/33").error())
                .isEqualTo("join: Invalid group prefix length (0-32): 33");
        assertThat(groups.join(Origin.IPC, "eth0", "zz", "225.1.2.3").error()).isEqualTo("join: Invalid multicast source: zz");
        assertThat(groups.join(Origin.IPC, "eth0", "fd00::1", "225.1.2.3").error())
                .isEqualTo("join: Source and group address families differ, source fd00::1");
    }

    @Test
    void rangesExpandAndMustBeLeftWithTheSameLength() {
        assertThat(groups.join(Origin.IPC, "eth0", "10.0.0.10", "225.1.2.40/30").ok()).isTrue();
        assertThat(kernel.memberships()).containsExactly("2 10.0.0.10 225.1.2.40", "2 10.0.0.10 225.1.2.41",
                "2 10.0.0.10 225.1.2.42", "2 10.0.0.10 225.1.2.43");
        assertThat(groups.leave(Origin.IPC, "eth0", "10.0.0.10", "225.1.2.40").ok()).isFalse();
        assertThat(new GroupsView(groups).text(true)).contains("(10.0.0.10, 225.1.2.41/30)                 eth0\n");
        assertThat(groups.leave(Origin.IPC, "eth0", "10.0.0.10", "225.1.2.40/30").ok()).isTrue();
        assertThat(kernel.memberships()).isEmpty();
        assertThat(kernel.joins).isEmpty();
    }

    @Test
    void expansionIsCountedWithoutOverflowAndCapped() {
        assertThat(groups.join(Origin.IPC, "eth0", null, "ff0e::/16").error())
                .isEqualTo("join: range expands to more than 4096 joins, skipping");
        assertThat(groups.join(Origin.IPC, "eth0", null, "225.0.0.0/1").ok()).isFalse();
        assertThat(Groups.expansion(2, new Prefix(Addr.parse("10.0.0.0"), 24), new Prefix(Addr.parse("225.0.0.0"), 24)))
                .isEqualTo(2L * 256 * 256);
        assertThat(groups.configured()).isEmpty();
        assertThat(kernel.memberships()).isEmpty();
    }

    @Test
    void twoThousandJoinsSpreadOverPooledSocketsAndLeaveNothingBehind() {
        for (int i = 0; i < 2000; i++) {
            String g = "225.9." + (i / 250) + "." + (i % 250);
            assertThat(groups.join(Origin.IPC, "eth0", null, g).ok()).isTrue();
        }
        assertThat(kernel.memberships()).hasSize(2000);
        assertThat(groups.socketCount(Family.INET)).isEqualTo(100);
        for (int i = 0; i < 2000; i++) {
            assertThat(groups.leave(Origin.IPC, "eth0", null, "225.9." + (i / 250) + "." + (i % 250)).ok()).isTrue();
        }
        assertThat(kernel.joins).isEmpty();
    }

    @Test
    void enobufsLowersThePerSocketBudget() {
        kernel.maxMemberships = 10;
        for (int i = 0; i < 30; i++) {
            assertThat(groups.join(Origin.IPC, "eth0", null, "225.8.0." + i).ok()).isTrue();
        }
        assertThat(kernel.memberships()).hasSize(30);
        assertThat(messages).contains("Out of groups on socket adjusting max_groups 10.");
        assertThat(groups.socketCount(Family.INET)).isEqualTo(3);
    }

    @Test
    void wildcardJoinsEveryMatchAndShowsThePattern() {
        assertThat(groups.join(Origin.IPC, "eth+", null, "225.1.2.3").ok()).isTrue();
        assertThat(kernel.memberships()).containsExactly("2 * 225.1.2.3", "3 * 225.1.2.3");
        String text = new GroupsView(groups).text(true);
        assertThat(text).isEqualTo("Group Memberships Table_\n"
                + "GROUP (S,G)                                IIF             =\n"
                + "(*, 225.1.2.3)                             eth+\n"
                + "Kernel Group Membership Table_\n"
                + "(*, 225.1.2.3)                             eth+\n"
                + "(*, 225.1.2.3)                             eth+\n");
        assertThat(new GroupsView(groups).json()).isEqualTo("{\"groups\":{\"conf\":[{\"source\":null,\"group\":\"225.1.2.3\",\"iif\":\"eth+\"}],"
                + "\"kernel\":[{\"source\":null,\"group\":\"225.1.2.3\",\"iif\":\"eth+\"},{\"source\":null,\"group\":\"225.1.2.3\",\"iif\":\"eth+\"}]}}\n");
    }

    @Test
    void reloadKeepsUnchangedGroupsAndLeavesDroppedOnes() {
        groups.join(Origin.IPC, "eth0", null, "225.1.2.3");
        groups.join(Origin.IPC, "eth1", null, "225.1.2.4");
        kernel.clearCalls();
        groups.beginReload();
        groups.join(Origin.IPC, "eth0", null, "225.1.2.3");
        groups.endReload(List.of());
        assertThat(kernel.calls).allMatch(c -> c.startsWith("leave") || c.startsWith("closeJoinSocket"));
        assertThat(kernel.memberships()).containsExactly("2 * 225.1.2.3");
    }
}
