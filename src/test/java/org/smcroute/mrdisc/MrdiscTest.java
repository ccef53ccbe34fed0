package org.smcroute.mrdisc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Routing;
import org.smcroute.route.IfaceSlots;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Link;
import org.smcroute.log.Log;
import org.smcroute.loop.ManualIo;
import org.smcroute.net.Checksum;
import org.smcroute.route.Phyints;
import org.smcroute.route.Routes;

/** Message encoding and the registration life cycle (VIF/MIF creation, settings changes, hot-plug). */
class MrdiscTest {

    static final HexFormat HEX = HexFormat.of();
    static final Family V4 = Family.INET;
    static final Family V6 = Family.INET6;

    final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (lvl, m) -> messages.add(lvl + " " + m));
    final ManualIo io = new ManualIo();
    final Routing routing = new Routing(kernel);
    final Interfaces ifaces = new Interfaces(routing, log);
    final Mrdisc mrdisc = new Mrdisc(kernel, log, 20, io, f -> f.v6() ? 4 : 3);
    final Phyints phyints;

    MrdiscTest() throws Exception {
        ifaces.refresh(kernel.links());
        routing.open(V4, 0);
        routing.open(V6, 0);
        Routes routes = new Routes(routing, log, new IfaceSlots(ifaces));
        phyints = new Phyints(ifaces, routes, log, false);
        ifaces.addListener(mrdisc);
        kernel.clearCalls();
    }

    void phyint(String ifname, boolean enable, boolean flag) {
        phyints.apply(new Directive.Phyint(new Origin("test.conf", 1), ifname, enable, flag, null));
    }

    List<String> sentTypes() {
        List<String> out = new ArrayList<>();
        for (FakeKernel.Sent s : kernel.controlSent) {
            out.add(s.family() + " " + s.ifindex() + " " + s.type());
        }
        return out;
    }

    boolean logged(String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    // ---- encoding

    @Test
    void ipv4MessagesCarryIntervalQueryIntervalRobustnessAndChecksum() {
        assertThat(HEX.formatHex(Mrdisc.encode(V4, Mrdisc.ADVERTISEMENT, 20, 2))).isEqualTo("3014cf6c007d0002");
        assertThat(HEX.formatHex(Mrdisc.encode(V4, Mrdisc.ADVERTISEMENT, 4, 3))).isEqualTo("3004cf7b007d0003");
        assertThat(HEX.formatHex(Mrdisc.encode(V4, Mrdisc.TERMINATION, 20, 2))).isEqualTo("3200cdff00000000");
        assertThat(HEX.formatHex(Mrdisc.encode(V4, Mrdisc.SOLICITATION, 20, 2))).isEqualTo("3100ceff00000000");
        for (int interval = 4; interval <= 180; interval++) {
            for (int rv = 0; rv < 300; rv += 7) {
                assertThat(Checksum.of(Mrdisc.encode(V4, Mrdisc.ADVERTISEMENT, interval, rv))).isZero();
            }
        }
    }

    @Test
    void ipv6MessagesLeaveTheChecksumToTheKernel() {
        assertThat(HEX.formatHex(Mrdisc.encode(V6, Mrdisc.ADVERTISEMENT6, 180, 2))).isEqualTo("97b40000007d0002");
        assertThat(HEX.formatHex(Mrdisc.encode(V6, Mrdisc.TERMINATION6, 180, 2))).isEqualTo("9900000000000000");
    }

    @Test
    void robustnessComesFromTheHost() {
        for (Family f : Family.values()) {
            assertThat(Mrdisc.hostRobustness(f)).isBetween(0, 0xffff);
        }
    }

    // ---- life cycle

    @Test
    void registersWhenTheVifIsCreatedAndAnnouncesAtOnce() {
        phyint("eth1", true, true);
        assertThat(kernel.calls).containsSubsequence("addVif INET 0 3 1", "openControl INET eth1 3 1000",
                "sendControl 1000 3014cf6b007d0003", "addVif INET6 0 3 1", "openControl INET6 eth1 3 1001",
                "sendControl 1001 97140000007d0004");
        assertThat(io.watched()).containsOnlyKeys(1000, 1001);
        assertThat(io.pending()).isEqualTo(1);
        kernel.controlSent.clear();
        io.advance(19_999);
        assertThat(kernel.controlSent).isEmpty();
        io.advance(1); // the announcement interval
        assertThat(sentTypes()).containsExactly("INET 3 48", "INET6 3 151");
        assertThat(mrdisc.registered("eth1", V4)).isTrue();
        assertThat(mrdisc.registered("eth1", V6)).isTrue();
        assertThat(mrdisc.registered("eth0", V4)).isFalse();

        phyint("eth0", true, false);
        assertThat(kernel.controlSockets).hasSize(2);
    }

    @Test
    void timerAnnouncesOnEveryRegistration() {
        phyint("eth0", true, true);
        phyint("eth1", true, true);
        assertThat(io.pending()).isEqualTo(1);
        kernel.controlSent.clear();
        mrdisc.announce();
        assertThat(sentTypes()).containsExactly("INET 2 48", "INET6 2 151", "INET 3 48", "INET6 3 151");
    }

    @Test
    void solicitationIsAnsweredAtOnce() {
        phyint("eth1", true, true);
        kernel.controlSent.clear();
        int s4 = kernel.controlSocket(V4, "eth1");
        int s6 = kernel.controlSocket(V6, "eth1");
        io.watched().get(s4).run(); // readable, but nothing that is a Solicitation
        assertThat(kernel.controlSent).isEmpty();
        kernel.queueSolicitations(s4, 2);
        io.watched().get(s4).run();
        kernel.queueSolicitations(s6, 1);
        io.watched().get(s6).run();
        assertThat(sentTypes()).containsExactly("INET 3 48", "INET6 3 151");
    }

    @Test
    void flagOnForAnExistingVifRegistersAndOffTerminates() {
        phyint("eth1", true, false);
        assertThat(kernel.controlSockets).isEmpty();
        phyint("eth1", true, true);
        assertThat(kernel.controlSockets).hasSize(2);
        assertThat(sentTypes()).containsExactly("INET 3 48", "INET6 3 151");
        kernel.clearCalls();
        phyint("eth1", true, true); // unchanged: nothing happens
        assertThat(kernel.calls).noneMatch(c -> c.contains("Mrdisc"));

        phyint("eth1", true, false);
        assertThat(kernel.calls).containsExactly("sendControl 1000 3200cdff00000000", "closeControl 1000",
                "sendControl 1001 9900000000000000", "closeControl 1001");
        assertThat(io.watched()).isEmpty();
        assertThat(io.pending()).isZero();
        assertThat(mrdisc.registered("eth1", V4)).isFalse();
    }

    @Test
    void deletingTheVifTerminatesBeforeTheKernelVifGoes() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        phyint("eth1", false, false);
        assertThat(kernel.calls).containsExactly("sendControl 1000 3200cdff00000000", "closeControl 1000",
                "delVif INET 0", "sendControl 1001 9900000000000000", "closeControl 1001", "delVif INET6 0");
        assertThat(kernel.controlSockets).isEmpty();
    }

    @Test
    void reloadThatDropsTheKeywordTerminates() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        // Daemon.reload: flags reset, file re-read without a phyint line, then every row synced
        for (Iface i : ifaces.all()) {
            i.setMrdisc(false);
        }
        ifaces.all().forEach(ifaces::settingsChanged);
        assertThat(kernel.calls).containsExactly("sendControl 1000 3200cdff00000000", "closeControl 1000",
                "sendControl 1001 9900000000000000", "closeControl 1001");
    }

    @Test
    void reloadThatKeepsTheKeywordChangesNothing() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        for (Iface i : ifaces.all()) {
            i.setMrdisc(false);
        }
        phyint("eth1", true, true);
        ifaces.all().forEach(ifaces::settingsChanged);
        assertThat(kernel.calls).isEmpty();
    }

    @Test
    void vanishedInterfaceIsDeregisteredWithoutTerminationAndRegisteredWhenBack() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        kernel.links.removeIf(l -> l.name().equals("eth1"));
        ifaces.refresh(kernel.links());
        Iface eth1 = ifaces.find("eth1");
        for (Family f : Family.values()) {
            ifaces.deactivate(eth1, f); // what Hotplug does
        }
        assertThat(kernel.calls).containsExactly("closeControl 1000", "delVif INET 0", "closeControl 1001", "delVif INET6 0");
        assertThat(io.watched()).isEmpty();

        kernel.clearCalls();
        kernel.links.add(new Link("eth1", 7, Link.IFF_UP | Link.IFF_MULTICAST, null));
        ifaces.refresh(kernel.links());
        for (Family f : Family.values()) {
            ifaces.reregister(eth1, f, 3);
        }
        ifaces.settingsChanged(eth1); // Hotplug.reactivate, step 4
        assertThat(kernel.calls).containsSubsequence("addVif INET 0 7 1", "addVif INET6 0 7 1",
                "openControl INET eth1 7 1002", "sendControl 1002 3014cf6b007d0003",
                "openControl INET6 eth1 7 1003", "sendControl 1003 97140000007d0004");
    }

    @Test
    void interfaceThatLostMulticastButIsPresentSendsATermination() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 3, Link.IFF_UP, null) : l);
        ifaces.refresh(kernel.links());
        ifaces.deactivate(ifaces.find("eth1"), V4);
        assertThat(kernel.calls).containsExactly("sendControl 1000 3200cdff00000000", "closeControl 1000", "delVif INET 0");
    }

    @Test
    void recreatedInterfaceGetsAFreshSocketOnTheNewIfindex() {
        phyint("eth1", true, true);
        kernel.clearCalls();
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 9, l.flags(), null) : l);
        ifaces.refresh(kernel.links());
        ifaces.settingsChanged(ifaces.find("eth1"));
        assertThat(kernel.calls).containsExactly("closeControl 1000", "openControl INET eth1 9 1002",
                "sendControl 1002 3014cf6b007d0003", "closeControl 1001", "openControl INET6 eth1 9 1003",
                "sendControl 1003 97140000007d0004");
    }

    @Test
    void shutdownTerminatesEverywhereAndStopsTheTimer() {
        phyint("eth0", true, true);
        phyint("eth1", true, true);
        kernel.clearCalls();
        mrdisc.close();
        assertThat(kernel.calls).containsExactly(
                "sendControl 1000 3200cdff00000000", "closeControl 1000", "sendControl 1001 9900000000000000", "closeControl 1001",
                "sendControl 1002 3200cdff00000000", "closeControl 1002", "sendControl 1003 9900000000000000", "closeControl 1003");
        assertThat(io.watched()).isEmpty();
        assertThat(io.pending()).isZero();
        assertThat(kernel.controlSockets).isEmpty();
    }

    @Test
    void socketThatCannotBeSetUpLeavesNoRegistrationAndIsRetried() {
        kernel.fail("openControl", Errno.EPERM);
        phyint("eth1", true, true);
        assertThat(logged("4 mrdisc: cannot set up socket on eth1: fake error 1")).isTrue();
        assertThat(mrdisc.registered("eth1", V4)).isFalse();
        assertThat(io.watched()).isEmpty();
        assertThat(io.pending()).isZero();
        assertThat(ifaces.find("eth1").slot(V4)).isZero(); // the VIF itself is fine

        kernel.failures.clear();
        phyint("eth1", true, true); // the next trigger tries again
        assertThat(mrdisc.registered("eth1", V4)).isTrue();
        assertThat(mrdisc.registered("eth1", V6)).isTrue();
    }

    @Test
    void ipv6WithoutLinkLocalIsSkippedQuietly() {
        kernel.noLinkLocal.add("eth1");
        phyint("eth1", true, true);
        assertThat(mrdisc.registered("eth1", V4)).isTrue();
        assertThat(mrdisc.registered("eth1", V6)).isFalse();
        assertThat(logged("7 mrdisc: no IPv6 link-local address on eth1, skipping")).isTrue();
        assertThat(messages).noneMatch(m -> m.startsWith("4 "));
    }

    @Test
    void linkDownSendErrorsAreIgnoredOthersWarn() {
        kernel.fail("sendControl", Errno.ENETDOWN);
        phyint("eth0", true, true);
        kernel.fail("sendControl", Errno.ENETUNREACH);
        mrdisc.announce();
        assertThat(messages).noneMatch(m -> m.startsWith("4 "));

        kernel.fail("sendControl", Errno.EPERM);
        mrdisc.announce();
        assertThat(messages).contains("4 Failed sending IGMP control message 0x30 on eth0, error 1: fake error 1",
                "4 Failed sending ICMPv6 control message 151 on eth0, error 1: fake error 1");
        mrdisc.close();
        assertThat(messages).contains("4 Failed sending IGMP control message 0x32 on eth0, error 1: fake error 1",
                "4 Failed sending ICMPv6 control message 153 on eth0, error 1: fake error 1");
        assertThat(kernel.controlSockets).isEmpty();
    }

    @Test
    void staleReadinessAfterDeregistrationIsIgnored() {
        phyint("eth1", true, true);
        Runnable stale = io.watched().get(1000);
        phyint("eth1", true, false);
        kernel.controlSent.clear();
        kernel.queueSolicitations(1000, 1);
        stale.run();
        assertThat(kernel.controlSent).isEmpty();
    }
}
