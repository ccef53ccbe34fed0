package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * End to end through every harness piece: a daemon routes IPv4 (*,G) and IPv6 (S,G) traffic
 * from the sender to two receivers. Skipped until the Java daemon is built; meanwhile it runs
 * against the original C SMCRoute with
 * {@code mvn verify -Dit.test=RoutingSmokeIT -Dsmcroute.it.smcrouted=/usr/sbin/smcrouted -Dsmcroute.it.smcroutectl=/usr/sbin/smcroutectl}.
 */
@ExtendWith(NetnsExtension.class)
class RoutingSmokeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void routesIpv4AndIpv6ToTheConfiguredReceivers() {
        assumeTrue(System.getProperty("smcroute.it.smcrouted") != null
                        || Files.exists(Project.home().resolve("target/classes/org/smcroute/daemon/Main.class")),
                "no daemon built yet");
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), """
                     phyint eth0 enable
                     phyint eth1 enable
                     phyint eth2 enable
                     mroute from eth0 group 225.1.2.3 to eth1 eth2
                     mroute from eth0 source fd00::2 group ff0e::1:3 to eth2
                     """);
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.1.2.3", "ff0e::1:3");
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.1.2.3", "ff0e::1:3")) {
            String v4 = t.sender().hostV4();
            String v6 = t.sender().hostV6();
            // 100 packets/s: the kernel queues only 10 packets of a flow while its upcall is
            // unanswered, so this leaves the daemon 100 ms to install a (*,G) route.
            Mcast.send(t.sender().host(), "eth0", "225.1.2.3", 4000, 30, 100);
            Mcast.send(t.sender().host(), "eth0", "ff0e::1:3", 4000, 30, 100);
            r1.await(v4, "225.1.2.3", 30, WAIT);
            r2.await(v6, "ff0e::1:3", 30, WAIT);

            Count all = new Count(30, 30);
            assertThat(r1.stop()).containsExactlyEntriesOf(Map.of(new Flow(v4, "225.1.2.3"), all));
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(v4, "225.1.2.3"), all, new Flow(v6, "ff0e::1:3"), all));

            assertThat(ProcFiles.vifs(t.router(), false)).extracting(ProcFiles.Vif::name)
                    .containsExactly("eth0", "eth1", "eth2");
            assertThat(ProcFiles.cache(t.router(), false)).singleElement()
                    .satisfies(m -> assertThat(m.oifs()).containsOnlyKeys(1, 2))
                    .extracting(ProcFiles.Mfc::group, ProcFiles.Mfc::origin).containsExactly("225.1.2.3", v4);
            assertThat(ProcFiles.mroutes(t.router(), true)).containsExactly(
                    new ProcFiles.Mroute(v6, "ff0e::1:3", "eth0", List.of("eth2"), "resolved"));

            Exec.Result show = d.ctl().run("-p", "show").ok();
            assertThat(show.out()).contains("(*, 225.1.2.3)", "(fd00::2, ff0e::1:3)");
            d.stopCleanly();
        }
    }
}
