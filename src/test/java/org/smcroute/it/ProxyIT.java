package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        return within(System.nanoTime(), bound, what, cond);
    }

    /** Waits until at most {@code bound} after {@code t0} (a nanoTime) for {@code cond}. */
    static long within(long t0, Duration bound, String what, BooleanSupplier cond) {
        It.await(bound.minusNanos(System.nanoTime() - t0), () -> what, cond);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String test = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(f -> f.filter(x -> !x.getMethodName().equals("within")).findFirst())
                .map(x -> x.getDeclaringClass().getSimpleName()).orElse("ProxyIT");
        System.out.println(test + ": " + what + " after " + ms + " ms (bound " + bound.toMillis() + " ms)");
        return ms;
    }

    @Test
    void queriesAtStartUpThenAsmJoinsForwardAndLeavesStopWithinTheirBounds() {
        try (Topology t = Topology.create(2);
             ReportCapture c1 = ReportCapture.start(t.receiver(1).host());
             ReportCapture c2 = ReportCapture.start(t.receiver(2).host())) {
            long launched = System.nanoTime();
            try (Daemon d = Daemon.start(t.router(), CONF)) {
                Netns r = t.router();
                // start-up General Queries, IGMPv3 and MLDv2, from the router on each link
                for (ReportCapture c : List.of(c1, c2)) {
                    within(launched, Duration.ofSeconds(3), "start-up queries since the daemon's launch",
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

                        // a reload that keeps the line keeps what the hosts reported, without asking again
                        int ready = It.occurrences(d.log(), ReloadIT.READY);
                        d.reload("phyint eth1 enable query-interval 60\n" + CONF);
                        It.await(() -> "reload did not complete\n" + d.log(), () -> It.occurrences(d.log(), ReloadIT.READY) > ready);
                        assertThat(d.ctl().run("-p", "show", "proxy").ok().out())
                                .containsPattern("239\\.1\\.1\\.1 +eth1 +IGMPv3 +exclude +\\d+s +10\\.0\\.1\\.2")
                                .containsPattern("239\\.1\\.1\\.1 +eth2 +IGMPv3 +exclude");
                        assertThat(oifs(r, false, src, g)).containsExactlyInAnyOrder(eth1, eth2);
                        assertThat(upstreamMember(r, g, null)).isTrue();

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

    /**
     * Two proxies on one downstream LAN (a bridge without snooping in its own namespace), both
     * fed by the same upstream LAN: the lower address is querier for IGMP and MLD and alone
     * forwards, so the host gets every packet once; when it stops, the other takes over within
     * the Other Querier Present Interval (2 x 4 s + 2 s / 2 here) and forwards.
     */
    @Test
    void twoRoutersOnOneLinkElectOneQuerierAndTheOtherTakesOver() {
        Netns sw = Netns.create("sw");
        Netns snd = Netns.create("snd");
        Netns host = Netns.create("host");
        Netns r1 = Netns.create("r1");
        Netns r2 = Netns.create("r2");
        sw.sh("""
                ip link add brup type bridge mcast_snooping 0
                ip link add brdn type bridge mcast_snooping 0
                ip link set brup up
                ip link set brdn up
                """);
        plug(sw, "brup", snd, "eth0", "10.0.0.2/24", "fd00::2/64");
        plug(sw, "brdn", host, "eth0", "10.0.9.9/24", "fd00:9::9/64");
        String conf = "phyint eth1 enable query-interval 4 query-response-interval 20\n" + CONF.replace(" eth2", "");
        int n = 0;
        for (Netns r : List.of(r1, r2)) {
            n++;
            plug(sw, "brup", r, "eth0", "10.0.0.1" + n + "/24", "fd00::1" + n + "/64");
            // fixed link-local addresses, so the lower router is known for MLD too
            plug(sw, "brdn", r, "eth1", "10.0.9." + n + "/24", "fd00:9::" + n + "/64", "fe80::" + n);
            r.sh("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1\n");
        }
        snd.sh("ip route add default dev eth0\nip -6 route add default dev eth0\n");
        try (Daemon d1 = Daemon.start(r1, conf);
             Daemon d2 = Daemon.start(r2, conf);
             Mcast.Receiver rcv = Mcast.receive(host, "eth0", 4000, "239.3.3.3", "ff0e::3:3")) {
            within(It.WAIT, "one querier per family", () -> queriers(d1).equals("IGMPv3 self MLDv2 self")
                    && queriers(d2).equals("IGMPv3 10.0.9.1 MLDv2 fe80::1"));
            List<String> groups = List.of("239.3.3.3", "ff0e::3:3");
            List<Mcast.Flow> flows = List.of(new Mcast.Flow("10.0.0.2", "239.3.3.3"), new Mcast.Flow("fd00::2", "ff0e::3:3"));
            // the first packets make the kernel entries; then 50 more, each must arrive exactly once
            Mcast.sendAll(snd, "eth0", groups, 4000, 3, 50);
            for (Mcast.Flow f : flows) {
                rcv.await(f.source(), f.group(), 1, It.WAIT);
            }
            Map<Mcast.Flow, Mcast.Count> before = rcv.counts();
            Mcast.sendAll(snd, "eth0", groups, 4000, 50, 100);
            for (Mcast.Flow f : flows) {
                long p0 = before.get(f).packets();
                Mcast.Count c = rcv.await(f.source(), f.group(), p0 + 50, It.WAIT).get(f);
                assertThat(c.packets() - p0).as("every packet once " + f).isEqualTo(50);
                assertThat(c.distinct()).as("every packet once " + f).isEqualTo(50);
            }
            d1.stopCleanly();
            within(Duration.ofSeconds(30), "takeover by the other router", () -> queriers(d2).equals("IGMPv3 self MLDv2 self"));
            Map<Mcast.Flow, Mcast.Count> mid = rcv.counts();
            Mcast.sendAll(snd, "eth0", groups, 4000, 10, 50);
            for (Mcast.Flow f : flows) {
                rcv.await(f.source(), f.group(), mid.get(f).packets() + 5, It.WAIT);
            }
            d2.stopCleanly();
        }
    }

    /** A veth from bridge {@code bridge} in {@code sw} to {@code dev} in {@code ns}, with addresses, up. */
    static void plug(Netns sw, String bridge, Netns ns, String dev, String v4, String v6, String... linkLocal) {
        String peer = bridge + "-" + ns.name().substring(ns.name().lastIndexOf('-') + 1) + dev.charAt(dev.length() - 1);
        sw.sh("ip link add " + peer + " type veth peer name " + dev + " netns " + ns.name() + "\n"
                + "ip link set " + peer + " master " + bridge + " up\n");
        StringBuilder s = new StringBuilder();
        if (linkLocal.length > 0) {
            s.append("ip link set ").append(dev).append(" addrgenmode none\n");
            s.append("ip -6 addr add ").append(linkLocal[0]).append("/64 dev ").append(dev).append(" nodad\n");
        }
        s.append("ip addr add ").append(v4).append(" dev ").append(dev).append('\n')
                .append("ip -6 addr add ").append(v6).append(" dev ").append(dev).append(" nodad\n")
                .append("sysctl -qw net.ipv4.conf.").append(dev).append(".rp_filter=0\n")
                .append("ip link set ").append(dev).append(" up\n");
        ns.sh(s.toString());
    }

    /** "IGMPv3 Q MLDv2 Q" from a daemon's show proxy -j, Q the querier's address or "self". */
    static String queriers(Daemon d) {
        String json = d.ctl().run("-j", "show", "proxy").ok().out();
        Matcher m = Pattern.compile("\"protocol\":\"(\\w+)\",\"querier\":\"([^\"]*)\",\"self\":(true|false)").matcher(json);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            b.append(b.isEmpty() ? "" : " ").append(m.group(1)).append(' ').append(m.group(3).equals("true") ? "self" : m.group(2));
        }
        return b.toString();
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
