package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.proxy.Packets.ALLOW;
import static org.smcroute.proxy.Packets.IS_EX;
import static org.smcroute.proxy.Packets.TO_EX;
import static org.smcroute.proxy.Packets.TO_IN;
import static org.smcroute.proxy.Packets.generalQuery;
import static org.smcroute.proxy.Packets.igmp3;
import static org.smcroute.proxy.Packets.igmpOld;
import static org.smcroute.proxy.Packets.mld1;
import static org.smcroute.proxy.Packets.mld2;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.net.Addr;

/** The proxy end to end against the fake kernel: queriers, memberships, upstream joins, forwarding. */
class ProxyTest {

    static final Family V4 = Family.INET;
    static final Family V6 = Family.INET6;
    final ProxyFixture fx;

    ProxyTest() throws Exception {
        fx = new ProxyFixture();
    }

    @Test
    void everyDownstreamLinkOfBothFamiliesGetsAQuerierThatQueriesAtOnce() {
        assertThat(fx.mproxy("eth0", null, "eth1", "eth2").ok()).isTrue();
        for (String d : List.of("eth1", "eth2")) {
            for (Family f : Family.values()) {
                int s = fx.socket(d, f);
                assertThat(s).as(d + " " + f).isPositive();
                ControlSocket.Spec spec = fx.kernel.controlSpecs.get(s);
                assertThat(spec.routerAlert()).isTrue();
                assertThat(spec.groups()).isEqualTo(f.v6() ? MldCodec.GROUPS : IgmpCodec.GROUPS);
                List<FakeKernel.Sent> sent = fx.sent(d, f);
                assertThat(sent).hasSize(1);
                assertThat(sent.get(0).type()).isEqualTo(f.v6() ? 130 : 0x11);
                assertThat(sent.get(0).to()).isEqualTo(f.v6() ? MldCodec.ALL_NODES : IgmpCodec.ALL_SYSTEMS);
            }
        }
        assertThat(fx.socket("eth0", V4)).isEqualTo(-1); // no querier upstream
        // IGMPv3 General Query: max response 10 s (code 100), QRV 2, QQIC 125
        assertThat(fx.sent("eth1", V4).get(0).msg()).hasSize(12);
        assertThat(fx.sent("eth1", V4).get(0).msg()[1]).isEqualTo((byte) 100);
        fx.io.advance(31_250);
        assertThat(fx.sent("eth1", V4)).hasSize(2); // the second start-up query
        fx.io.advance(125_000);
        assertThat(fx.sent("eth1", V4)).hasSize(3);
    }

    @Test
    void aJoinIsJoinedUpstreamAndForwardedToExactlyTheLinksThatWantIt() {
        fx.mproxy("eth0", null, "eth1", "eth2");
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "239.1.1.1"));
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        fx.traffic("eth0", "10.0.0.9", "239.1.1.1");
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1");
        assertThat(fx.routes.cache().iterator().next().contributed()).isTrue();
        fx.receive("eth2", V4, igmp3("10.0.2.2", TO_EX, "239.1.1.1"));
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1", "eth2");
        // traffic of the group on a downstream link is not forwarded anywhere
        fx.traffic("eth1", "10.0.1.9", "239.1.1.1");
        assertThat(fx.oifs("10.0.1.9", "239.1.1.1")).isEmpty();
    }

    @Test
    void aLeaveIsConfirmedByTwoQueriesAndStopsThatLinkOnlyAfterTwoSeconds() {
        fx.mproxy("eth0", null, "eth1", "eth2");
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "239.1.1.1"));
        fx.receive("eth2", V4, igmp3("10.0.2.2", TO_EX, "239.1.1.1"));
        fx.traffic("eth0", "10.0.0.9", "239.1.1.1");
        int before = fx.sent("eth1", V4).size();
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_IN, "239.1.1.1"));
        List<FakeKernel.Sent> q = fx.sent("eth1", V4);
        assertThat(q).hasSize(before + 1);
        FakeKernel.Sent gsq = q.get(before);
        assertThat(gsq.to()).isEqualTo(Addr.parse("239.1.1.1"));
        assertThat(gsq.msg()[1]).isEqualTo((byte) 10); // last member query interval 1 s
        fx.io.advance(1000);
        assertThat(fx.sent("eth1", V4)).hasSize(before + 2);
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1", "eth2");
        fx.io.advance(1000);
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth2");
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        // the last member leaves: the entry and the upstream membership go
        fx.receive("eth2", V4, igmpOld("10.0.2.2", 0x17, "239.1.1.1"));
        fx.io.advance(2000);
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).isNull();
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isNull();
        assertThat(fx.routes.cache()).isEmpty();
    }

    @Test
    void sourceSpecificJoinsForwardOnlyTheirSourceAndJoinUpstreamWithIt() {
        fx.mproxy("eth0", null, "eth1", "eth2");
        fx.receive("eth1", V4, igmp3("10.0.1.2", ALLOW, "232.1.1.1", "10.0.0.1"));
        fx.receive("eth2", V4, igmp3("10.0.2.2", ALLOW, "232.1.1.1", "10.0.0.2"));
        assertThat(fx.kernel.filter(2, "232.1.1.1")).isEqualTo("INCLUDE [10.0.0.1, 10.0.0.2]");
        fx.traffic("eth0", "10.0.0.1", "232.1.1.1");
        fx.traffic("eth0", "10.0.0.2", "232.1.1.1");
        fx.traffic("eth0", "10.0.0.3", "232.1.1.1");
        assertThat(fx.oifs("10.0.0.1", "232.1.1.1")).containsExactly("eth1");
        assertThat(fx.oifs("10.0.0.2", "232.1.1.1")).containsExactly("eth2");
        assertThat(fx.oifs("10.0.0.3", "232.1.1.1")).isEmpty(); // a stop filter
        // in the SSM range an exclude-mode join and an older host's report do not count
        fx.receive("eth1", V4, igmp3("10.0.1.3", TO_EX, "232.1.1.1"));
        fx.receive("eth1", V4, igmpOld("10.0.1.4", 0x16, "232.1.1.1"));
        assertThat(fx.kernel.filter(2, "232.1.1.1")).isEqualTo("INCLUDE [10.0.0.1, 10.0.0.2]");
        // MLDv2 the same way
        fx.receive("eth1", V6, mld2("fe80::12", ALLOW, "ff3e::8000:1", "fd00::1"));
        assertThat(fx.kernel.filter(2, "ff3e::8000:1")).isEqualTo("INCLUDE [fd00::1]");
        fx.traffic("eth0", "fd00::1", "ff3e::8000:1");
        fx.traffic("eth0", "fd00::2", "ff3e::8000:1");
        assertThat(fx.oifs("fd00::1", "ff3e::8000:1")).containsExactly("eth1");
        assertThat(fx.oifs("fd00::2", "ff3e::8000:1")).isEmpty();
    }

    @Test
    void olderHostsJoinAndLeave() {
        fx.mproxy("eth0", null, "eth1");
        fx.receive("eth1", V4, igmpOld("10.0.1.2", 0x16, "239.2.2.2"));
        fx.receive("eth1", V6, mld1("fe80::12", 131, "ff0e::2"));
        assertThat(fx.kernel.filter(2, "239.2.2.2")).isEqualTo("EXCLUDE []");
        assertThat(fx.kernel.filter(2, "ff0e::2")).isEqualTo("EXCLUDE []");
        assertThat(fx.proxy.links().get(0).members().get(0).compat()).isEqualTo(GroupState.OLDER);
        fx.receive("eth1", V4, igmpOld("10.0.1.2", 0x17, "239.2.2.2"));
        fx.receive("eth1", V6, mld1("fe80::12", 132, "ff0e::2"));
        fx.io.advance(2000);
        assertThat(fx.kernel.filter(2, "239.2.2.2")).isNull();
        assertThat(fx.kernel.filter(2, "ff0e::2")).isNull();
    }

    @Test
    void onlyTheQuerierForwardsAndTheOtherTakesOverWhenItFallsSilent() {
        fx.mproxy("eth0", null, "eth1");
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "239.1.1.1"));
        fx.traffic("eth0", "10.0.0.9", "239.1.1.1");
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1");
        fx.receive("eth1", V4, generalQuery("10.0.1.0")); // a router with a lower address
        ProxyStatus.Downlink l = fx.proxy.links().get(0);
        assertThat(l.self()).isFalse();
        assertThat(l.querier()).isEqualTo(Addr.parse("10.0.1.0"));
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).isNull();
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []"); // still a member upstream
        int sent = fx.sent("eth1", V4).size();
        fx.io.advance(255_000); // Other Querier Present Interval
        assertThat(fx.proxy.links().get(0).self()).isTrue();
        assertThat(fx.sent("eth1", V4)).hasSize(sent + 1);
        fx.traffic("eth0", "10.0.0.9", "239.1.1.1");
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1");
        // a querier with a higher address is ignored
        fx.receive("eth1", V4, generalQuery("10.0.1.200"));
        assertThat(fx.proxy.links().get(0).self()).isTrue();
    }

    @Test
    void malformedPacketsAreCountedAndChangeNothing() {
        fx.mproxy("eth0", null, "eth1");
        ControlPacket good = igmp3("10.0.1.2", TO_EX, "239.1.1.1");
        byte[] bad = good.message().clone();
        bad[2] ^= 1;
        fx.receive("eth1", V4, new ControlPacket(good.source(), good.destination(), 1, true, bad));
        fx.receive("eth1", V4, new ControlPacket(good.source(), good.destination(), 2, true, good.message()));
        fx.receive("eth1", V4, new ControlPacket(good.source(), good.destination(), 1, false, good.message()));
        fx.receive("eth1", V4, new ControlPacket(good.source(), good.destination(), 1, true, new byte[5]));
        ControlPacket mld = mld2("fe80::12", TO_EX, "ff0e::1");
        fx.receive("eth1", V6, new ControlPacket(Addr.parse("fd00::12"), mld.destination(), 1, true, mld.message()));
        assertThat(fx.kernel.filteredGroups()).isEmpty();
        ProxyStatus.Downlink v4 = fx.proxy.links().stream().filter(l -> l.family() == V4).findFirst().orElseThrow();
        ProxyStatus.Downlink v6 = fx.proxy.links().stream().filter(l -> l.family() == V6).findFirst().orElseThrow();
        assertThat(v4.drops()).containsEntry("checksum", 1L).containsEntry("hop-limit", 1L)
                .containsEntry("no-router-alert", 1L).containsEntry("short", 1L);
        assertThat(v6.drops()).containsEntry("source", 1L);
        assertThat(v4.reports()).isZero();
        fx.receive("eth1", V4, good);
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
    }

    @Test
    void ownReportsLinkScopeGroupsAndGroupsOutsideTheRangeAreIgnored() {
        fx.mproxy("eth0", "239.0.0.0/8", "eth1");
        assertThat(fx.socket("eth1", V6)).isEqualTo(-1); // an IPv4 range: no MLD
        fx.receive("eth1", V4, igmp3("10.0.1.1", TO_EX, "239.1.1.1")); // this router's own kernel
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "224.0.0.251"));
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "225.1.1.1"));
        assertThat(fx.kernel.filteredGroups()).isEmpty();
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "239.1.1.1"));
        assertThat(fx.kernel.filteredGroups()).containsExactly("2 239.1.1.1");
    }

    @Test
    void staticRoutesAndTheProxyUnite() {
        fx.mproxy("eth0", null, "eth1");
        fx.editor.add(ProxyFixture.LINE, "eth0", null, "239.1.1.1", List.of("eth2"));
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_EX, "239.1.1.1"));
        fx.traffic("eth0", "10.0.0.9", "239.1.1.1");
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth1", "eth2");
        fx.receive("eth1", V4, igmp3("10.0.1.2", TO_IN, "239.1.1.1"));
        fx.io.advance(2000);
        assertThat(fx.oifs("10.0.0.9", "239.1.1.1")).containsExactly("eth2");
        assertThat(fx.routes.cache().iterator().next().contributed()).isFalse();
    }

    @Test
    void moreSourcesThanAFilterHoldsJoinAllSourcesUpstream() {
        fx.mproxy("eth0", null, "eth1");
        String[] many = new String[11];
        for (int i = 0; i < many.length; i++) {
            many[i] = "10.0.0." + (i + 1);
        }
        fx.receive("eth1", V4, igmp3("10.0.1.2", ALLOW, "239.1.1.1", many));
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        fx.traffic("eth0", "10.0.0.99", "239.1.1.1");
        assertThat(fx.oifs("10.0.0.99", "239.1.1.1")).isEmpty(); // forwarding still filters
    }

    @Test
    void recordsAreBoundedPerLinkAndTheBoundIsCounted() {
        fx.mproxy("eth0", null, "eth1", "eth2");
        Addr base = Addr.parse("239.10.0.0");
        for (int i = 0; i <= Proxy.MAX_LINK_GROUPS; i++) {
            fx.receive("eth1", V4, igmp3("10.0.1.2", IS_EX, base.plus(i).toString()));
        }
        ProxyStatus.Downlink l = fx.proxy.links().get(0);
        assertThat(l.members()).hasSize(Proxy.MAX_LINK_GROUPS);
        assertThat(l.drops()).containsEntry("limit", 1L);
        assertThat(fx.messages).anyMatch(m -> m.contains("membership records full"));
        // a flood on one link leaves room on the others
        fx.receive("eth2", V4, igmp3("10.0.2.2", IS_EX, "239.9.9.9"));
        assertThat(fx.kernel.filter(2, "239.9.9.9")).isEqualTo("EXCLUDE []");
        fx.io.advance(260_000); // all expire: room again
        fx.receive("eth1", V4, igmp3("10.0.1.2", IS_EX, "239.9.9.9"));
        assertThat(fx.proxy.links().get(0).members()).hasSize(1);
    }

    @Test
    void querierSettingsComeFromThePhyintLine() {
        fx.phyint("eth1", new Directive.Querier("2", "1", "20", "50", "3", "5"));
        fx.mproxy("eth0", null, "eth1");
        byte[] v2 = fx.sent("eth1", V4).get(0).msg();
        assertThat(v2).hasSize(8); // IGMPv2
        assertThat(v2[1]).isEqualTo((byte) 50);
        byte[] v1 = fx.sent("eth1", V6).get(0).msg();
        assertThat(v1).hasSize(24); // MLDv1
        assertThat(Codes.u16(v1, 4)).isEqualTo(5000);
        fx.io.advance(5000); // start-up interval 20 s / 4
        assertThat(fx.sent("eth1", V4)).hasSize(2);
        // leaves: 3 queries 0.5 s apart, then gone
        fx.receive("eth1", V4, igmpOld("10.0.1.2", 0x16, "239.1.1.1"));
        fx.receive("eth1", V4, igmpOld("10.0.1.2", 0x17, "239.1.1.1"));
        fx.io.advance(1499);
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        fx.io.advance(1);
        assertThat(fx.kernel.filter(2, "239.1.1.1")).isNull();
    }

    @Test
    void querierSettingsOutOfRangeWarnAndKeepTheDefaults() {
        fx.phyint("eth1", new Directive.Querier("4", "0", "0", "40000", "8", ""));
        assertThat(fx.messages).contains(
                "test.conf line 1: phyint eth1 igmp-version 4 out of range (2-3)",
                "test.conf line 1: phyint eth1 mld-version 0 out of range (1-2)",
                "test.conf line 1: phyint eth1 query-interval 0 out of range (1-31744)",
                "test.conf line 1: phyint eth1 query-response-interval 40000 out of range (1-31744)",
                "test.conf line 1: phyint eth1 robustness 8 out of range (1-7)",
                "test.conf line 1: phyint eth1 last-member-query-interval  out of range (1-31744)");
        fx.messages.clear();
        fx.phyint("eth2", new Directive.Querier(null, null, "5", null, null, null));
        assertThat(fx.messages).contains(
                "test.conf line 1: phyint eth2 query-response-interval 100 is not shorter than query-interval 5 s, using 25");
    }

    @Test
    void linesAreCheckedAndTheirInterfacesResolved() {
        assertThat(fx.mproxy("eth0", "10.1.2.3", "eth1").error()).isEqualTo("test.conf line 1: mproxy: Invalid multicast group: 10.1.2.3");
        assertThat(fx.mproxy("eth0", "239.0.0.0/33", "eth1").error())
                .isEqualTo("test.conf line 1: mproxy: Invalid multicast group prefix length, 33");
        assertThat(fx.mproxy("eth0", null, "eth0").failing()).isTrue();
        assertThat(fx.messages).contains("test.conf line 1: mproxy: downstream eth0 is the upstream interface, skipping",
                "test.conf line 1: mproxy: no downstream interface");
        assertThat(fx.mproxy("eth+", null, "eth2").ok()).isTrue();
        assertThat(fx.messages).contains("test.conf line 1: mproxy: eth+ matches several interfaces, using eth0 as upstream");
        assertThat(fx.mproxy("eth2", null, "eth1").error())
                .isEqualTo("test.conf line 1: mproxy: upstream eth2 is downstream of another mproxy line");
        assertThat(fx.mproxy("eth1", "239.0.0.0/8", "eth0", "eth2").ok()).isTrue();
        assertThat(fx.messages).contains("test.conf line 1: mproxy: downstream eth0 is upstream of another mproxy line, skipping");
    }
}
