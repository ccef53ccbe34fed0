package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proxy under load on the real kernel: 2,000 groups joined by each of 10 hosts through their
 * own kernels, and floods of valid reports (10,000 per second) and of malformed IGMP and MLD
 * packets, during which the daemon stays up, a legitimate join on another link works, every
 * malformed packet is dropped and counted, and memory stays bounded.
 */
@ExtendWith(NetnsExtension.class)
class ProxyScaleIT {

    static final Duration SLOW = Duration.ofSeconds(90);

    /** Upstream (eth0) memberships of the router whose group starts with {@code prefix}. */
    static long upstream(Netns r, String prefix) {
        return GroupsIT.memberships(r).stream().filter(m -> m.dev().equals("eth0") && m.group().startsWith(prefix)).count();
    }

    /** The number of {@code "group":"<prefix>...} entries of the downstream links in show proxy -j. */
    static int memberships(Daemon d, String prefix) {
        String json = d.ctl().run("-j", "show", "proxy").ok().out();
        return It.occurrences(json.substring(0, json.indexOf("\"upstream\"")), "{\"group\":\"" + prefix);
    }

    @Test
    void twoThousandGroupsJoinedByTenHosts() throws Exception {
        try (Topology t = Topology.create(10);
             Daemon d = Daemon.start(t.router(), "mproxy from eth0 to eth+\n")) {
            Netns r = t.router();
            List<Mcast.Holder> holders = new ArrayList<>();
            try {
                for (Topology.Link l : t.receivers()) {
                    l.host().sh("sysctl -qw net.ipv4.igmp_max_memberships=2100");
                    holders.add(Mcast.joinMany(l.host(), "eth0", "239.100.0.0", 2000));
                }
                ProxyIT.within(SLOW, "2,000 groups joined upstream", () -> upstream(r, "239.100.") == 2000);
                ProxyIT.within(SLOW, "20,000 memberships", () -> memberships(d, "239.100.") == 20_000);
                List<String> sample = List.of("239.100.0.0", "239.100.3.231", "239.100.7.207");
                try (Mcast.Receiver first = Mcast.receive(t.receiver(1).host(), "eth0", 4000, sample.toArray(String[]::new));
                     Mcast.Receiver last = Mcast.receive(t.receiver(10).host(), "eth0", 4000, sample.toArray(String[]::new))) {
                    Mcast.sendAll(t.sender().host(), "eth0", sample, 4000, 10, 50);
                    for (String g : sample) {
                        first.await(t.sender().hostV4(), g, 1, It.WAIT);
                        last.await(t.sender().hostV4(), g, 1, It.WAIT);
                    }
                }
            } finally {
                holders.forEach(Mcast.Holder::close);
            }
            ProxyIT.within(SLOW, "every group left upstream", () -> upstream(r, "239.100.") == 0);
            long rss = IpcFuzzIT.rssKib(d.pid());
            System.out.println("ProxyScaleIT: daemon VmRSS " + rss / 1024 + " MiB after 20,000 memberships");
            assertThat(rss).as("daemon VmRSS KiB").isLessThan(192 * 1024);
            d.stopCleanly();
        }
    }

    @Test
    void floodsOfReportsAndMalformedPacketsAreSurvivedCountedAndBounded() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), "mproxy from eth0 to eth1 eth2\n")) {
            Netns r = t.router();
            Netns h = t.receiver(1).host();
            String v4 = t.receiver(1).hostV4();
            String ll = h.exec("sh", "-c", "ip -6 -o addr show dev eth0 scope link").ok().out().split("\\s+")[3].split("/")[0];
            long csum6 = icmp6CsumErrors(r);
            long rssBefore = IpcFuzzIT.rssKib(d.pid());

            // 30,000 valid reports for 30,000 groups at 10,000/s; meanwhile a host on eth2 joins
            CompletableFuture<String> flood = CompletableFuture.supplyAsync(
                    () -> flood(h, v4, "239.200.0.0", 30_000, 30_000, 10_000, "valid"), r2 -> Thread.ofPlatform().start(r2));
            String g = "239.5.5.5";
            try (Mcast.Receiver legit = Mcast.receive(t.receiver(2).host(), "eth0", 4000, g)) {
                Mcast.send(t.sender().host(), "eth0", g, 4000, 5, 50);
                legit.await(t.sender().hostV4(), g, 1, It.WAIT);
                String out = flood.join();
                System.out.println("ProxyScaleIT: valid IGMPv3 flood: " + out);
            }
            String mldOut = flood(h, ll, "ff0e::200:0", 10_000, 10_000, 10_000, "valid");
            System.out.println("ProxyScaleIT: valid MLDv2 flood: " + mldOut);

            int n = 2000;
            for (String kind : List.of("checksum", "short", "ttl", "nora")) {
                flood(h, v4, "239.201.0.0", 100, n, 10_000, kind);
                flood(h, ll, "ff0e::201:0", 100, n, 10_000, kind);
            }
            flood(h, "fd00:0:0:1::2", "ff0e::201:0", 100, n, 10_000, "source");

            String json = d.ctl().run("-j", "show", "proxy").ok().out();
            String igmp = link(json, "eth1", "IGMPv3");
            String mld = link(json, "eth1", "MLDv2");
            System.out.println("ProxyScaleIT: eth1 IGMPv3 " + igmp + "\nProxyScaleIT: eth1 MLDv2 " + mld);
            for (String reason : List.of("checksum", "short", "hop-limit", "no-router-alert")) {
                assertThat(count(igmp, reason)).as("IGMP dropped for " + reason).isEqualTo(n);
            }
            for (String reason : List.of("short", "hop-limit", "no-router-alert", "source")) {
                assertThat(count(mld, reason)).as("MLD dropped for " + reason).isEqualTo(n);
            }
            // an MLD message with a bad checksum never reaches a raw socket: the kernel drops and counts it
            assertThat(count(mld, "checksum")).isZero();
            assertThat(icmp6CsumErrors(r) - csum6).isEqualTo(n);
            // the flood of groups stopped at the link's record budget
            assertThat(count(igmp, "limit")).isPositive();
            assertThat(memberships(d, "239.200.")).isLessThanOrEqualTo(4096);

            assertThat(d.isAlive()).isTrue();
            long rssAfter = IpcFuzzIT.rssKib(d.pid());
            long heap = FloodIT.liveHeapKib(d.pid());
            System.out.printf("ProxyScaleIT: VmRSS %d -> %d MiB, live heap after GC %d KiB%n", rssBefore / 1024,
                    rssAfter / 1024, heap);
            assertThat(heap).as("live heap KiB after GC").isLessThan(48 * 1024);
            assertThat(rssAfter).as("daemon VmRSS KiB").isLessThan(192 * 1024);
            d.stopCleanly();
        }
    }

    /** Runs ReportFlood in {@code ns} to completion; returns its summary line. */
    static String flood(Netns ns, String source, String group, int span, int count, int rate, String kind) {
        List<String> cmd = new ArrayList<>(List.of(Project.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-cp", Project.home().resolve("target/test-classes") + ":" + Project.home().resolve("target/classes"),
                ReportFlood.class.getName(), "flood", "--iface", "eth0", "--source", source, "--group", group,
                "--span", String.valueOf(span), "--count", String.valueOf(count), "--rate", String.valueOf(rate),
                "--kind", kind));
        String out = Exec.run(Duration.ofSeconds(60).plusMillis(1000L * count / rate), null,
                ns.argv(cmd.toArray(String[]::new))).ok().out().strip();
        assertThat(out).startsWith("sent " + count + " failed 0 ");
        return out;
    }

    /** The JSON object of one downstream link in show proxy -j. */
    static String link(String json, String ifname, String protocol) {
        int at = json.indexOf("{\"name\":\"" + ifname + "\",\"protocol\":\"" + protocol + "\"");
        assertThat(at).as(ifname + " " + protocol + " in " + json.substring(0, Math.min(json.length(), 2000))).isNotNegative();
        return json.substring(at, json.indexOf("\"groups\"", at));
    }

    static long count(String link, String reason) {
        Matcher m = Pattern.compile("\"" + reason + "\":(\\d+)").matcher(link);
        assertThat(m.find()).as(reason + " in " + link).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Icmp6InCsumErrors of the router's namespace (/proc/net/snmp6). */
    static long icmp6CsumErrors(Netns r) {
        for (String line : r.exec("cat", "/proc/net/snmp6").ok().out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("Icmp6InCsumErrors")) {
                return Long.parseLong(f[1]);
            }
        }
        throw new AssertionError("no Icmp6InCsumErrors");
    }
}
