package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The IGMP/MLD proxy (RFC 4605) on the real kernel: hosts in their own namespaces join and leave
 * through their kernels' IGMP and MLD (v3/v2 by default, v2/v1 when forced by sysctl), the
 * daemon queries them, joins upstream and forwards. Time bounds are those the proxy promises:
 * a start-up query within 3 s, traffic within 1 s of a join, a link quiet within 4 s of its last
 * member leaving, the upstream membership gone within 4 s of the last leave.
 */
@ExtendWith(NetnsExtension.class)
class ProxyIT {

    static final String CONF = "mproxy from eth0 to eth1 eth2\n";
    static final Duration JOIN = Duration.ofSeconds(1);
    static final Duration LEAVE = Duration.ofSeconds(4);

    /** The VIF (IPv4) or MIF (IPv6) of {@code dev} on the router. */
    static int vif(Netns r, boolean v6, String dev) {
        for (ProcFiles.Vif v : ProcFiles.vifs(r, v6)) {
            if (v.name().equals(dev)) {
                return v.index();
            }
        }
        throw new AssertionError("no " + (v6 ? "MIF" : "VIF") + " for " + dev);
    }

    /** The OIFs of the kernel's (S,G) entry, null when there is none. */
    static Set<Integer> oifs(Netns r, boolean v6, String source, String group) {
        for (ProcFiles.Mfc m : ProcFiles.cache(r, v6)) {
            if (m.origin().equals(source) && m.group().equals(group)) {
                return m.oifs().keySet();
            }
        }
        return null;
    }

    static boolean upstreamMember(Netns r, String group, String source) {
        return GroupsIT.memberships(r).contains(new GroupsIT.Member("eth0", group, source));
    }

    /** Waits at most {@code bound} for {@code cond}, reports the time it took. */
    static long within(Duration bound, String what, BooleanSupplier cond) {
        long t0 = System.nanoTime();
        It.await(bound, () -> what, cond);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("ProxyIT: " + what + " after " + ms + " ms (bound " + bound.toMillis() + " ms)");
        return ms;
    }

    @Test
    void queriesAtStartUpThenAsmJoinsForwardAndLeavesStopWithinTheirBounds() {
        try (Topology t = Topology.create(2);
             ReportCapture c1 = ReportCapture.start(t.receiver(1).host());
             ReportCapture c2 = ReportCapture.start(t.receiver(2).host());
             Daemon d = Daemon.start(t.router(), CONF)) {
            Netns r = t.router();
            // start-up General Queries, IGMPv3 and MLDv2, from the router on each link
            for (ReportCapture c : List.of(c1, c2)) {
                within(Duration.ofSeconds(3), "start-up queries",
                        () -> !c.lines("igmpq 3 0.0.0.0 ").isEmpty() && !c.lines("mldq 2 :: ").isEmpty());
            }
            assertThat(c1.lines("igmpq 3 0.0.0.0 ").get(0)).isEqualTo("igmpq 3 0.0.0.0 ttl=1 ra=1 sum=ok from=10.0.1.1");
            assertThat(c2.lines("igmpq 3 0.0.0.0 ").get(0)).isEqualTo("igmpq 3 0.0.0.0 ttl=1 ra=1 sum=ok from=10.0.2.1");
            assertThat(c1.lines("mldq 2 :: ").get(0)).matches("mldq 2 :: hop=1 ra=1 from=fe80::[0-9a-f:]+");

            String g = "239.1.1.1";
            String src = t.sender().hostV4();
            int eth1 = vif(r, false, "eth1");
            int eth2 = vif(r, false, "eth2");
            CompletableFuture<Void> stream = It.background(() -> Mcast.send(t.sender().host(), "eth0", g, 4000, 400, 100));
            try (Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, g)) {
                within(JOIN, "first packet after an IGMPv3 join", () -> r1.counts().containsKey(new Mcast.Flow(src, g)));
                It.await(() -> "upstream membership of " + g, () -> upstreamMember(r, g, null));
                try (Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, g)) {
                    within(JOIN, "first packet on the second link", () -> r2.counts().containsKey(new Mcast.Flow(src, g)));
                    stream.join();
                    assertThat(oifs(r, false, src, g)).containsExactlyInAnyOrder(eth1, eth2);
                    assertThat(d.ctl().run("show", "routes").ok().out()).contains("(" + src + ", " + g + ") proxy");
                    assertThat(d.ctl().run("-p", "show", "proxy").ok().out())
                            .containsPattern("239\\.1\\.1\\.1 +eth1 +IGMPv3 +exclude +\\d+s +10\\.0\\.1\\.2")
                            .containsPattern("239\\.1\\.1\\.1 +eth0 +exclude");
                    assertThat(d.ctl().run("-j", "show", "proxy").ok().out())
                            .contains("{\"group\":\"239.1.1.1\",\"mode\":\"exclude\",\"version\":3,\"sources\":[],\"reporter\":\"10.0.1.2\"");

                    // one host leaves while 200 packets flow: its link stops, the other gets them all
                    long before = r2.counts().get(new Mcast.Flow(src, g)).packets();
                    CompletableFuture<Void> more = It.background(() -> Mcast.send(t.sender().host(), "eth0", g, 4000, 200, 40));
                    r2.await(src, g, before + 20, It.WAIT);
                    r1.stop();
                    within(LEAVE, "the left link out of the entry", () -> {
                        Set<Integer> o = oifs(r, false, src, g);
                        return o != null && !o.contains(eth1);
                    });
                    more.join();
                    assertThat(oifs(r, false, src, g)).containsExactly(eth2);
                    Map<Mcast.Flow, Mcast.Count> got = r2.await(src, g, before + 200, It.WAIT);
                    assertThat(got.get(new Mcast.Flow(src, g)).packets()).isEqualTo(before + 200);
                    assertThat(upstreamMember(r, g, null)).isTrue();
                    r2.stop();
                    within(LEAVE, "upstream membership gone after the last leave", () -> !upstreamMember(r, g, null));
                }
            }
            d.stopCleanly();
        }
    }

    @Test
    void igmpV2AndMldV1HostsJoinAndLeave() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF)) {
            Netns r = t.router();
            t.receiver(1).host().sh("sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2");
            t.receiver(2).host().sh("sysctl -qw net.ipv6.conf.eth0.force_mld_version=1");
            String g4 = "239.2.2.2";
            String g6 = "ff0e::2:2";
            try (Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, g4);
                 Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, g6)) {
                It.await(() -> "upstream memberships", () -> upstreamMember(r, g4, null) && upstreamMember(r, g6, null));
                String show = d.ctl().run("-p", "show", "proxy").ok().out();
                assertThat(show).containsPattern("239\\.2\\.2\\.2 +eth1 +IGMPv2 +exclude")
                        .containsPattern("ff0e::2:2 +eth2 +MLDv1 +exclude");
                Mcast.sendAll(t.sender().host(), "eth0", List.of(g4, g6), 4000, 20, 100);
                r1.await(t.sender().hostV4(), g4, 20, It.WAIT);
                r2.await(t.sender().hostV6(), g6, 20, It.WAIT);
                r1.stop();
                r2.stop();
                within(LEAVE, "IGMPv2 leave and MLDv1 done", () -> !upstreamMember(r, g4, null) && !upstreamMember(r, g6, null));
                assertThat(oifs(r, false, t.sender().hostV4(), g4)).isNullOrEmpty();
                assertThat(oifs(r, true, t.sender().hostV6(), g6)).isNullOrEmpty();
            }
            d.stopCleanly();
        }
    }

    @Test
    void sourceSpecificJoinsGetOnlyTheirSourceOverIgmpV3AndMldV2() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), CONF)) {
            Netns r = t.router();
            Netns snd = t.sender().host();
            snd.sh("ip addr add 10.0.0.3/24 dev eth0\nip -6 addr add fd00::3/64 dev eth0 nodad\n");
            String s1 = t.sender().hostV4();
            String s1v6 = t.sender().hostV6();
            String g4 = "232.1.1.1";
            String g6 = "ff3e::8000:1";
            try (Mcast.Receiver rcv = Mcast.receive(t.receiver(1).host(), "eth0", 4000, s1 + "@" + g4, s1v6 + "@" + g6)) {
                It.await(() -> "source-specific upstream memberships",
                        () -> upstreamMember(r, g4, s1) && upstreamMember(r, g6, s1v6));
                List<String[]> flows = List.of(new String[] {s1, g4}, new String[] {"10.0.0.3", g4},
                        new String[] {s1v6, g6}, new String[] {"fd00::3", g6});
                // first packets make the kernel entries (the first flow waits for the upcall)
                for (String[] f : flows) {
                    Mcast.send(snd, "eth0", f[1], 4000, 3, 50, "--source", f[0]);
                }
                rcv.await(s1, g4, 1, It.WAIT);
                rcv.await(s1v6, g6, 1, It.WAIT);
                int eth1 = vif(r, false, "eth1");
                assertThat(oifs(r, false, s1, g4)).containsExactly(eth1);
                assertThat(oifs(r, false, "10.0.0.3", g4)).isEmpty(); // a stop filter
                assertThat(oifs(r, true, s1v6, g6)).containsExactly(vif(r, true, "eth1"));
                assertThat(oifs(r, true, "fd00::3", g6)).isEmpty();
                long out4 = vifPacketsOut(r, false, "eth1");
                long out6 = vifPacketsOut(r, true, "eth1");
                long in4 = rcv.counts().get(new Mcast.Flow(s1, g4)).packets();
                long in6 = rcv.counts().get(new Mcast.Flow(s1v6, g6)).packets();
                for (String[] f : flows) {
                    Mcast.send(snd, "eth0", f[1], 4000, 20, 200, "--source", f[0]);
                }
                rcv.await(s1, g4, in4 + 20, It.WAIT);
                rcv.await(s1v6, g6, in6 + 20, It.WAIT);
                // exactly the chosen source's packets left through the link
                assertThat(vifPacketsOut(r, false, "eth1") - out4).isEqualTo(20);
                assertThat(vifPacketsOut(r, true, "eth1") - out6).isEqualTo(20);
                assertThat(rcv.counts()).doesNotContainKeys(new Mcast.Flow("10.0.0.3", g4), new Mcast.Flow("fd00::3", g6));
            }
            d.stopCleanly();
        }
    }

    static long vifPacketsOut(Netns r, boolean v6, String dev) {
        for (ProcFiles.Vif v : ProcFiles.vifs(r, v6)) {
            if (v.name().equals(dev)) {
                return v.packetsOut();
            }
        }
        throw new AssertionError("no VIF for " + dev);
    }
}
