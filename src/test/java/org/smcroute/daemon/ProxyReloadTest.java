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
import org.smcroute.proxy.Packets;
import org.smcroute.proxy.Proxy;

/**
 * The proxy in the reload order {@link State} owns: a reload that keeps the mproxy line keeps what
 * hosts reported and touches no socket; one that drops it leaves everything.
 */
class ProxyReloadTest {

    static final Origin LINE = new Origin("t.conf", 1);

    final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("eth2", 4);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (l, m) -> messages.add(m));
    final State state = new State(kernel, log, false, 4096, false);
    final ManualIo io = new ManualIo();
    final Proxy proxy = new Proxy(kernel, state.ifaces(), state.proxyLines(), state.routes(), log, io);

    ProxyReloadTest() throws Exception {
        state.ifaces().refresh(kernel.links());
        state.routing().open(Family.INET, 0);
        state.routing().open(Family.INET6, 0);
        state.proxyLines().setListener(proxy);
        state.ifaces().addListener(proxy);
        state.routes().addContributor(proxy);
    }

    void load(Directive... lines) {
        for (Directive d : lines) {
            state.applier().apply(d);
        }
    }

    void reload(Directive... lines) {
        state.beginReload();
        load(lines);
        state.endReload();
    }

    static Directive.Mproxy mproxy(String from, String... to) {
        return new Directive.Mproxy(LINE, from, null, List.of(to), null);
    }

    static Directive.Phyint phyint(String ifname, String queryInterval) {
        return new Directive.Phyint(LINE, ifname, true, false, null,
                new Directive.Querier(null, null, queryInterval, null, null, null));
    }

    void join(String ifname, String host, String group) {
        int s = kernel.controlSocket(Family.INET, ifname);
        kernel.queue(s, Packets.igmp3(host, Packets.TO_EX, group));
        io.readable(s);
    }

    @Test
    void aReloadThatKeepsTheLineKeepsTheMembershipsAndTheSockets() {
        load(phyint("eth1", "125"), mproxy("eth0", "eth1", "eth2"));
        join("eth1", "10.0.1.2", "239.1.1.1");
        assertThat(kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        kernel.clearCalls();
        reload(phyint("eth1", "60"), mproxy("eth0", "eth1", "eth2"));
        assertThat(kernel.calls).noneMatch(c -> c.startsWith("openControl") || c.startsWith("closeControl")
                || c.startsWith("leave") || c.startsWith("join") || c.startsWith("setFilter"));
        assertThat(kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        assertThat(proxy.links()).hasSize(4);
        assertThat(proxy.links().get(0).members()).hasSize(1);
        // the new query interval is in use: the next General Query after the start-up ones comes 60 s later
        int socket = kernel.controlSocket(Family.INET, "eth1");
        long before = kernel.controlSent.stream().filter(x -> x.socket() == socket).count();
        io.advance(31_250); // the start-up query planned with the old interval
        io.advance(60_000);
        assertThat(kernel.controlSent.stream().filter(x -> x.socket() == socket).count()).isEqualTo(before + 2);
    }

    @Test
    void aReloadWithoutTheLineClosesTheQueriersAndLeavesUpstream() {
        load(mproxy("eth0", "eth1", "eth2"));
        join("eth1", "10.0.1.2", "239.1.1.1");
        reload(new Directive.Mroute(LINE, "eth0", null, "225.1.1.1", List.of("eth1")));
        assertThat(kernel.controlSockets).isEmpty();
        assertThat(kernel.filter(2, "239.1.1.1")).isNull();
        assertThat(proxy.links()).isEmpty();
        assertThat(proxy.joined()).isEmpty();
        // the closed queriers' timers do nothing any more
        int sent = kernel.controlSent.size();
        io.advance(600_000);
        assertThat(kernel.controlSent).hasSize(sent);
        assertThat(messages).noneMatch(m -> m.contains("Failed sending"));
    }

    @Test
    void aReloadThatMovesADownstreamKeepsTheOtherOne() {
        load(mproxy("eth0", "eth1", "eth2"));
        join("eth1", "10.0.1.2", "239.1.1.1");
        join("eth2", "10.0.2.2", "239.1.1.2");
        reload(mproxy("eth0", "eth1"));
        assertThat(kernel.controlSocket(Family.INET, "eth2")).isEqualTo(-1);
        assertThat(kernel.filter(2, "239.1.1.1")).isEqualTo("EXCLUDE []");
        assertThat(kernel.filter(2, "239.1.1.2")).isNull();
    }

    private void replaceLink(String name, int newIndex) {
        kernel.links.removeIf(l -> l.name().equals(name));
        if (newIndex > 0) {
            kernel.links.add(new Link(name, newIndex, Link.IFF_UP | Link.IFF_MULTICAST, null));
        }
        state.hotplug().refresh();
    }

    @Test
    void interfacesThatGoAndComeBackAreQueriedAndJoinedAgain() {
        load(mproxy("eth0", "eth1", "eth2"));
        join("eth1", "10.0.1.2", "239.1.1.1");
        join("eth2", "10.0.2.2", "239.1.1.2");
        // the upstream interface is re-created: every membership is joined on its new ifindex
        replaceLink("eth0", 12);
        assertThat(kernel.filter(12, "239.1.1.1")).isEqualTo("EXCLUDE []");
        assertThat(kernel.filter(12, "239.1.1.2")).isEqualTo("EXCLUDE []");
        assertThat(kernel.filter(2, "239.1.1.1")).isNull();
        // a downstream interface vanishes: its socket closes and its members are forgotten
        int old = kernel.controlSocket(Family.INET, "eth1");
        replaceLink("eth1", 0);
        assertThat(kernel.controlSockets).doesNotContainKey(old);
        assertThat(kernel.filter(12, "239.1.1.1")).isNull();
        assertThat(kernel.filter(12, "239.1.1.2")).isEqualTo("EXCLUDE []");
        // and comes back: a new querier there, which starts with start-up queries
        replaceLink("eth1", 13);
        int fresh = kernel.controlSocket(Family.INET, "eth1");
        assertThat(fresh).isPositive().isNotEqualTo(old);
        assertThat(kernel.controlSent).anyMatch(x -> x.socket() == fresh && x.type() == 0x11);
        join("eth1", "10.0.1.2", "239.1.1.1");
        assertThat(kernel.filter(12, "239.1.1.1")).isEqualTo("EXCLUDE []");
    }

    @Test
    void aMissingUpstreamWaitsOnThePendingListAndTakesEffectWhenItAppears() {
        load(mproxy("eth9", "eth1"));
        assertThat(state.pending().entries()).hasSize(1);
        assertThat(messages).contains("t.conf line 1: mproxy from eth9 pending: upstream eth9 not available");
        assertThat(kernel.controlSockets).isEmpty();
        kernel.link("eth9", 9);
        state.hotplug().refresh();
        assertThat(state.pending().entries()).isEmpty();
        assertThat(kernel.controlSocket(Family.INET, "eth1")).isPositive();
        join("eth1", "10.0.1.2", "239.1.1.1");
        assertThat(kernel.filter(9, "239.1.1.1")).isEqualTo("EXCLUDE []");
    }
}
