package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * The integration-test harness tested on its own, without the daemon: namespaces come and go
 * without leftovers, and McastTool counts exactly across one veth link (sender namespace to
 * router namespace, same L2, so no multicast routing is involved).
 */
@ExtendWith(NetnsExtension.class)
class HarnessIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void topologyComesUpAndLeavesNothingBehind() {
        List<String> names = new ArrayList<>();
        try (Topology t = Topology.create(2)) {
            t.namespaces().forEach(ns -> names.add(ns.name()));
            assertThat(Netns.list()).containsAll(names);
            assertThat(t.router().exec("ip", "-4", "-o", "addr", "show", "dev", "eth2").ok().out())
                    .contains("inet 10.0.2.1/24");
            assertThat(t.receiver(2).host().exec("ip", "-6", "route", "show", "default").ok().out())
                    .contains("via fd00:0:0:2::1");
            // No routing daemon yet, so the kernel's multicast tables are empty.
            assertThat(ProcFiles.vifs(t.router(), false)).isEmpty();
            assertThat(ProcFiles.cache(t.router(), true)).isEmpty();
        }
        assertThat(Netns.list()).doesNotContainAnyElementsOf(names);
    }

    @Test
    void ipv4CountsAreExactAcrossOneLink() {
        try (Topology t = Topology.create(0)) {
            oneLink(t, "225.1.2.3", "225.1.2.4", "225.1.2.5", t.sender().hostV4());
        }
    }

    @Test
    void ipv6CountsAreExactAcrossOneLink() {
        try (Topology t = Topology.create(0)) {
            oneLink(t, "ff0e::1:3", "ff0e::1:4", "ff0e::1:5", t.sender().hostV6());
        }
    }

    /** Receiver in the router namespace joins g1 and g2; g3 is sent but not joined. */
    private static void oneLink(Topology t, String g1, String g2, String g3, String source) {
        Topology.Link link = t.sender();
        try (Mcast.Receiver r = Mcast.receive(t.router(), link.routerIf(), 4000, g1, g2)) {
            Mcast.send(link.host(), link.hostIf(), g1, 4000, 50, 500);
            Mcast.send(link.host(), link.hostIf(), g2, 4000, 20, 500);
            Mcast.send(link.host(), link.hostIf(), g3, 4000, 10, 500);
            r.await(source, g2, 20, WAIT);
            assertThat(r.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(source, g1), new Count(50, 50),
                    new Flow(source, g2), new Count(20, 20)));
        }
    }

    @Test
    void staleNamespacesOfDeadRunsAreSwept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = Netns.PREFIX + gone.pid() + "-dead-old";
        Exec.run("ip", "netns", "add", stale).ok();
        Netns.sweepStale();
        assertThat(Netns.list()).doesNotContain(stale);
    }

    @Test
    void namespacesAreRemovedAfterAFailingTest() {
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingScenario.class))
                .execute().testEvents();
        results.assertStatistics(s -> s.started(1).failed(1));
        assertThat(FailingScenario.created).hasSize(3);
        assertThat(Netns.list()).doesNotContainAnyElementsOf(FailingScenario.created);
    }

    /** Run only through EngineTestKit above: builds a topology and fails without closing it. */
    @ExtendWith(NetnsExtension.class)
    static class FailingScenario {
        static final List<String> created = new ArrayList<>();

        @Test
        void failsWithTopologyOpen() {
            Topology t = Topology.create(1);
            t.namespaces().forEach(ns -> created.add(ns.name()));
            assertThat(Netns.list()).containsAll(created);
            throw new AssertionError("deliberate failure");
        }
    }
}
