package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.it.Samples.route;
import static org.smcroute.it.Samples.vif;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code smcroutectl metrics} and {@code smcrouted --metrics-listen} on the real kernel: the
 * text passes {@code promtool check metrics}, route and VIF counters equal the kernel's
 * ({@code /proc/net/ip*_mr_*}) after a 100-packet flow, the HTTP endpoint answers 200 for
 * {@code GET /metrics} and 404 (or 400) for anything else and listens only where it is told,
 * and a scrape of 100,000 routes during a source flood leaves the daemon answering other
 * clients while it is being sent.
 */
@ExtendWith(NetnsExtension.class)
class MetricsIT {

    private static final String G4 = "225.1.2.3";
    private static final String G6 = "ff0e::1:3";
    private static final String CONF = """
            phyint eth0 enable
            phyint eth1 enable
            mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1
            mroute from eth0 source fd00::2 group ff0e::1:3 to eth1
            mroute from eth0 group 225.9.0.0/16 to eth1
            mgroup from eth0 group 225.1.2.3
            """;

    @Test
    void countersEqualTheKernelsAfterA100PacketFlow() throws Exception {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), CONF);
             Mcast.Receiver r = Mcast.receive(t.receiver(1).host(), "eth0", 4000, G4, G6, "225.9.0.1")) {
            String s4 = t.sender().hostV4();
            String s6 = t.sender().hostV6();
            Mcast.sendAll(t.sender().host(), "eth0", List.of(G4, G6, "225.9.0.1"), 4000, 100, 500);
            r.await(s4, G4, 100, It.WAIT);
            r.await(s6, G6, 100, It.WAIT);
            // the kernel queues only the first few packets of a flow while the daemon resolves it
            r.await(s4, "225.9.0.1", 90, It.WAIT);

            // as node_exporter's textfile collector would take it
            Exec.Result out = t.router().exec("sh", "-c", "env JAVA_HOME=" + Project.javaHome() + " "
                    + Project.bin("smcroutectl") + " -u " + d.socket() + " metrics > " + d.dir().resolve("smcroute.prom"));
            assertThat(out.exit()).as("%s", out).isZero();
            Map<String, Long> m = Samples.parse(Files.readString(d.dir().resolve("smcroute.prom")));

            ProcFiles.Mfc k4 = mfc(t, false, G4);
            ProcFiles.Mfc k6 = mfc(t, true, G6);
            ProcFiles.Mfc learned = mfc(t, false, "225.9.0.1");
            assertThat(k4.packets()).isEqualTo(100);
            assertThat(k6.packets()).isEqualTo(100);
            assertThat(m).containsEntry(route("packets", "eth0", s4, G4), k4.packets())
                    .containsEntry(route("bytes", "eth0", s4, G4), k4.bytes())
                    .containsEntry(route("wrong_if", "eth0", s4, G4), k4.wrong())
                    .containsEntry(route("packets", "eth0", s6, G6), k6.packets())
                    .containsEntry(route("bytes", "eth0", s6, G6), k6.bytes())
                    .containsEntry(route("packets", "eth0", s4, "225.9.0.1"), learned.packets())
                    .containsEntry("smcroute_routes", 3L)
                    .containsEntry("smcroute_learned_routes", 1L)
                    .containsEntry("smcroute_vifs{family=\"ipv4\"}", 2L)
                    .containsEntry("smcroute_vifs{family=\"ipv6\"}", 2L)
                    .containsEntry("smcroute_groups_joined", 1L)
                    .containsEntry("smcroute_reloads_total", 0L)
                    .containsEntry("smcroute_monitors", 0L)
                    .containsKey("smcroute_start_time_seconds");
            assertThat(m.get("smcroute_upcalls_total{family=\"ipv4\",type=\"nocache\"}")).isPositive();
            for (boolean v6 : new boolean[] {false, true}) {
                List<ProcFiles.Vif> vifs = ProcFiles.vifs(t.router(), v6);
                assertThat(vifs).hasSize(2);
                for (ProcFiles.Vif v : vifs) {
                    assertThat(m).containsEntry(vif("packets_in", v.name(), v6), v.packetsIn())
                            .containsEntry(vif("packets_out", v.name(), v6), v.packetsOut())
                            .containsEntry(vif("bytes_in", v.name(), v6), v.bytesIn())
                            .containsEntry(vif("bytes_out", v.name(), v6), v.bytesOut());
                }
            }
            assertThat(m.get(vif("packets_out", "eth1", false))).isEqualTo(k4.packets() + learned.packets());

            d.reload(CONF);
            It.await(() -> "reloads_total 1", () -> Samples.parse(d.ctl().run("metrics").ok().out())
                    .get("smcroute_reloads_total") == 1);
            d.stopCleanly();
        }
    }

    private static ProcFiles.Mfc mfc(Topology t, boolean v6, String group) {
        for (ProcFiles.Mfc m : ProcFiles.cache(t.router(), v6)) {
            if (m.group().equals(group)) {
                return m;
            }
        }
        throw new AssertionError("no kernel entry for " + group);
    }

    /** One HTTP exchange from inside {@code ns} (bash's /dev/tcp): everything until the daemon closes. */
    private static String http(Netns ns, String host, int port, String request) {
        Exec.Result r = Exec.run(Duration.ofSeconds(30), request, ns.argv("bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port + " && cat >&3 && cat <&3"));
        assertThat(r.exit()).as("%s", r).isZero();
        return r.out();
    }

    private static List<String> tcpListeners(Netns ns) {
        List<String> l = new ArrayList<>();
        for (String line : ns.exec("ss", "-Hltn").ok().out().split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.strip().split("\\s+");
                l.add(f[3]);
            }
        }
        return l;
    }

    @Test
    void httpAnswers200And404AndListensOnlyWhereTold() throws Exception {
        try (Topology t = Topology.create(1)) {
            try (Daemon d = Daemon.start(t.router(), CONF)) {
                assertThat(tcpListeners(t.router())).as("no --metrics-listen, no listener").isEmpty();
                d.stopCleanly();
            }
            try (Daemon d = Daemon.start(t.router(), CONF, "--metrics-listen", "127.0.0.1:9813")) {
                assertThat(tcpListeners(t.router())).containsExactly("127.0.0.1:9813");
                String ok = http(t.router(), "127.0.0.1", 9813, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(ok).startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n");
                Map<String, Long> m = Samples.parse(ok.substring(ok.indexOf("\r\n\r\n") + 4));
                assertThat(m).containsEntry("smcroute_routes", 2L).containsKey(route("packets", "eth0", "10.0.0.2", G4));
                assertThat(http(t.router(), "127.0.0.1", 9813, "GET /metrics?x=1 HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
                for (String req : List.of("GET / HTTP/1.1\r\n\r\n", "GET /metricsx HTTP/1.1\r\n\r\n",
                        "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HEAD /metrics HTTP/1.1\r\n\r\n")) {
                    assertThat(http(t.router(), "127.0.0.1", 9813, req)).as(req).startsWith("HTTP/1.1 404 Not Found\r\n")
                            .endsWith("\r\n\r\nNot Found\n");
                }
                for (String req : List.of("hello\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics HTTP/1.1 x\r\n\r\n",
                        "GET /metrics HTTP/1.1\r\n" + "X: y\r\n".repeat(2000) + "\r\n")) {
                    assertThat(http(t.router(), "127.0.0.1", 9813, req)).as(req).startsWith("HTTP/1.1 400 Bad Request\r\n");
                }

                // a client that sends half a request and waits: the daemon serves everyone else and
                // closes that one after its 5 s
                Process slow = t.router().start(new ProcessBuilder("bash", "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/9813 && printf 'GET /metr' >&3 && cat <&3 && echo closed")
                        .redirectErrorStream(true).redirectOutput(d.dir().resolve("slow.out").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
                It.await(() -> "slow client connected", () -> t.router().exec("ss", "-Htn", "state", "established")
                        .out().contains("127.0.0.1:9813"));
                d.ctl().run("show").ok();
                assertThat(http(t.router(), "127.0.0.1", 9813, "GET /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
                assertThat(slow.waitFor(20, TimeUnit.SECONDS)).as("the daemon closed the slow client").isTrue();
                assertThat(Files.readString(d.dir().resolve("slow.out"))).isEqualTo("closed\n");
                d.stopCleanly();
            }
            try (Daemon d = Daemon.start(t.router(), CONF, "--metrics-listen", "[::1]:9814")) {
                assertThat(tcpListeners(t.router())).containsExactly("[::1]:9814");
                assertThat(http(t.router(), "::1", 9814, "GET /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
                d.stopCleanly();
            }
        }
    }

    @Test
    void aBadListenAddressIsAUsageErrorAndABusyPortLeavesTheDaemonRouting() throws Exception {
        try (Topology t = Topology.create(1)) {
            Exec.Result bad = t.router().exec("env", "JAVA_HOME=" + Project.javaHome(), Project.bin("smcrouted"), "-n",
                    "--metrics-listen", "localhost:9813");
            assertThat(bad.exit()).isEqualTo(64);
            assertThat(bad.err()).contains("--metrics-listen localhost:9813: expected ADDR:PORT or [ADDR6]:PORT");
            try (Daemon first = Daemon.start(t.router(), CONF, "--metrics-listen", "127.0.0.1:9815");
                 Daemon second = Daemon.start(t.router(), "", "-t", "1", "--metrics-listen", "127.0.0.1:9815")) {
                second.awaitLog("Failed opening metrics listener 127.0.0.1:9815: Address already in use");
                second.ctl().run("show").ok();
                second.stopCleanly();
                first.stopCleanly();
            }
        }
    }

    /** Lines of /proc/net/ip_mr_cache, counted inside the namespace (cheap with 100k entries). */
    private static int kernelEntries(Topology t) {
        return Integer.parseInt(t.router().exec("sh", "-c", "wc -l < /proc/net/ip_mr_cache").ok().out().strip()) - 1;
    }

    /** 100,000 (S,G) lines: (10.0.0.2, 225.1.0.0 + i) to eth1. */
    private static String manyRoutes(int n) {
        StringBuilder sb = new StringBuilder("phyint eth0 enable\nphyint eth1 enable\nmroute from eth0 group 225.200.0.0/16 to eth1\n");
        for (int i = 0; i < n; i++) {
            int g = 0xE1010000 + i;
            sb.append("mroute from eth0 source 10.0.0.2 group ").append(g >>> 24).append('.').append(g >>> 16 & 255)
                    .append('.').append(g >>> 8 & 255).append('.').append(g & 255).append(" to eth1\n");
        }
        return sb.toString();
    }

    @Test
    void aScrapeOf100kRoutesDuringASourceFloodLeavesOtherClientsAnswered() throws Exception {
        int n = 100_000;
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), manyRoutes(n), "-l", "notice", "--cache-limit", "20000")) {
            Waits.until("100k kernel entries", Duration.ofSeconds(60), () -> kernelEntries(t) >= n);
            Process flood = t.sender().host().start(new ProcessBuilder(Project.java(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                    "-cp", Project.home().resolve("target/test-classes") + ":" + Project.home().resolve("target/classes"),
                    FloodTool.class.getName(), "flood", "--count", "50000", "--rate", "20000",
                    "--seconds", "10", "--source", "10.128.0.0", "--group", "225.200.0.0", "--ttl", "8")
                    .redirectErrorStream(true).redirectOutput(d.dir().resolve("flood.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
            Waits.until("the flood reaches the daemon", Duration.ofSeconds(30), () -> kernelEntries(t) > n + 100);

            // other clients, each on its own connection, while the scrape is being sent
            List<long[]> others = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread prober = Thread.ofPlatform().daemon().name("ipc-prober").start(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    RawIpc.Outcome o = RawIpc.exchange(d.socket(), RawIpc.request('s', "interfaces"), Duration.ofSeconds(10));
                    if (o.closed() && o.text().contains("eth1")) {
                        others.add(new long[] {t0, System.nanoTime()});
                    }
                }
            });
            long start = System.nanoTime();
            RawIpc.Outcome scrape = RawIpc.exchange(d.socket(), RawIpc.request('M'), Duration.ofSeconds(120));
            long end = System.nanoTime();
            stop.set(true);
            prober.join(20_000);
            flood.waitFor(30, TimeUnit.SECONDS);

            assertThat(scrape.closed()).isTrue();
            byte[] b = scrape.bytes();
            assertThat(b[b.length - 1]).isZero();
            String text = new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
            Map<String, Long> m = Samples.parse(text);
            long routes = m.keySet().stream().filter(k -> k.startsWith("smcroute_route_packets_total{")).count();
            assertThat(routes).isEqualTo(m.get("smcroute_routes")).isGreaterThanOrEqualTo(n);
            long within = others.stream().filter(o -> o[0] >= start && o[1] <= end).count();
            System.out.printf("MetricsIT: scrape of %d routes, %d bytes in %d ms; %d other requests answered during it%n",
                    routes, b.length, (end - start) / 1_000_000, within);
            assertThat(within).as("requests of other clients answered while the scrape was sent").isGreaterThanOrEqualTo(3);
            d.stopCleanly();
        }
    }
}
