package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smcroute.sys.NetlinkMonitor.LinkEvent;

/** Interfaces that come and go, made with ip(8) in the private namespace. */
class NetlinkMonitorIT {

    @BeforeAll
    static void namespace() throws Exception {
        NetnsFixture.ensure();
    }

    @Test
    void ifbAndVethComingAndGoingAreReported() throws Exception {
        try (NetlinkMonitor m = NetlinkMonitor.open()) {
            m.drain();
            List<LinkEvent> got = new ArrayList<>();

            LinuxKernelIT.sh("ip", "link", "add", "name", "nlx0", "type", "ifb");
            int index = LibC.ifNameToIndex("nlx0");
            assertThat(index).isPositive();
            awaitEvent(m, got, e -> e.equals(new LinkEvent(NetlinkMonitor.NEWLINK, index, "nlx0")));

            LinuxKernelIT.sh("ip", "addr", "add", "10.9.9.1/24", "dev", "nlx0");
            awaitEvent(m, got, e -> e.equals(new LinkEvent(NetlinkMonitor.NEWADDR, index, "nlx0")));
            LinuxKernelIT.sh("ip", "-6", "addr", "add", "fd09::1/64", "dev", "nlx0", "nodad");
            awaitEvent(m, got, e -> e.equals(new LinkEvent(NetlinkMonitor.NEWADDR, index, null)));

            LinuxKernelIT.sh("ip", "link", "del", "nlx0");
            awaitEvent(m, got, e -> e.equals(new LinkEvent(NetlinkMonitor.DELLINK, index, "nlx0")));
            assertThat(got).anyMatch(e -> e.type() == NetlinkMonitor.DELADDR && e.ifindex() == index);

            LinuxKernelIT.sh("ip", "link", "add", "name", "nlv0", "type", "veth", "peer", "name", "nlv1");
            awaitEvent(m, got, e -> e.type() == NetlinkMonitor.NEWLINK && "nlv1".equals(e.name()));
            awaitEvent(m, got, e -> e.type() == NetlinkMonitor.NEWLINK && "nlv0".equals(e.name()));
            LinuxKernelIT.sh("ip", "link", "del", "nlv0");
            awaitEvent(m, got, e -> e.type() == NetlinkMonitor.DELLINK && "nlv1".equals(e.name()));

            Thread.sleep(50);
            m.drain();
            assertThat(m.drain()).isZero(); // everything was read
        }
    }

    @Test
    void drainCountsWithoutASink() throws Exception {
        try (NetlinkMonitor m = NetlinkMonitor.open()) {
            m.drain();
            LinuxKernelIT.sh("ip", "link", "add", "name", "nlx1", "type", "ifb");
            LinuxKernelIT.sh("ip", "link", "del", "nlx1");
            short[] rev = new short[1];
            assertThat(new Poller().poll(new int[] {m.fd()}, new short[] {Poller.POLLIN}, rev, 2000)).isEqualTo(1);
            assertThat(m.drain()).isGreaterThanOrEqualTo(2);
        }
    }

    /** Polls and drains until an event matching {@code want} arrived; all events go to {@code got}. */
    static void awaitEvent(NetlinkMonitor m, List<LinkEvent> got, Predicate<LinkEvent> want) throws Exception {
        Poller p = new Poller();
        short[] rev = new short[1];
        for (int i = 0; i < 20 && got.stream().noneMatch(want); i++) {
            if (p.poll(new int[] {m.fd()}, new short[] {Poller.POLLIN}, rev, 100) > 0) {
                int before = got.size();
                assertThat(m.drain(got::add)).isEqualTo(got.size() - before);
            }
        }
        assertThat(got).as("events so far").anyMatch(want);
    }
}
