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
import org.smcroute.loop.ManualIo;
import org.smcroute.mrdisc.Mrdisc;

/** The mrdisc hooks of interface hot-plug: deactivation and reactivation. */
class MrdiscHotplugTest {

    final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (lvl, m) -> messages.add(lvl + " " + m));
    final State state = new State(kernel, log, false, 1000, false);
    final Hotplug hotplug = state.hotplug();

    MrdiscHotplugTest() throws Exception {
        state.ifaces().refresh(kernel.links());
        state.routing().open(Family.INET, 0);
        state.routing().open(Family.INET6, 0);
        state.ifaces().addListener(new Mrdisc(kernel, log, 4, new ManualIo(), f -> 2));
        state.applier().apply(new Directive.Phyint(new Origin("t.conf", 1), "eth1", true, true, null));
        kernel.clearCalls();
    }

    @Test
    void vanishedInterfaceStopsWithoutTerminationAndAnnouncesWhenBack() {
        kernel.links.removeIf(l -> l.name().equals("eth1"));
        hotplug.refresh();
        assertThat(kernel.calls).containsExactly("closeControl 1000", "delVif INET 0", "closeControl 1001", "delVif INET6 0");
        assertThat(kernel.controlSockets).isEmpty();

        kernel.clearCalls();
        kernel.links.add(new Link("eth1", 8, Link.IFF_UP | Link.IFF_MULTICAST, null));
        hotplug.refresh();
        assertThat(kernel.calls).containsSubsequence("addVif INET 0 8 1", "addVif INET6 0 8 1",
                "openControl INET eth1 8 1002", "sendControl 1002 3004cf7c007d0002",
                "openControl INET6 eth1 8 1003", "sendControl 1003 97040000007d0002");
        assertThat(kernel.controlSockets).hasSize(2);
    }

    @Test
    void interfaceRecreatedBetweenTwoRefreshesGetsFreshSockets() {
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 9, l.flags(), null) : l);
        hotplug.refresh();
        assertThat(kernel.calls).containsSubsequence("addVif INET 0 9 1", "closeControl 1000",
                "openControl INET eth1 9 1002", "closeControl 1001", "openControl INET6 eth1 9 1003");
        assertThat(kernel.calls).noneMatch(c -> c.matches("sendControl \\d+ (32|99).*"));
    }
}
