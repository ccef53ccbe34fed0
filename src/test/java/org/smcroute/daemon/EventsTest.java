package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;
import org.smcroute.event.Events;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/** The routing domain reports each kernel change where it happens, and nothing else. */
class EventsTest {

    private final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("eth2", 4);
    private final Log log = new Log(Log.DEBUG, (l, m) -> { });
    private final State state = new State(kernel, log, false, 4096, false);
    private final List<String> seen = new ArrayList<>();
    private static final Origin LINE = new Origin("t.conf", 1);

    EventsTest() throws Exception {
        state.ifaces().refresh(kernel.links());
        state.routing().open(Family.INET, 0);
        state.routing().open(Family.INET6, 0);
        state.setEvents(new Events() {
            @Override
            public void routeAdded(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
                seen.add("route-add " + source + " " + group + " " + inbound + " " + Integer.toBinaryString(oifs) + " " + learned);
            }

            @Override
            public void routeDeleted(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
                seen.add("route-del " + source + " " + group + " " + inbound + " " + Integer.toBinaryString(oifs) + " " + learned);
            }

            @Override
            public void learned(Upcall.Kind cause, Family f, Addr source, Addr group, int inbound, int oifs) {
                seen.add("learned " + cause + " " + source + " " + group);
            }

            @Override
            public void ifaceUp(String name, int ifindex) {
                seen.add("up " + name + " " + ifindex);
            }

            @Override
            public void ifaceDown(String name, int ifindex) {
                seen.add("down " + name + " " + ifindex);
            }

            @Override
            public void joined(Family f, String ifname, Addr source, Addr group) {
                seen.add("join " + ifname + " " + source + " " + group);
            }

            @Override
            public void left(Family f, String ifname, Addr source, Addr group) {
                seen.add("leave " + ifname + " " + source + " " + group);
            }
        });
    }

    private void mroute(String from, String src, String grp, String... to) {
        state.applier().apply(new Directive.Mroute(LINE, from, src, grp, List.of(to)));
    }

    @Test
    void kernelRoutesAreReportedWhenPushedChangedAndDeleted() {
        mroute("eth0", "10.0.0.1", "225.1.2.3", "eth1");
        mroute("eth0", "10.0.0.1", "225.1.2.3", "eth2");
        mroute("eth0", "10.0.0.1", "225.1.2.3", "eth2"); // nothing changes, nothing is pushed
        state.editor().remove(Origin.IPC, "eth0", "10.0.0.1", "225.1.2.3", List.of());
        assertThat(seen).containsExactly("route-add 10.0.0.1 225.1.2.3 0 10 false", "route-add 10.0.0.1 225.1.2.3 0 110 false",
                "route-del 10.0.0.1 225.1.2.3 0 110 false");
    }

    @Test
    void learnedEntriesFollowTheirRouteAdd() {
        mroute("eth0", null, "225.9.0.0/16", "eth1");
        seen.clear();
        state.routes().onNoCache(Family.INET, Addr.parse("10.0.0.5"), Addr.parse("225.9.0.1"), 0);
        state.routes().onNoCache(Family.INET, Addr.parse("10.0.0.5"), Addr.parse("225.8.0.1"), 0);
        assertThat(seen).containsExactly("route-add 10.0.0.5 225.9.0.1 0 10 true", "learned NOCACHE 10.0.0.5 225.9.0.1",
                "route-add 10.0.0.5 225.8.0.1 0 0 true", "learned NOCACHE 10.0.0.5 225.8.0.1");
        state.routes().flush();
        assertThat(seen).endsWith("route-del 10.0.0.5 225.9.0.1 0 10 true", "route-del 10.0.0.5 225.8.0.1 0 0 true");
    }

    @Test
    void interfacesGoingDownAwayAndBackAndTheirJoins() {
        state.groups().join(Origin.IPC, "eth1", null, "225.5.5.5");
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 3, Link.IFF_MULTICAST, null) : l);
        state.hotplug().refresh();
        kernel.links.replaceAll(l -> l.name().equals("eth1") ? new Link("eth1", 3, Link.IFF_UP | Link.IFF_MULTICAST, null) : l);
        state.hotplug().refresh();
        kernel.links.removeIf(l -> l.name().equals("eth1"));
        state.hotplug().refresh();
        kernel.link("eth1", 9).link("eth5", 10);
        state.hotplug().refresh();
        assertThat(seen).containsExactly("join eth1 null 225.5.5.5", "down eth1 3", "up eth1 3", "down eth1 3",
                "leave eth1 null 225.5.5.5", "up eth1 9", "up eth5 10", "join eth1 null 225.5.5.5");
    }
}
