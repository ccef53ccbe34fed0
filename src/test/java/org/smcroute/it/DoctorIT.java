package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code smcroutectl doctor} on the real kernel: a clean setup with traffic flowing prints only
 * {@code ok:} lines, and each code is triggered by seeding its misconfiguration in the
 * router's namespace: the exact line, and exit status 1 exactly when a finding is an error.
 */
@ExtendWith(NetnsExtension.class)
class DoctorIT {

    private static final List<String> CODES = List.of("rp-filter", "no-multicast", "link-local-group", "missing-iface",
            "ttl", "vif-capacity", "mc-forwarding", "iface-down", "cache-full", "config");
    private static final String G4 = "225.1.2.3";
    private static final String G6 = "ff0e::1:3";
    private static final String CONF = """
            phyint eth0 enable
            phyint eth1 enable
            phyint eth2 enable
            mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
            mroute from eth0 group 225.9.0.0/16 to eth1
            mroute from eth0 source fd00::2 group ff0e::1:3 to eth1
            mgroup from eth0 group 225.1.2.3
            """;

    private static Exec.Result doctor(Daemon d, String... opts) {
        List<String> args = new ArrayList<>(List.of(opts));
        args.add("doctor");
        return d.ctl().run(args.toArray(String[]::new));
    }

    /** The doctor's lines of one code. */
    private static List<String> lines(Exec.Result r, String code) {
        List<String> l = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (line.contains(": [" + code + "] ")) {
                l.add(line);
            }
        }
        return l;
    }

    /** Runs the doctor until a line of {@code code} is not {@code ok:} (the daemon may still be catching up). */
    private static Exec.Result doctorUntil(Daemon d, String code) {
        Exec.Result[] last = new Exec.Result[1];
        It.await(() -> "a finding of " + code + " in\n" + (last[0] == null ? "" : last[0].out()), () -> {
            last[0] = doctor(d);
            return !lines(last[0], code).isEmpty() && !lines(last[0], code).getFirst().startsWith("ok: ");
        });
        return last[0];
    }

    /** Sends to {@code groups} from the sender for about {@code seconds}, in the background. */
    private static CompletableFuture<Void> traffic(Topology t, int seconds, List<String> groups, String... extra) {
        return It.background(() -> Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 50 * seconds, 50, extra));
    }

    @Test
    void aCleanSetupWithTrafficGetsOnlyOkLines() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF);
             Mcast.Receiver r = Mcast.receive(t.receiver(1).host(), "eth0", 4000, G4, G6, "225.9.0.1")) {
            CompletableFuture<Void> sending = traffic(t, 6, List.of(G4, G6, "225.9.0.1"));
            r.await(t.sender().hostV4(), "225.9.0.1", 10, It.WAIT);
            r.await(t.sender().hostV6(), G6, 10, It.WAIT);
            Exec.Result text = doctor(d);
            Exec.Result json = doctor(d, "-j");
            sending.join();
            assertThat(text.exit()).as("%s", text).isZero();
            List<String> got = List.of(text.out().split("\n"));
            assertThat(got).hasSize(CODES.size()).allSatisfy(l -> assertThat(l).startsWith("ok: ").doesNotContain("; "));
            for (int i = 0; i < CODES.size(); i++) {
                assertThat(got.get(i)).startsWith("ok: [" + CODES.get(i) + "] ");
            }
            assertThat(lines(text, "ttl").getFirst()).as("the ttl check sampled the flows")
                    .isEqualTo("ok: [ttl] no packet was held back by a TTL threshold on 3 routes with traffic during the 1 s sample");
            assertThat(json.exit()).isZero();
            assertThat(json.out()).startsWith("{\"findings\":[{\"level\":\"ok\",\"code\":\"rp-filter\",")
                    .doesNotContain("\"warn\"", "\"error\"").endsWith("}]}\n");
            d.stopCleanly();
        }
    }

    @Test
    void rpFilter() throws Exception {
        try (Topology t = Topology.create(2); Daemon d = Daemon.start(t.router(), CONF)) {
            t.router().sh("sysctl -qw net.ipv4.conf.eth0.rp_filter=1");
            Exec.Result r = doctor(d);
            assertThat(r.exit()).isZero();
            assertThat(lines(r, "rp-filter")).containsExactly("warn: [rp-filter] eth0 has rp_filter=1 (strict) and is the"
                    + " inbound interface of 2 routes; set net.ipv4.conf.eth0.rp_filter=0 or 2");
            // the kernel applies the higher of all and the interface: strict only when neither is 2
            t.router().sh("sysctl -qw net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.all.rp_filter=1");
            assertThat(lines(doctor(d), "rp-filter")).containsExactly("warn: [rp-filter] eth0 has rp_filter=1 (strict) and"
                    + " is the inbound interface of 2 routes; set net.ipv4.conf.all.rp_filter=0 or 2 (the kernel applies the"
                    + " higher of all and eth0)");
            t.router().sh("sysctl -qw net.ipv4.conf.eth0.rp_filter=2");
            assertThat(lines(doctor(d), "rp-filter")).containsExactly(
                    "ok: [rp-filter] no inbound interface has a strict reverse-path filter");
            d.stopCleanly();
        }
    }

    @Test
    void noMulticast() throws Exception {
        try (Topology t = Topology.create(2); Daemon d = Daemon.start(t.router(), CONF)) {
            t.router().sh("ip link set eth2 multicast off");
            Exec.Result r = doctorUntil(d, "no-multicast");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(lines(r, "no-multicast")).containsExactly("error: [no-multicast] eth2 has no MULTICAST flag, so its"
                    + " VIF/MIF is suspended and the 1 route and 0 group joins that use it do nothing; ip link set eth2 multicast on");
            d.stopCleanly();
        }
    }

    @Test
    void ifaceDown() throws Exception {
        try (Topology t = Topology.create(2); Daemon d = Daemon.start(t.router(), CONF)) {
            t.router().sh("ip link set eth1 down");
            Exec.Result r = doctorUntil(d, "iface-down");
            assertThat(r.exit()).isZero();
            assertThat(lines(r, "iface-down")).containsExactly(
                    "warn: [iface-down] eth1 is down, and 3 routes and 0 group joins use it; ip link set eth1 up");
            d.stopCleanly();
        }
    }

    @Test
    void linkLocalGroup() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF + """
                     mroute from eth0 group 224.0.0.251 to eth1
                     mroute from eth0 source fd00::2 group ff02::fb to eth2
                     mroute from eth0 group 224.0.0.0/4 to eth2
                     """)) {
            Exec.Result r = doctor(d);
            assertThat(r.exit()).isZero();
            String fix = "; remove the route; link-local protocols need a proxy or reflector";
            assertThat(lines(r, "link-local-group")).containsExactly(
                    "warn: [link-local-group] route (*, 224.0.0.251) from eth0 is for a link-local group (224.0.0.0/24),"
                    + " which Linux never forwards" + fix,
                    "warn: [link-local-group] route (fd00::2, ff02::fb) from eth0 is for a link-local group (ff02::/16),"
                    + " which Linux never forwards" + fix);
            d.stopCleanly();
        }
    }

    @Test
    void missingIface() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF + """
                     phyint eth7 enable
                     mroute from eth0 group 225.4.0.0/16 to eth1 eth9
                     mroute from eth8 group 225.5.0.0/16 to eth1
                     mgroup from eth8 group 225.5.5.5
                     """)) {
            Exec.Result r = doctor(d);
            assertThat(r.exit()).isZero();
            String fix = "; create the interface, or correct the name in the configuration (smcrouted -F checks it)";
            assertThat(lines(r, "missing-iface")).containsExactly(
                    "warn: [missing-iface] eth9 does not exist; named by 1 pending route" + fix,
                    "warn: [missing-iface] eth8 does not exist; named by 1 pending route and 1 pending join" + fix,
                    "warn: [missing-iface] eth7 does not exist; named by a phyint line" + fix);
            // an interface that is created is no longer missing; one that goes away is
            t.router().sh("ip link add eth9 type veth peer name peer9\nip link set eth9 up\nip link set peer9 up\n"
                    + "ip link del eth2");
            It.await(() -> "eth9 activated", () -> d.log().contains("Activated pending mroute from eth0 group 225.4.0.0/16"));
            Exec.Result after = doctorUntil(d, "missing-iface");
            assertThat(lines(after, "missing-iface")).contains(
                    "warn: [missing-iface] eth2 is gone; the 1 route and 0 group joins that use it wait for it to return;"
                    + " bring eth2 back, or remove it from the configuration and reload");
            assertThat(after.out()).doesNotContain("eth9 does not exist");
            d.stopCleanly();
        }
    }

    @Test
    void ttl() throws Exception {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF.replace("phyint eth1 enable", "phyint eth1 enable ttl-threshold 5"));
             Mcast.Receiver r = Mcast.receive(t.receiver(2).host(), "eth0", 4000, G4)) {
            // TTL 4 passes eth2's threshold 1 but not eth1's 5; hop limit 1 passes no MIF
            CompletableFuture<Void> v4 = traffic(t, 6, List.of(G4), "--ttl", "4");
            CompletableFuture<Void> v6 = traffic(t, 6, List.of(G6), "--ttl", "1");
            r.await(t.sender().hostV4(), G4, 10, It.WAIT);
            Waits.until("IPv6 packets counted", Duration.ofSeconds(10), () -> ProcFiles.cache(t.router(), true).stream()
                    .anyMatch(m -> m.group().equals(G6) && m.packets() > 10));
            Exec.Result got = doctor(d);
            v4.join();
            v6.join();
            assertThat(got.exit()).as("%s", got).isZero();
            List<String> ttl = lines(got, "ttl");
            assertThat(ttl).hasSize(2);
            assertThat(ttl.get(0)).matches("warn: \\[ttl\\] \\(10\\.0\\.0\\.2, 225\\.1\\.2\\.3\\) got \\d+ packets on eth0 in 1 s,"
                    + " but eth1 \\(threshold 5\\) sent none: they arrive with a TTL at or below the threshold; raise the"
                    + " sender's multicast TTL \\(it is 1 unless the application sets it\\), or lower the ttl-threshold of the"
                    + " outbound interface");
            assertThat(ttl.get(1)).startsWith("warn: [ttl] (fd00::2, ff0e::1:3) got ")
                    .contains(" but eth1 (threshold 1) sent none: they arrive with a hop limit at or below the threshold");
            d.stopCleanly();
        }
    }

    @Test
    void vifCapacity() throws Exception {
        try (Topology t = Topology.create(1)) {
            StringBuilder sh = new StringBuilder();
            for (int i = 0; i < 17; i++) {
                sh.append("ip link add v").append(i).append("a type veth peer name v").append(i).append("b\n")
                        .append("ip link set v").append(i).append("a up\nip link set v").append(i).append("b up\n");
            }
            t.router().sh(sh.toString());
            try (Daemon d = Daemon.start(t.router(), "phyint +\n", "-l", "notice")) {
                Exec.Result r = doctor(d);
                assertThat(r.exit()).isEqualTo(1);
                List<String> found = lines(r, "vif-capacity");
                assertThat(found).hasSize(2);
                String fix = "; disable interfaces that need no multicast routing (phyint IFNAME disable, or -N and phyint"
                        + " lines for the ones that do), or serve the others from a second smcrouted on another table (-t)";
                assertThat(found.get(0)).matches("error: \\[vif-capacity\\] (v\\d+[ab], ){3}v\\d+[ab] want an IPv4 VIF, but the"
                        + " kernel has only 32 and all are in use" + Pattern.quote(fix));
                assertThat(found.get(1)).contains(" want an IPv6 MIF, but the kernel has only 32 and all are in use");
                assertThat(ProcFiles.vifs(t.router(), false)).hasSize(32);
                d.stopCleanly();
            }
        }
    }

    @Test
    void mcForwardingTableOwnedByAnotherProcess() throws Exception {
        try (Topology t = Topology.create(1)) {
            Process holder = t.router().start(new ProcessBuilder(Project.java(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", Project.home().resolve("target/test-classes") + ":" + Project.home().resolve("target/classes"),
                    TableHolder.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD));
            try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");
                try (Daemon d = Daemon.start(t.router(), "phyint eth0 enable\nphyint eth1 enable\n")) {
                    Exec.Result r = doctor(d);
                    assertThat(r.exit()).isEqualTo(1);
                    assertThat(lines(r, "mc-forwarding")).containsExactly("error: [mc-forwarding] the IPv4 multicast routing"
                            + " table 0 is owned by another process, so this daemon routes no IPv4; stop the other multicast"
                            + " router (pimd, igmpproxy, mcpd, another smcrouted), or give this daemon a table of its own with -t");
                    d.stopCleanly();
                }
            } finally {
                holder.destroy();
            }
        }
    }

    @Test
    void cacheFull() throws Exception {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "phyint eth0 enable\nphyint eth1 enable\nmroute from eth0 group 225.9.0.0/16 to eth1\n",
                     "--cache-limit", "2")) {
            Mcast.sendAll(t.sender().host(), "eth0", List.of("225.9.0.1", "225.9.0.2", "225.9.0.3"), 4000, 3, 100);
            Exec.Result r = doctorUntil(d, "cache-full");
            assertThat(r.exit()).isZero();
            assertThat(lines(r, "cache-full")).containsExactly("warn: [cache-full] the learned route cache is full (2 entries):"
                    + " new sources are not routed until entries expire; raise --cache-limit, lower the expiry time (-c), or"
                    + " narrow the (*,G) templates");
            d.stopCleanly();
        }
    }

    @Test
    void configWithLinesInError() throws Exception {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "phyint eth0 enable\nmroute from eth0 group 10.1.2.3 to eth1\n")) {
            Exec.Result r = doctor(d);
            assertThat(r.exit()).isZero();
            String conf = d.conf().toString();
            assertThat(lines(r, "config")).containsExactly("warn: [config] " + conf + " has lines in error, which are not in"
                    + " effect; run smcrouted -F " + conf + " to see why, fix it, and reload");
            d.reload("phyint eth0 enable\n");
            It.await(() -> "a clean reload", () -> lines(doctor(d), "config").getFirst().startsWith("ok: "));
            d.stopCleanly();
        }
    }
}
