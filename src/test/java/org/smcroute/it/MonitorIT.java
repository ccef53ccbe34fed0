package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code smcroutectl monitor} against the real daemon: every event type is reported to every
 * connected monitor, with its fields, and stamped within 2 s of the cause having completed
 * (a command returned, a packet was sent, a link changed, SIGHUP was sent); a client that
 * stops reading is dropped, counted and logged while the daemon goes on.
 */
@ExtendWith(NetnsExtension.class)
class MonitorIT {

    private static final Duration LATENCY = Duration.ofSeconds(2);
    private static final String CONF = """
            phyint eth0 enable
            phyint eth1 enable
            phyint eth2 enable
            mroute from eth0 group 225.9.0.0/16 to eth1
            """;

    private static long metric(Daemon d, String name) {
        Long v = Samples.values(d.ctl().run("metrics").ok().out()).get(name);
        return v == null ? -1 : v;
    }

    /** The event, from each monitor, stamped no later than 2 s after {@code done}. */
    private static String seen(List<EventLines> monitors, Instant done, String type, String... fields) {
        String first = null;
        for (EventLines m : monitors) {
            String line = m.await(type, It.WAIT, fields);
            assertThat(EventLines.time(line)).as(line).isBeforeOrEqualTo(done.plus(LATENCY));
            if (first == null) {
                first = line;
            } else {
                assertThat(line).isEqualTo(first);
            }
        }
        return first;
    }

    @Test
    void everyEventReachesEveryMonitorWithin2sOfItsCause() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF);
             EventLines a = EventLines.start(t.router(), d.socket());
             EventLines b = EventLines.start(t.router(), d.socket())) {
            It.await(() -> "two monitors connected", () -> metric(d, "smcroute_monitors") == 2);
            List<EventLines> both = List.of(a, b);
            Ctl ctl = d.ctl();

            ctl.run("add", "eth0", "10.0.0.2", "225.1.2.3", "eth1", "eth2").ok();
            String add = seen(both, Instant.now(), "route-add", "\"group\":\"225.1.2.3\"");
            assertThat(add).endsWith(",\"family\":\"ipv4\",\"source\":\"10.0.0.2\",\"group\":\"225.1.2.3\",\"iif\":\"eth0\","
                    + "\"oifs\":[\"eth1\",\"eth2\"],\"learned\":false}");
            ctl.run("remove", "eth0", "10.0.0.2", "225.1.2.3").ok();
            assertThat(seen(both, Instant.now(), "route-del", "\"group\":\"225.1.2.3\"")).endsWith(
                    ",\"family\":\"ipv4\",\"source\":\"10.0.0.2\",\"group\":\"225.1.2.3\",\"iif\":\"eth0\","
                    + "\"oifs\":[\"eth1\",\"eth2\"],\"learned\":false}");

            ctl.run("add", "eth0", "fd00::2", "ff0e::42", "eth2").ok();
            assertThat(seen(both, Instant.now(), "route-add", "\"group\":\"ff0e::42\"")).contains(
                    "\"family\":\"ipv6\",\"source\":\"fd00::2\",\"group\":\"ff0e::42\",\"iif\":\"eth0\",\"oifs\":[\"eth2\"]");

            Mcast.send(t.sender().host(), "eth0", "225.9.0.1", 4000, 3, 100);
            Instant sent = Instant.now();
            String learned = seen(both, sent, "learned", "\"group\":\"225.9.0.1\"");
            assertThat(learned).endsWith(",\"family\":\"ipv4\",\"source\":\"" + t.sender().hostV4()
                    + "\",\"group\":\"225.9.0.1\",\"iif\":\"eth0\",\"oifs\":[\"eth1\"],\"upcall\":\"nocache\"}");
            assertThat(seen(both, sent, "route-add", "\"group\":\"225.9.0.1\"")).endsWith("\"learned\":true}");

            ctl.run("join", "eth1", "225.5.5.5").ok();
            assertThat(seen(both, Instant.now(), "join", "\"group\":\"225.5.5.5\"")).endsWith(
                    ",\"family\":\"ipv4\",\"iface\":\"eth1\",\"source\":null,\"group\":\"225.5.5.5\"}");
            ctl.run("leave", "eth1", "225.5.5.5").ok();
            seen(both, Instant.now(), "leave", "\"iface\":\"eth1\"", "\"group\":\"225.5.5.5\"");
            ctl.run("join", "eth1", "10.0.0.2", "225.5.5.6").ok();
            seen(both, Instant.now(), "join", "\"source\":\"10.0.0.2\"", "\"group\":\"225.5.5.6\"");

            int ifindex = It.ifindex(t.router(), "eth2");
            t.router().exec("ip", "link", "set", "eth2", "down").ok();
            assertThat(seen(both, Instant.now(), "iface-down", "\"iface\":\"eth2\""))
                    .endsWith(",\"iface\":\"eth2\",\"ifindex\":" + ifindex + "}");
            t.router().exec("ip", "link", "set", "eth2", "up").ok();
            seen(both, Instant.now(), "iface-up", "\"iface\":\"eth2\"");

            d.reload(CONF);
            Instant hup = Instant.now();
            seen(both, hup, "reload-start");
            assertThat(seen(both, hup, "reload-done")).endsWith(",\"ok\":true}");
            // the reload drops the runtime route and join: their kernel state goes with them
            seen(both, hup, "route-del", "\"group\":\"ff0e::42\"");
            seen(both, hup, "leave", "\"group\":\"225.5.5.6\"");

            assertThat(a.isAlive()).isTrue();
            assertThat(metric(d, "smcroute_monitors_dropped_total")).isZero();
            d.stopCleanly();
        }
    }

    @Test
    void aMonitorThatStopsReadingIsDroppedAndCounted() throws Exception {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "phyint eth0 enable\nphyint eth1 enable\n");
             RawIpc stuck = RawIpc.connect(d.socket())) {
            stuck.send(RawIpc.request('E'));
            It.await(() -> "monitor connected", () -> metric(d, "smcroute_monitors") == 1);
            // far more event lines than the 1 MiB buffer and the socket hold
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 8000; i++) {
                String g = "225.7." + (i / 250) + "." + (i % 250 + 1);
                lines.append("add eth0 10.0.0.2 ").append(g).append(" eth1\nremove eth0 10.0.0.2 ").append(g).append('\n');
            }
            Exec.Result batch = Exec.run(Duration.ofSeconds(120), lines.toString(), List.of("env",
                    "JAVA_HOME=" + Project.javaHome(), Project.bin("smcroutectl"), "-u", d.socket().toString(), "-b"));
            assertThat(batch.exit()).as("%s", batch).isZero();
            d.awaitLog("Dropped an event stream client that fell behind by more than 1024 KiB");
            assertThat(metric(d, "smcroute_monitors_dropped_total")).isEqualTo(1);
            assertThat(metric(d, "smcroute_monitors")).isZero();
            RawIpc.Outcome got = stuck.readUntilClosed(Duration.ofSeconds(10));
            assertThat(got.closed()).as("the daemon closed the stuck monitor").isTrue();
            assertThat(got.text()).startsWith("{\"event\":\"route-add\"");
            d.ctl().run("show").ok();
            d.stopCleanly();
        }
    }
}
