package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Link;
import org.smcroute.log.Log;

/** Interfaces that vanish, come back and are re-created, against the fake kernel. */
class HotplugTest {

    private final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("eth2", 4);
    private final List<String> messages = new ArrayList<>();
    private final Log log = new Log(Log.DEBUG, (l, m) -> messages.add(m));
    private final State state = new State(kernel, log, false, 4096, false);
    private final Hotplug hotplug = state.hotplug();
    private static final Origin LINE = new Origin("t.conf", 1);

    HotplugTest() throws Exception {
        state.ifaces().refresh(kernel.links());
        state.routing().open(Family.INET, 0);
        state.routing().open(Family.INET6, 0);
    }

    private void mroute(String from, String src, String grp, String... to) {
        state.applier().apply(new Directive.Mroute(LINE, from, src, grp, List.of(to)));
    }

    private void replaceLink(String name, int newIndex) {
        kernel.links.removeIf(l -> l.name().equals(name));
        if (newIndex > 0) {
            kernel.links.add(new Link(name, newIndex, Link.IFF_UP | Link.IFF_MULTICAST, null));
        }
    }

    @Test
    void aRecreatedOifGetsItsSlotBackAndForwardingResumes() {
        mroute("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2");
        int eth2 = state.ifaces().find("eth2").slot(Family.INET);
        replaceLink("eth2", 0);
        hotplug.refresh();
        assertThat(kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(1 << state.ifaces().find("eth1").slot(Family.INET));
        replaceLink("eth2", 9);
        hotplug.refresh();
        assertThat(state.ifaces().find("eth2").slot(Family.INET)).isEqualTo(eth2);
        assertThat(kernel.vifs(Family.INET).get(eth2)).isEqualTo(9);
        assertThat(kernel.mfc(Family.INET, "10.0.0.1", "225.1.2.3").oifMask()).isEqualTo(0b110);
        assertThat(messages).contains("Interface eth2 is back (ifindex 9), re-applying routes and groups");
    }

    @Test
    void aRecreatedInboundIsRegisteredAgainAndItsEntriesRepushed() {
        mroute("eth0", "10.0.0.1", "225.1.2.3", "eth1");
        replaceLink("eth0", 12);
        kernel.clearCalls();
        hotplug.refresh();
        assertThat(kernel.vifs(Family.INET).get(0)).isEqualTo(12);
        assertThat(kernel.calls).contains("addMfc INET (10.0.0.1,225.1.2.3) 0 oifs=10");
    }

    @Test
    void pendingLinesActivateWhenTheirInterfacesAppear() {
        mroute("wg0", null, "225.1.2.4", "eth1");
        mroute("eth0", null, "225.1.2.5", "wg1");
        state.applier().apply(new Directive.Mgroup(LINE, "wg0", null, "225.3.3.3"));
        assertThat(state.pending().entries()).hasSize(3);
        kernel.link("wg0", 20);
        hotplug.refresh();
        assertThat(state.pending().entries()).hasSize(1);
        assertThat(kernel.memberships()).containsExactly("20 * 225.3.3.3");
        kernel.link("wg1", 21);
        hotplug.refresh();
        assertThat(state.pending().entries()).isEmpty();
        assertThat(state.routes().templates()).hasSize(2);
        assertThat(messages).contains("Activated pending mroute from wg0 group 225.1.2.4", "Activated pending mroute from eth0 group 225.1.2.5");
    }

    @Test
    void groupsAreRejoinedOnTheNewIfindex() {
        state.groups().join(Origin.IPC, "eth1", null, "225.9.9.9");
        replaceLink("eth1", 30);
        hotplug.refresh();
        assertThat(kernel.memberships()).containsExactly("30 * 225.9.9.9");
    }

    @Test
    void joinsAreLeftWhileMulticastIsOffAndRejoinedWhenItReturns() {
        state.groups().join(Origin.IPC, "eth1", null, "225.9.9.8");
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 3, Link.IFF_UP, null) : l);
        hotplug.refresh();
        assertThat(kernel.memberships()).isEmpty();
        assertThat(state.groups().kernelJoins()).hasSize(1); // the record stays for the re-join
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 3, Link.IFF_UP | Link.IFF_MULTICAST, null) : l);
        hotplug.refresh();
        assertThat(kernel.memberships()).containsExactly("3 * 225.9.9.8");
        state.groups().leave(Origin.IPC, "eth1", null, "225.9.9.8");
        assertThat(kernel.memberships()).isEmpty();
    }
}
