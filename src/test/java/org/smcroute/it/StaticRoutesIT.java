package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.it.It.routeHeading;
import static org.smcroute.it.It.routeHeadingDetail;
import static org.smcroute.it.It.routeRow;
import static org.smcroute.it.It.routeRowDetail;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * Static (S,G) routes on the real kernel: configured and runtime routes forward to exactly their
 * OIFs, removal is exact, show output is byte-exact, shutdown leaves no kernel state, bad
 * configuration lines are reported by line, and malformed IPC input gets its exact error replies.
 */
@ExtendWith(NetnsExtension.class)
class StaticRoutesIT {

    private static final String G4 = "225.1.2.3";
    private static final String G4B = "225.1.2.4";
    private static final String G6 = "ff0e::1:3";

    @Test
    void routesForwardToExactlyTheirOifsAndShowIsByteExact() {
        try (Topology t = Topology.create(3);
             Daemon d = Daemon.start(t.router(), """
                     phyint eth0 enable
                     mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
                     mroute from eth0 source fd00::2 group ff0e::1:3 to eth1 eth3
                     """);
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, G4, G4B, G6);
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, G4, G4B, G6);
             Mcast.Receiver r3 = Mcast.receive(t.receiver(3).host(), "eth0", 4000, G4, G4B, G6)) {
            String s4 = t.sender().hostV4();
            String s6 = t.sender().hostV6();
            Flow f4 = new Flow(s4, G4);
            Flow f4b = new Flow(s4, G4B);
            Flow f6 = new Flow(s6, G6);
            Ctl ctl = d.ctl();

            // The static entries are in the kernel before any packet: nothing is lost.
            Mcast.sendAll(t.sender().host(), "eth0", List.of(G4, G6), 4000, 20, 400);
            r1.await(s6, G6, 20, It.WAIT);
            r2.await(s4, G4, 20, It.WAIT);
            r3.await(s6, G6, 20, It.WAIT);
            r1.await(s4, G4, 20, It.WAIT);
            assertThat(r1.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(f4, new Count(20, 20), f6, new Count(20, 20)));
            assertThat(r2.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(f4, new Count(20, 20)));
            assertThat(r3.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(f6, new Count(20, 20)));

            assertThat(ProcFiles.mroutes(t.router(), false)).containsExactly(
                    new ProcFiles.Mroute(s4, G4, "eth0", List.of("eth1", "eth2"), "resolved"));
            assertThat(ProcFiles.mroutes(t.router(), true)).containsExactly(
                    new ProcFiles.Mroute(s6, G6, "eth0", List.of("eth1", "eth3"), "resolved"));
            // 20 datagrams "smcr-it 0".."smcr-it 19": 10 of 9 and 10 of 10 payload bytes.
            ProcFiles.Mfc m4 = ProcFiles.cache(t.router(), false).getFirst();
            ProcFiles.Mfc m6 = ProcFiles.cache(t.router(), true).getFirst();
            assertThat(m4).isEqualTo(new ProcFiles.Mfc(G4, s4, 0, 20, 10 * (28 + 9) + 10 * (28 + 10), 0, Map.of(1, 1, 2, 1)));
            assertThat(m6).isEqualTo(new ProcFiles.Mfc(G6, s6, 0, 20, 10 * (48 + 9) + 10 * (48 + 10), 0, Map.of(1, 1, 3, 1)));

            // show routes: -p, -t, ANSI, -d, -j
            int w = It.width(t.router(), 3);
            It.Wire routes = new It.Wire()
                    .title("(S,G) Rules").heading(routeHeading(w))
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.3)", "eth0", "eth1", "eth2"))
                    .data(routeRow(w, "(fd00::2, ff0e::1:3)", "eth0", "eth1", "eth3"))
                    .title("Kernel MFC Table").heading(routeHeading(w))
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.3)", "eth0", "eth1", "eth2"))
                    .data(routeRow(w, "(fd00::2, ff0e::1:3)", "eth0", "eth1", "eth3"));
            assertThat(ctl.run("-p", "show").ok().out()).isEqualTo(routes.plain());
            assertThat(ctl.run("-p", "show", "routes").ok().out()).isEqualTo(routes.plain());
            assertThat(ctl.run("-t", "show").ok().out()).isEqualTo(routes.terse());
            // into a pipe (not a terminal) headings are plain rules, without escape codes
            assertThat(ctl.run("show").ok().out()).isEqualTo(routes.plain());
            It.Wire detail = new It.Wire()
                    .title("(S,G) Rules").heading(routeHeadingDetail(w))
                    .data(routeRowDetail(w, "(10.0.0.2, 225.1.2.3)", "eth0", m4.packets(), m4.bytes(), "eth1", "eth2"))
                    .data(routeRowDetail(w, "(fd00::2, ff0e::1:3)", "eth0", m6.packets(), m6.bytes(), "eth1", "eth3"))
                    .title("Kernel MFC Table").heading(routeHeadingDetail(w))
                    .data(routeRowDetail(w, "(10.0.0.2, 225.1.2.3)", "eth0", m4.packets(), m4.bytes(), "eth1", "eth2"))
                    .data(routeRowDetail(w, "(fd00::2, ff0e::1:3)", "eth0", m6.packets(), m6.bytes(), "eth1", "eth3"));
            assertThat(ctl.run("-p", "-d", "show").ok().out()).isEqualTo(detail.plain());
            String r4 = "{\"source\":\"10.0.0.2\",\"group\":\"225.1.2.3\",\"iif\":\"eth0\",\"oifs\":[\"eth1\",\"eth2\"]}";
            String r6 = "{\"source\":\"fd00::2\",\"group\":\"ff0e::1:3\",\"iif\":\"eth0\",\"oifs\":[\"eth1\",\"eth3\"]}";
            assertThat(ctl.run("-j", "show").ok().out()).isEqualTo(
                    "{\"routes\":{\"asm\":[],\"ssm\":[" + r4 + "," + r6 + "],\"kernel\":[" + r4 + "," + r6 + "]}}\n");

            // show interfaces: every interface in ifindex order, VIF = MIF = allocation order
            Map<String, String> slots = Map.of("eth0", "0", "eth1", "1", "eth2", "2", "eth3", "3");
            int wi = It.width(t.router(), 6);
            It.Wire ifs = new It.Wire().heading(" INDEX " + It.left("PHYINT", wi) + "  VIF  MIF");
            StringBuilder json = new StringBuilder("{\"interfaces\":[");
            for (It.Link l : It.links(t.router())) {
                String slot = slots.getOrDefault(l.name(), "N/A");
                ifs.data(It.right(Integer.toString(l.index()), 6) + " " + It.left(l.name(), wi) + " "
                        + It.right(slot, 4) + " " + It.right(slot, 4));
                String js = slot.equals("N/A") ? "null" : slot;
                json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append("{\"index\":").append(l.index())
                        .append(",\"name\":\"").append(l.name()).append("\",\"present\":true,\"vif\":").append(js).append(",\"mif\":").append(js).append('}');
            }
            assertThat(ctl.run("-p", "show", "interfaces").ok().out()).isEqualTo(ifs.plain());
            assertThat(ctl.run("-j", "show", "interfaces").ok().out()).isEqualTo(json.append("]}\n").toString());
            assertThat(ProcFiles.vifs(t.router(), false)).extracting(ProcFiles.Vif::name).containsExactly("eth0", "eth1", "eth2", "eth3");
            assertThat(ProcFiles.vifs(t.router(), true)).extracting(ProcFiles.Vif::name).containsExactly("eth0", "eth1", "eth2", "eth3");

            // Runtime add: forwards to eth3 only, visible in ip mroute and ip_mr_cache.
            ctl.run("add", "eth0", s4, G4B, "eth3").ok();
            assertThat(ProcFiles.mroutes(t.router(), false)).contains(
                    new ProcFiles.Mroute(s4, G4B, "eth0", List.of("eth3"), "resolved"));
            assertThat(ProcFiles.cache(t.router(), false)).contains(new ProcFiles.Mfc(G4B, s4, 0, 0, 0, 0, Map.of(3, 1)));
            Mcast.send(t.sender().host(), "eth0", G4B, 4000, 10, 400);
            r3.await(s4, G4B, 10, It.WAIT);

            // remove with an OIF: only eth2 goes, in the kernel too.
            ctl.run("remove", "eth0", s4, G4, "eth2").ok();
            assertThat(ProcFiles.mroutes(t.router(), false)).contains(
                    new ProcFiles.Mroute(s4, G4, "eth0", List.of("eth1"), "resolved"));
            assertThat(ctl.run("-t", "show").ok().out()).contains(routeRow(w, "(10.0.0.2, 225.1.2.3)", "eth0", "eth1") + "\n");
            Mcast.send(t.sender().host(), "eth0", G4, 4000, 10, 400);
            r1.await(s4, G4, 30, It.WAIT);

            // remove without OIFs: the entry leaves the kernel and the show output.
            ctl.run("remove", "eth0", s4, G4B).ok();
            assertThat(ProcFiles.cache(t.router(), false)).extracting(ProcFiles.Mfc::group).containsExactly(G4);
            assertThat(ctl.run("-t", "show").ok().out()).doesNotContain(G4B);
            assertThat(ctl.run("remove", "eth0", s4, G4B).err())
                    .isEqualTo("smcroutectl: No such route (10.0.0.2, 225.1.2.4) from eth0\n");

            // The second batch repeats sequence numbers 0..9, so 30 packets carry 20 distinct ones.
            assertThat(r1.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(f4, new Count(30, 20), f6, new Count(20, 20)));
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(f4, new Count(20, 20)));
            assertThat(r3.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(f6, new Count(20, 20), f4b, new Count(10, 10)));

            // smcroutectl kill: reply first, then a clean shutdown.
            Exec.Result kill = ctl.run("kill");
            assertThat(kill.exit()).as(kill.toString()).isZero();
            It.await(() -> "daemon still running after kill\n" + d.log(), () -> !d.isAlive());
            assertThat(d.stop()).as(d.log()).isZero();
            assertNoKernelStateAndNoFiles(t.router(), d);
        }
    }

    @Test
    void badConfigLinesAreReportedByLineTheRestLoadsAndSigtermCleansUp() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), """
                     phyint eth0 enable
                     mroute from eth0 source 10.0.0.2 group 225.300.2.3 to eth1
                     mroute from eth0 source 10.0.0.2 group 225.1.2.3/40 to eth1
                     frobnicate eth0
                     mroute from eth9 source 10.0.0.2 group 225.1.2.5 to eth1
                     mroute from eth0 source 10.0.0.2 group 225.1.2.6 to eth1
                     mgroup from eth1 group 225.1.2.300
                     mroute from eth0 source fd00::2 group ff0e::1:6 to eth1
                     mroute from eth0 source 10.0.0.2/33 group 225.1.2.7 to eth1
                     mroute from eth0 source 10.0.0.2 group 225.1.2.8 to eth1 eth9
                     mgroup from eth1 group 225.1.2.9/33
                     mroute from eth0 source fd00::2 group ff0e::1:9/129 to eth1
                     """)) {
            String p = "smcroute[" + d.pid() + "]: ";
            String f = p + d.conf() + " line ";
            String log = d.log();
            assertThat(log).contains(
                    f + "2: mroute: Invalid multicast group: 225.300.2.3",
                    f + "3: mroute: Invalid multicast group prefix length, 40",
                    f + "4: Unknown command frobnicate, skipping.",
                    // unknown interfaces: the line (DEBUG) and its pending NOTICE
                    f + "5: mroute from eth9 source 10.0.0.2 group 225.1.2.5 to eth1\n" + f
                            + "5: mroute from eth9 source 10.0.0.2 group 225.1.2.5 pending: inbound eth9 not available\n",
                    f + "7: join: Invalid multicast group: 225.1.2.300",
                    f + "9: mroute: invalid prefix length: 33",
                    f + "10: mroute from eth0 source 10.0.0.2 group 225.1.2.8 to eth1 eth9\n" + f
                            + "10: mroute from eth0 source 10.0.0.2 group 225.1.2.8 pending: outbound eth9 not available\n",
                    f + "11: join: Invalid group prefix length (0-32): 33",
                    f + "12: mroute: Invalid multicast group prefix length, 129");
            // The good lines all loaded, in file order; nothing of the bad ones did.
            int w = It.width(t.router(), 3);
            assertThat(d.ctl().run("-t", "show").ok().out()).isEqualTo(new It.Wire()
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.6)", "eth0", "eth1"))
                    .data(routeRow(w, "(fd00::2, ff0e::1:6)", "eth0", "eth1"))
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.8)", "eth0", "eth1"))
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.6)", "eth0", "eth1"))
                    .data(routeRow(w, "(fd00::2, ff0e::1:6)", "eth0", "eth1"))
                    .data(routeRow(w, "(10.0.0.2, 225.1.2.8)", "eth0", "eth1")).terse());
            assertThat(d.ctl().run("show", "pending").ok().out()).isEqualTo("""
                    PENDING ROUTES AND GROUPS
                    mroute  from eth9 source 10.0.0.2 group 225.1.2.5 to eth1
                    mroute  from eth0 source 10.0.0.2 group 225.1.2.8 to eth1 eth9

                    """);
            assertThat(d.ctl().run("show", "groups").ok().out()).isEmpty();
            assertThat(ProcFiles.mroutes(t.router(), false)).containsExactlyInAnyOrder(
                    new ProcFiles.Mroute("10.0.0.2", "225.1.2.6", "eth0", List.of("eth1"), "resolved"),
                    new ProcFiles.Mroute("10.0.0.2", "225.1.2.8", "eth0", List.of("eth1"), "resolved"));
            assertThat(ProcFiles.mroutes(t.router(), true)).containsExactly(
                    new ProcFiles.Mroute("fd00::2", "ff0e::1:6", "eth0", List.of("eth1"), "resolved"));

            // SIGTERM: exit 0 and nothing left behind.
            assertThat(d.stop()).as(d.log()).isZero();
            assertNoKernelStateAndNoFiles(t.router(), d);
        }
    }

    @Test
    void malformedIpcRequestsGetTheExactErrorAndTheDaemonKeepsServing() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1\n")) {
            var sock = d.socket();
            String badMessage = "Failed to parse IPC message from client: Bad message";
            Map<String, byte[]> cases = new LinkedHashMap<>();
            cases.put(badMessage, It.request(15, 's', 0, It.strings()));
            cases.put("Too large IPC message, unsupported.", It.request(1025, 's', 0, It.strings()));
            cases.put("Failed to parse IPC message from client: Invalid argument",
                    It.request('j', Collections.nCopies(36, "x").toArray(String[]::new)));
            cases.put("Unknown or malformed IPC message 'x' from client.", It.request('x', "eth0"));
            cases.put("Unknown or malformed IPC message 'a' from client.", It.request('a', "eth0", "10.0.0.2"));
            Map<String, String> replies = new HashMap<>();
            for (var c : cases.entrySet()) {
                replies.put(c.getKey(), It.ipcText(sock, c.getValue()));
            }
            assertThat(replies).allSatisfy((want, got) -> assertThat(got).isEqualTo(want));

            // A string that runs past len: count says 2, but only one string fits.
            byte[] one = "eth0\0".getBytes();
            assertThat(It.ipcText(sock, It.request(16 + one.length, 'j', 2, one))).isEqualTo(badMessage);
            // The final NUL is missing.
            byte[] noFinal = "eth0\0225.1.2.3\0".getBytes();
            assertThat(It.ipcText(sock, It.request(16 + noFinal.length, 'j', 2, noFinal))).isEqualTo(badMessage);
            // 32 OIFs are accepted, 33 are one too many; both fit the 35-string limit.
            List<String> ok32 = new ArrayList<>(List.of("eth0", "10.0.0.2", "225.1.2.4"));
            ok32.addAll(Collections.nCopies(32, "eth1"));
            assertThat(It.ipcText(sock, It.request('a', ok32.toArray(String[]::new)))).isEmpty();
            assertThat(It.ipcText(sock, It.request('r', "eth0", "10.0.0.2", "225.1.2.4"))).isEmpty();
            List<String> bad33 = new ArrayList<>(List.of("eth0", "225.1.2.4"));
            bad33.addAll(Collections.nCopies(33, "eth1"));
            assertThat(It.ipcText(sock, It.request('a', bad33.toArray(String[]::new))))
                    .isEqualTo("Unknown or malformed IPC message 'a' from client.");

            // The daemon logged the same texts at WARNING, and still serves.
            assertThat(d.log()).contains(cases.keySet());
            assertThat(d.isAlive()).isTrue();
            // The original client's bytes for "join eth0 225.1.2.3" (x86_64) are a valid join.
            byte[] join = HexFormat.ofDelimiter(" ").parseHex(
                    "20 00 00 00 00 00 00 00 6a 00 02 00 00 00 00 00 65 74 68 30 00 32 32 35 2e 31 2e 32 2e 33 00 00");
            assertThat(It.ipc(sock, join)).containsExactly(0);
            assertThat(d.ctl().run("-t", "show", "groups").ok().out()).isEqualTo("(*, 225.1.2.3)" + " ".repeat(29) + "eth0\n\n");
            int w = It.width(t.router(), 3);
            assertThat(It.ipcText(sock, It.request('s'))).isEqualTo(new StringBuilder()
                    .append("(S,G) Rules_\n").append(routeHeading(w)).append("=\n")
                    .append(routeRow(w, "(10.0.0.2, 225.1.2.3)", "eth0", "eth1")).append('\n')
                    .append("Kernel MFC Table_\n").append(routeHeading(w)).append("=\n")
                    .append(routeRow(w, "(10.0.0.2, 225.1.2.3)", "eth0", "eth1")).append('\n').toString());
            d.stopCleanly();
        }
    }

    /** After shutdown: no VIF/MIF or MFC entry of either family, socket and PID file gone. */
    static void assertNoKernelStateAndNoFiles(Netns router, Daemon d) {
        assertThat(ProcFiles.vifs(router, false)).isEmpty();
        assertThat(ProcFiles.vifs(router, true)).isEmpty();
        assertThat(ProcFiles.cache(router, false)).isEmpty();
        assertThat(ProcFiles.cache(router, true)).isEmpty();
        assertThat(Files.exists(d.socket())).as("socket " + d.socket()).isFalse();
        assertThat(Files.exists(d.pidFile())).as("PID file " + d.pidFile()).isFalse();
        assertThat(d.log()).contains("Exiting.");
    }
}
