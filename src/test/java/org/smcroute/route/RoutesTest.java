package org.smcroute.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Outcome;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

class RoutesTest {

    @Test
    void ssmRouteIsPushedAtOnceWithItsOifs() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        assertThat(fx.add("eth0", "10.0.0.10", "225.3.2.1", "eth1", "eth2").ok()).isTrue();
        var m = fx.kernel.mfc(Family.INET, "10.0.0.10", "225.3.2.1");
        assertThat(m.parent()).isEqualTo(fx.slot("eth0"));
        assertThat(m.oifMask()).isEqualTo((1 << fx.slot("eth1")) | (1 << fx.slot("eth2")));
        assertThat(fx.kernel.calls).filteredOn(c -> c.startsWith("addMfc")).hasSize(1);
    }

    @Test
    void vifsAreAllocatedLazilyLowestFirstForBothFamilies() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2", "eth3");
        fx.add("eth3", "10.0.0.1", "225.1.1.1", "eth2");
        assertThat(fx.slot("eth3")).isZero();
        assertThat(fx.slot("eth2")).isEqualTo(1);
        assertThat(fx.ifaces.find("eth2").slot(Family.INET6)).isEqualTo(1);
        assertThat(fx.ifaces.find("eth0").slot(Family.INET)).isEqualTo(-1);
    }

    @Test
    void repeatedAddMergesOifsAndRemovingAnOifPushesTheRemoval() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth2");
        int both = (1 << fx.slot("eth1")) | (1 << fx.slot("eth2"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(both);
        assertThat(fx.remove("eth0", "10.0.0.1", "225.1.2.3", "eth1").ok()).isTrue();
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(1 << fx.slot("eth2"));
        assertThat(fx.remove("eth0", "10.0.0.1", "225.1.2.3").ok()).isTrue();
        assertThat(fx.kernel.mfc(Family.INET)).isEmpty();
    }

    @Test
    void removingAnUnknownRouteNamesIt() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        var o = fx.remove("eth0", null, "225.1.2.3/24");
        assertThat(o.error()).isEqualTo("No such route (*, 225.1.2.3/24) from eth0");
    }

    @Test
    void templatesResolveUpcallsWithTheUnionOfTheirOifs() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", null, "225.1.0.0/16", "eth1");
        fx.add("eth0", "10.0.0.0/8", "225.1.2.0/24", "eth2");
        assertThat(fx.kernel.mfc(Family.INET)).isEmpty();
        fx.routes.onNoCache(Family.INET, Addr.parse("10.1.1.1"), Addr.parse("225.1.2.3"), fx.slot("eth0"));
        int both = (1 << fx.slot("eth1")) | (1 << fx.slot("eth2"));
        assertThat(fx.kernel.mfc(Family.INET, "10.1.1.1", "225.1.2.3").oifMask()).isEqualTo(both);
        assertThat(fx.installed).containsExactly("10.1.1.1,225.1.2.3");
        fx.routes.onNoCache(Family.INET, Addr.parse("192.168.1.1"), Addr.parse("225.1.9.9"), fx.slot("eth0"));
        assertThat(fx.kernel.mfc(Family.INET, "192.168.1.1", "225.1.9.9").oifMask()).isEqualTo(1 << fx.slot("eth1"));
    }

    @Test
    void unmatchedFlowsGetStopFiltersThatANewTemplateOpens() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", null, "225.9.9.9", "eth1");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.1"), Addr.parse("225.7.7.7"), fx.slot("eth0"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.7.7.7").oifMask()).isZero();
        assertThat(fx.logged("Multicast from 10.0.0.1, group 225.7.7.7, on eth0 does not match any (*,G) rule")).isTrue();
        assertThat(fx.installed).isEmpty();
        fx.add("eth0", null, "225.7.0.0/16", "eth1");
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.7.7.7").oifMask()).isEqualTo(1 << fx.slot("eth1"));
        fx.remove("eth0", null, "225.7.0.0/16");
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.7.7.7")).isNull();
    }

    @Test
    void wrongVifReparentsLearnedEntriesButNeverStaticOnes() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", null, "225.1.2.3", "eth2");
        fx.add("eth1", null, "225.1.2.3", "eth2");
        Addr s = Addr.parse("10.0.0.1");
        Addr g = Addr.parse("225.1.2.3");
        fx.routes.onNoCache(Family.INET, s, g, fx.slot("eth0"));
        fx.routes.onWrongVif(Family.INET, s, g, fx.slot("eth1"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").parent()).isEqualTo(fx.slot("eth1"));
        assertThat(fx.routes.cache()).hasSize(1);
        assertThat(fx.logged("Moved (10.0.0.1,225.1.2.3) inbound to eth1 after WRONGVIF")).isTrue();

        fx.add("eth0", "10.0.0.2", "225.1.2.3", "eth2");
        fx.routes.onWrongVif(Family.INET, Addr.parse("10.0.0.2"), g, fx.slot("eth1"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.2", "225.1.2.3").parent()).isEqualTo(fx.slot("eth0"));
    }

    @Test
    void ssmRouteWithANewInboundReplacesTheOldOne() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth2");
        fx.add("eth1", "10.0.0.1", "225.1.2.3", "eth2");
        assertThat(fx.routes.ssmRoutes()).hasSize(1);
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").parent()).isEqualTo(fx.slot("eth1"));
        assertThat(fx.logged("mroute: (10.0.0.1, 225.1.2.3) inbound changed from eth0 to eth1")).isTrue();
    }

    @Test
    void reAddingUnchangedRoutesDuringAReloadTouchesNothing() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2");
        fx.add("eth0", null, "225.5.0.0/16", "eth1");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.9.9.9"), Addr.parse("225.5.1.1"), fx.slot("eth0"));
        fx.kernel.clearCalls();
        fx.routes.beginReload();
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2");
        fx.add("eth0", null, "225.5.0.0/16", "eth1");
        assertThat(fx.routes.endReload().step(System.nanoTime() + 60_000_000_000L)).isTrue();
        assertThat(fx.kernel.calls).isEmpty();
    }

    @Test
    void reloadWithAnOifDroppedPushesOnlyThatChange() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2");
        fx.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        fx.kernel.clearCalls();
        fx.routes.beginReload();
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1");
        fx.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        assertThat(fx.routes.endReload().step(System.nanoTime() + 60_000_000_000L)).isTrue();
        assertThat(fx.kernel.calls).containsExactly("addMfc INET (10.0.0.1,225.1.2.3) 0 oifs=10");
    }

    @Test
    void deletingAVifClearsItFromKernelEntries() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2");
        fx.phyints.deleteSlots(fx.ifaces.find("eth2"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(1 << fx.slot("eth1"));
        fx.phyints.deleteSlots(fx.ifaces.find("eth0"));
        assertThat(fx.kernel.mfc(Family.INET)).isEmpty();
        assertThat(fx.routes.ssmRoutes()).isEmpty();
    }

    @Test
    void idleLearnedEntriesExpireWithinTwoPeriodsAndActiveOnesStay() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", null, "225.1.0.0/16", "eth1");
        fx.add("eth0", "10.0.0.1", "225.1.0.1", "eth1");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.2"), Addr.parse("225.1.0.2"), fx.slot("eth0"));
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.3"), Addr.parse("225.1.0.3"), fx.slot("eth0"));
        fx.routes.expire(60, 100);
        fx.kernel.counters.put("10.0.0.3,225.1.0.3", new Counters(5, 500, 0));
        fx.routes.expire(60, 160);
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.2", "225.1.0.2")).isNull();
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.3", "225.1.0.3")).isNotNull();
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.0.1")).isNotNull();
        assertThat(fx.routes.flush()).isEqualTo(1);
        assertThat(fx.kernel.mfc(Family.INET)).hasSize(1);
    }

    @Test
    void ipv6RoutesUseMifs() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", "fd00::1", "ff0e::1:2", "eth1");
        var m = fx.kernel.mfc(Family.INET6, "fd00::1", "ff0e::1:2");
        assertThat(m.parent()).isEqualTo(fx.ifaces.find("eth0").slot(Family.INET6));
        assertThat(m.oifMask()).isEqualTo(1 << fx.ifaces.find("eth1").slot(Family.INET6));
    }

    @Test
    void invalidInputIsRefusedWithTheSpecTexts() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        // IPC messages carry no "ipc: " prefix: the client shows them as they are
        assertThat(fx.add("eth0", null, "10.1.2.3", "eth1").error()).isEqualTo("mroute: Invalid multicast group: 10.1.2.3");
        assertThat(fx.add("eth0", null, "225.1.2.3/33", "eth1").error())
                .isEqualTo("mroute: Invalid multicast group prefix length, 33");
        assertThat(fx.add("eth0", null, "225.1.2.3/abc", "eth1").error())
                .isEqualTo("mroute: Invalid multicast group prefix length, abc");
        assertThat(fx.add("eth0", "zz", "225.1.2.3", "eth1").error()).isEqualTo("mroute: Invalid source address: zz");
        assertThat(fx.add("eth0", "fd00::1", "225.1.2.3", "eth1").error())
                .isEqualTo("mroute: Source and group address families differ, source fd00::1");
        assertThat(fx.add("eth0", "10.0.0.1/40", "225.1.2.3", "eth1").error()).isEqualTo("mroute: invalid prefix length: 40");
        assertThat(fx.add("eth0", "10.0.0.1/-8", "225.1.2.3", "eth1").error()).isEqualTo("mroute: invalid prefix length: -8");
        assertThat(fx.add("eth9", "10.0.0.1", "225.1.2.3", "eth1").error()).isEqualTo("mroute: inbound eth9 is not a known phyint");
        assertThat(fx.remove("eth9", "10.0.0.1", "225.1.2.3").error()).isEqualTo("mroute: inbound eth9 is not a known phyint");
        assertThat(fx.kernel.mfc(Family.INET)).isEmpty();
    }

    @Test
    void missingOifInstallsWhatExistsAndQueuesTheLine() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        Outcome o = fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1", "wg0");
        assertThat(o.ok()).isTrue();
        assertThat(o.warnings()).containsExactly(
                "mroute: outbound wg0 does not exist (yet?), the route waits for it on the pending list");
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(1 << fx.slot("eth1"));
        assertThat(fx.pending.entries()).hasSize(1);
        assertThat(fx.logged("mroute from eth0 source 10.0.0.1 group 225.1.2.3 pending: outbound wg0 not available")).isTrue();
    }

    @Test
    void loopsAndRoutesWithoutOutboundAreToldToTheOneWhoAsked() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        assertThat(fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth0", "eth1").warnings())
                .containsExactly("mroute: Same outbound interface (eth0) as inbound (eth0) may cause routing loops.");
        assertThat(fx.add("eth0", "10.0.0.2", "225.1.2.3").warnings())
                .containsExactly("mroute: (10.0.0.2, 225.1.2.3) from eth0 has no outbound interface: its traffic is dropped");
        assertThat(fx.add("eth0", "10.0.0.3", "225.1.2.3", "eth1").warnings()).isEmpty();
    }

    @Test
    void thresholdsBecomeIpv4Ttls() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "eth1");
        fx.phyints.apply(new Directive.Phyint(Fixture.FILE, "eth1", true, false, "3"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").ttls()[fx.slot("eth1")]).isEqualTo((byte) 3);
    }

    @Test
    void learnedEntriesAreCappedAndStopFiltersGiveWayToForwardingFlows() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", null, "225.1.0.0/16", "eth1");
        fx.routes.setLearnedLimit(3);
        for (int i = 1; i <= 3; i++) {
            fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0." + i), Addr.parse("226.0.0.1"), fx.slot("eth0"));
        }
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.9"), Addr.parse("226.0.0.1"), fx.slot("eth0"));
        assertThat(fx.routes.learnedCount()).isEqualTo(3);
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.9", "226.0.0.1")).isNull();
        assertThat(fx.messages).filteredOn(m -> m.contains("Learned route cache full (3 entries)")).hasSize(1);
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.7"), Addr.parse("225.1.0.7"), fx.slot("eth0"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.7", "225.1.0.7").oifMask()).isEqualTo(1 << fx.slot("eth1"));
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.1", "226.0.0.1")).isNull();
        assertThat(fx.routes.learnedCount()).isEqualTo(3);
        assertThat(fx.routes.flush()).isEqualTo(3);
        assertThat(fx.routes.learnedCount()).isZero();
    }

    @Test
    void aFullCacheLeavesNoUnresolvedEntryAndStillEvictsNewStopFilters() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        fx.add("eth0", null, "225.1.0.0/16", "eth1");
        fx.routes.setLearnedLimit(2);
        int eth0 = fx.slot("eth0");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.1"), Addr.parse("225.1.0.1"), eth0);
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.2"), Addr.parse("225.1.0.2"), eth0);
        // full, no stop filter to evict: the kernel's unresolved entry is resolved empty and deleted
        fx.kernel.clearCalls();
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.3"), Addr.parse("225.1.0.3"), eth0);
        assertThat(fx.kernel.calls).containsExactly(
                "addMfc INET (10.0.0.3,225.1.0.3) " + eth0 + " oifs=0", "delMfc INET (10.0.0.3,225.1.0.3)");
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.3", "225.1.0.3")).isNull();
        assertThat(fx.routes.learnedCount()).isEqualTo(2);
        // a stop filter made after room appears is evicted again by the next forwarding flow
        fx.routes.flush();
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.4"), Addr.parse("225.1.0.4"), eth0);
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.5"), Addr.parse("226.0.0.5"), eth0); // stop filter
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.6"), Addr.parse("225.1.0.6"), eth0);
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.5", "226.0.0.5")).isNull();
        assertThat(fx.kernel.mfc(Family.INET, "10.0.0.6", "225.1.0.6").oifMask()).isEqualTo(1 << fx.slot("eth1"));
        assertThat(fx.routes.learnedCount()).isEqualTo(2);
    }
}
