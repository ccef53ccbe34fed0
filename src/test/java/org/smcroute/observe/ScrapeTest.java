package org.smcroute.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Origin;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;
import org.smcroute.kernel.VifCounters;
import org.smcroute.loop.Stream;
import org.smcroute.net.Addr;

/** A metrics scrape against the fake kernel: families, labels, values and what a scrape sees of changes. */
class ScrapeTest {

    /** Lines of {@code text} starting with {@code prefix}. */
    private static List<String> lines(String text, String prefix) {
        List<String> l = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                l.add(line);
            }
        }
        return l;
    }

    @Test
    void routesVifsAndCountsComeFromTheKernelAndTheDaemon() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        d.add("eth0", "fd00::2", "ff0e::1:3", "eth1");
        d.kernel.counters.put("10.0.0.2,225.1.2.3", new Counters(100, 3800, 2));
        d.kernel.counters.put("fd00::2,ff0e::1:3", new Counters(7, 700, 0));
        d.kernel.vifCounters.put("INET 0", new VifCounters(102, 0, 3876, 0));
        d.kernel.vifCounters.put("INET 1", new VifCounters(0, 100, 0, 3800));
        d.stats.upcall(new Upcall(Family.INET6, Upcall.Kind.NOCACHE, 1, 0, Addr.parse("fd00::9"), Addr.parse("ff0e::9")));
        d.stats.reloaded();
        String text = d.drain(d.metrics(d.hub()).scrape());

        assertThat(lines(text, "smcroute_route_")).containsExactly(
                "smcroute_route_packets_total{iif=\"eth0\",source=\"10.0.0.2\",group=\"225.1.2.3\"} 100",
                "smcroute_route_packets_total{iif=\"eth0\",source=\"fd00::2\",group=\"ff0e::1:3\"} 7",
                "smcroute_route_bytes_total{iif=\"eth0\",source=\"10.0.0.2\",group=\"225.1.2.3\"} 3800",
                "smcroute_route_bytes_total{iif=\"eth0\",source=\"fd00::2\",group=\"ff0e::1:3\"} 700",
                "smcroute_route_wrong_if_total{iif=\"eth0\",source=\"10.0.0.2\",group=\"225.1.2.3\"} 2",
                "smcroute_route_wrong_if_total{iif=\"eth0\",source=\"fd00::2\",group=\"ff0e::1:3\"} 0");
        assertThat(lines(text, "smcroute_vif_packets_in_total")).containsExactly(
                "smcroute_vif_packets_in_total{iface=\"eth0\",family=\"ipv4\"} 102",
                "smcroute_vif_packets_in_total{iface=\"eth1\",family=\"ipv4\"} 0",
                "smcroute_vif_packets_in_total{iface=\"eth0\",family=\"ipv6\"} 0",
                "smcroute_vif_packets_in_total{iface=\"eth1\",family=\"ipv6\"} 0");
        assertThat(lines(text, "smcroute_vif_bytes_out_total{iface=\"eth1\",family=\"ipv4\"}"))
                .containsExactly("smcroute_vif_bytes_out_total{iface=\"eth1\",family=\"ipv4\"} 3800");
        assertThat(text).contains("smcroute_start_time_seconds 1700000000.123\n", "smcroute_reloads_total 1\n",
                "smcroute_upcalls_total{family=\"ipv6\",type=\"nocache\"} 1\n",
                "smcroute_upcalls_total{family=\"ipv4\",type=\"wrongvif\"} 0\n", "smcroute_routes 2\n",
                "smcroute_learned_routes 0\n", "smcroute_vifs{family=\"ipv4\"} 2\n", "smcroute_groups_joined 0\n",
                "smcroute_monitors 0\n", "smcroute_monitors_dropped_total 0\n");
        // every family opens with its HELP and TYPE, once, and a TYPE follows each HELP
        List<String> help = lines(text, "# HELP ");
        List<String> type = lines(text, "# TYPE ");
        assertThat(help).hasSize(16).doesNotHaveDuplicates();
        for (int i = 0; i < help.size(); i++) {
            String name = help.get(i).split(" ")[2];
            assertThat(type.get(i)).matches("# TYPE " + name + " (counter|gauge)");
            assertThat(name.endsWith("_total")).isEqualTo(type.get(i).endsWith("counter"));
        }
    }

    @Test
    void aRouteDeletedWhileTheScrapeRunsIsLeftOut() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        d.add("eth0", "10.0.0.2", "225.1.2.4", "eth1");
        Stream s = d.metrics(d.hub()).scrape();
        // the scrape's snapshot is taken when it opens; its counters are read on later loop turns
        d.loop.post(() -> d.editor.remove(Origin.IPC, "eth0", "10.0.0.2", "225.1.2.3", List.of()));
        String text = d.drain(s);
        assertThat(lines(text, "smcroute_route_packets_total")).containsExactly(
                "smcroute_route_packets_total{iif=\"eth0\",source=\"10.0.0.2\",group=\"225.1.2.4\"} 0");
    }

    @Test
    void labelValuesAreEscaped() throws Exception {
        Domain d = new Domain("e\"0\\", "eth1");
        d.add("e\"0\\", "10.0.0.2", "225.1.2.3", "eth1");
        String text = d.drain(d.metrics(d.hub()).scrape());
        assertThat(text).contains("smcroute_route_packets_total{iif=\"e\\\"0\\\\\",source=\"10.0.0.2\",group=\"225.1.2.3\"} 0\n");
    }

    @Test
    void scrapesThatOverlapEachReadTheirOwnCountersAndTheNextReusesTheArrays() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        for (int i = 1; i <= 50; i++) {
            d.add("eth0", "10.0.0.2", "225.1.2." + i, "eth1");
            d.kernel.counters.put("10.0.0.2,225.1.2." + i, new Counters(i, 100L * i, 0));
        }
        Metrics m = d.metrics(d.hub());
        Stream first = m.scrape();
        first.open(() -> { });
        String second = d.drain(m.scrape());
        String firstText = d.drain(first, false);
        assertThat(firstText).isEqualTo(second).contains(
                "smcroute_route_bytes_total{iif=\"eth0\",source=\"10.0.0.2\",group=\"225.1.2.50\"} 5000\n");
        CounterSweep shared = m.sweep();
        assertThat(shared.entries).isEmpty();
        assertThat(shared.packets.length).isGreaterThanOrEqualTo(50);
        m.release(shared);
        assertThat(d.drain(m.scrape())).isEqualTo(second);
        assertThat(m.sweep()).isSameAs(shared);
    }
}
