package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * Interfaces that come, go and come back, with real traffic and no reload: an interface created
 * after start activates its pending routes and joins within a second; an IIF or OIF deleted and
 * re-created under the same name gets its old VIF/MIF slot back on the new ifindex and forwards
 * again; an interface that loses MULTICAST leaves every kernel entry and returns with it; a reload
 * while an interface is still absent puts its lines back on the pending list; and {@code -F} verify
 * mode.
 *
 * <p>Kernel state is polled through {@code /proc/<daemon pid>/net/...}, which shows the
 * daemon's namespace without starting a process per poll, so latencies are measured to the
 * millisecond.
 */
@ExtendWith(NetnsExtension.class)
class HotplugIT {

    private static final String S4 = "10.0.0.2";
    private static final Duration ACTIVATION = Duration.ofSeconds(1);

    @Test
    void interfaceCreatedAfterStartActivatesPendingRoutesAndGroupsWithinOneSecond() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 source 10.0.0.2 group 225.3.0.1 to eth1 eth5
                     mroute from eth0 source 10.0.0.2 group 225.3.0.2 to eth5
                     mgroup from eth5 group 225.3.9.9
                     """)) {
            Ctl ctl = d.ctl();
            It.Wire pending = new It.Wire().data("PENDING ROUTES AND GROUPS")
                    .data("mroute  from eth0 source 10.0.0.2 group 225.3.0.1 to eth1 eth5")
                    .data("mroute  from eth0 source 10.0.0.2 group 225.3.0.2 to eth5")
                    .data("mgroup  from eth5 group 225.3.9.9");
            assertThat(ctl.run("-p", "show", "pending").ok().out()).isEqualTo(pending.plain());
            assertThat(ctl.run("-j", "show", "pending").ok().out()).isEqualTo("{\"pending\":["
                    + "{\"kind\":\"mroute\",\"iif\":\"eth0\",\"source\":\"10.0.0.2\",\"group\":\"225.3.0.1\",\"oifs\":[\"eth1\",\"eth5\"]},"
                    + "{\"kind\":\"mroute\",\"iif\":\"eth0\",\"source\":\"10.0.0.2\",\"group\":\"225.3.0.2\",\"oifs\":[\"eth5\"]},"
                    + "{\"kind\":\"mgroup\",\"iif\":\"eth5\",\"source\":null,\"group\":\"225.3.9.9\",\"oifs\":[]}]}\n");
            // Installed with the OIFs that exist: eth1, and a stop filter for the other.
            assertThat(ProcFiles.mroutes(t.router(), false)).containsExactlyInAnyOrder(
                    new ProcFiles.Mroute(S4, "225.3.0.1", "eth0", List.of("eth1"), "resolved"),
                    new ProcFiles.Mroute(S4, "225.3.0.2", "eth0", List.of(), "resolved"));

            // A receiver host plugged in after start: the veth is created in the router with its peer
            // moved into the new namespace, as a container runtime would do.
            Netns host = Netns.create("rcv5");
            long t0 = System.nanoTime();
            Exec.run("ip", "-n", t.router().name(), "link", "add", "eth5", "type", "veth",
                    "peer", "name", "eth0", "netns", host.name()).ok();
            Kstate k = new Kstate(d);
            long routes = k.awaitMillis(t0, "both routes with eth5's VIF 1", () -> {
                List<ProcFiles.Mfc> c = k.cache();
                return oifs(c, "225.3.0.1").equals(Map.of(1, 1, 2, 1)) && oifs(c, "225.3.0.2").equals(Map.of(2, 1));
            });
            long join = k.awaitMillis(t0, "join of 225.3.9.9 on eth5", () -> k.joined("eth5", "225.3.9.9"));
            System.out.printf("HotplugIT: new interface -> routes in kernel after %d ms, group joined after %d ms%n", routes, join);
            assertThat(Math.max(routes, join)).as("activation latency in ms").isLessThanOrEqualTo(ACTIVATION.toMillis());

            assertThat(ctl.run("-p", "show", "pending").ok().out())
                    .isEqualTo(new It.Wire().data("No pending routes or groups").plain());
            assertThat(ctl.run("-j", "show", "pending").ok().out()).isEqualTo("{\"pending\":[]}\n");
            d.awaitLog("Activated pending mroute from eth0 source 10.0.0.2 group 225.3.0.1",
                    "Activated pending mroute from eth0 source 10.0.0.2 group 225.3.0.2", "Activated pending mgroup from eth5 group 225.3.9.9");
            assertThat(d.log()).contains("Activated pending mroute from eth0 source 10.0.0.2 group 225.3.0.1",
                    "Activated pending mroute from eth0 source 10.0.0.2 group 225.3.0.2", "Activated pending mgroup from eth5 group 225.3.9.9");
            assertThat(ProcFiles.mroutes(t.router(), false)).containsExactlyInAnyOrder(
                    new ProcFiles.Mroute(S4, "225.3.0.1", "eth0", List.of("eth1", "eth5"), "resolved"),
                    new ProcFiles.Mroute(S4, "225.3.0.2", "eth0", List.of("eth5"), "resolved"));

            // And it forwards: addresses and link up, then real traffic to both hosts.
            address(t.router(), "eth5", host, 5, false);
            try (Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.3.0.1", "225.3.0.2");
                 Mcast.Receiver r5 = Mcast.receive(host, "eth0", 4000, "225.3.0.1", "225.3.0.2")) {
                Mcast.sendAll(t.sender().host(), "eth0", List.of("225.3.0.1", "225.3.0.2"), 4000, 10, 200);
                r5.await(S4, "225.3.0.2", 10, It.WAIT);
                r5.await(S4, "225.3.0.1", 10, It.WAIT);
                r1.await(S4, "225.3.0.1", 10, It.WAIT);
                assertThat(r1.stop()).containsExactlyEntriesOf(Map.of(new Flow(S4, "225.3.0.1"), new Count(10, 10)));
                assertThat(r5.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        new Flow(S4, "225.3.0.1"), new Count(10, 10), new Flow(S4, "225.3.0.2"), new Count(10, 10)));
            }
            assertThat(d.log()).doesNotContain("Reloading configuration");
            d.stopCleanly();
        }
    }

    @Test
    void deletedAndRecreatedIifAndOifGetTheirSlotsBackAndForwardWithoutReload() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 source 10.0.0.2 group 225.3.1.1 to eth1 eth2
                     mroute from eth0 source 10.0.0.2 group 225.3.1.2 to eth2
                     mroute from eth0 source fd00::2 group ff0e::3:1 to eth1 eth2
                     mgroup from eth2 group 225.3.1.9
                     """)) {
            Netns r = t.router();
            Kstate k = new Kstate(d);
            List<ProcFiles.Mroute> all4 = List.of(
                    new ProcFiles.Mroute(S4, "225.3.1.1", "eth0", List.of("eth1", "eth2"), "resolved"),
                    new ProcFiles.Mroute(S4, "225.3.1.2", "eth0", List.of("eth2"), "resolved"));
            List<ProcFiles.Mroute> all6 = List.of(
                    new ProcFiles.Mroute("fd00::2", "ff0e::3:1", "eth0", List.of("eth1", "eth2"), "resolved"));
            assertThat(ProcFiles.mroutes(r, false)).containsExactlyInAnyOrderElementsOf(all4);
            assertThat(ProcFiles.mroutes(r, true)).containsExactlyInAnyOrderElementsOf(all6);
            forwards(t, t.receiver(2).host(), "225.3.1.2", 10);

            // ---- the OIF eth2 goes: its bit leaves the kernel entries, its slot stays reserved
            int old2 = It.ifindex(r, "eth2");
            assertThat(slots(d, "eth2")).isEqualTo(new Slots(old2, 2, 2));
            Exec.run("ip", "-n", r.name(), "link", "del", "eth2").ok();
            k.awaitMillis(System.nanoTime(), "eth2 leaves the kernel entries", () ->
                    oifs(k.cache(), "225.3.1.1").equals(Map.of(1, 1)) && oifs(k.cache(), "225.3.1.2").isEmpty());
            assertThat(ProcFiles.vifs(r, false)).extracting(ProcFiles.Vif::name).containsExactly("eth0", "eth1");
            assertThat(slots(d, "eth2").vif()).isEqualTo(2);

            // ... and comes back under the same name with a new ifindex: same slot, routes and join back
            long t0 = System.nanoTime();
            Exec.run("ip", "-n", r.name(), "link", "add", "eth2", "type", "veth",
                    "peer", "name", "eth0", "netns", t.receiver(2).host().name()).ok();
            long back = k.awaitMillis(t0, "eth2 back in the kernel entries", () ->
                    oifs(k.cache(), "225.3.1.1").equals(Map.of(1, 1, 2, 1)) && oifs(k.cache(), "225.3.1.2").equals(Map.of(2, 1))
                            && k.joined("eth2", "225.3.1.9"));
            int new2 = It.ifindex(r, "eth2");
            assertThat(new2).isNotEqualTo(old2);
            System.out.printf("HotplugIT: re-created OIF -> routes and join restored after %d ms%n", back);
            assertThat(slots(d, "eth2")).isEqualTo(new Slots(new2, 2, 2));
            assertThat(ProcFiles.vifs(r, false)).filteredOn(v -> v.index() == 2).singleElement()
                    .satisfies(v -> assertThat(v.name()).isEqualTo("eth2"))
                    .satisfies(v -> assertThat(Integer.parseInt(v.local(), 16)).isEqualTo(new2));
            assertThat(ProcFiles.vifs(r, true)).extracting(ProcFiles.Vif::index, ProcFiles.Vif::name)
                    .contains(org.assertj.core.groups.Tuple.tuple(2, "eth2"));
            assertThat(ProcFiles.mroutes(r, false)).containsExactlyInAnyOrderElementsOf(all4);
            assertThat(ProcFiles.mroutes(r, true)).containsExactlyInAnyOrderElementsOf(all6);
            d.awaitLog("Interface eth2 is back (ifindex " + new2 + "), re-applying routes and groups");
            assertThat(d.log()).contains("Interface eth2 is back (ifindex " + new2 + "), re-applying routes and groups");
            address(r, "eth2", t.receiver(2).host(), 2, false);
            forwards(t, t.receiver(2).host(), "225.3.1.2", 10);

            // ---- the IIF eth0 goes and comes back
            int old0 = It.ifindex(r, "eth0");
            Exec.run("ip", "-n", r.name(), "link", "del", "eth0").ok();
            k.awaitMillis(System.nanoTime(), "VIF 0 gone", () -> k.vifs().stream().noneMatch(v -> v.index() == 0));
            t0 = System.nanoTime();
            Exec.run("ip", "-n", r.name(), "link", "add", "eth0", "type", "veth",
                    "peer", "name", "eth0", "netns", t.sender().host().name()).ok();
            back = k.awaitMillis(t0, "VIF 0 back on the new eth0", () -> k.vifs().stream().anyMatch(v -> v.index() == 0
                    && v.name().equals("eth0")) && k.cache().stream().filter(e -> e.iif() == 0).count() == 2);
            System.out.printf("HotplugIT: re-created IIF -> VIF and routes restored after %d ms%n", back);
            int new0 = It.ifindex(r, "eth0");
            assertThat(new0).isNotEqualTo(old0);
            assertThat(slots(d, "eth0")).isEqualTo(new Slots(new0, 0, 0));
            assertThat(slots(d, "eth1")).isEqualTo(new Slots(It.ifindex(r, "eth1"), 1, 1));
            assertThat(ProcFiles.mroutes(r, false)).containsExactlyInAnyOrderElementsOf(all4);
            assertThat(ProcFiles.mroutes(r, true)).containsExactlyInAnyOrderElementsOf(all6);
            d.awaitLog("Interface eth0 is back (ifindex " + new0 + "), re-applying routes and groups");
            assertThat(d.log()).contains("Interface eth0 is back (ifindex " + new0 + "), re-applying routes and groups");
            address(r, "eth0", t.sender().host(), 0, true);
            forwards(t, t.receiver(2).host(), "225.3.1.2", 10);

            assertThat(d.log()).doesNotContain("Reloading configuration");
            d.stopCleanly();
        }
    }

    @Test
    void interfaceLosingMulticastIsPrunedFromEveryEntryAndComesBack() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 source 10.0.0.2 group 225.3.2.1 to eth1 eth2
                     mroute from eth0 source 10.0.0.2 group 225.3.2.2 to eth2
                     mroute from eth0 group 225.3.3.0/24 to eth1 eth2
                     mgroup from eth2 group 225.3.2.9
                     """);
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.3.2.1", "225.3.2.2", "225.3.3.1");
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.3.2.1", "225.3.2.2", "225.3.3.1")) {
            Netns r = t.router();
            Kstate k = new Kstate(d);
            List<String> groups = List.of("225.3.2.1", "225.3.2.2", "225.3.3.1");
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r2.await(S4, "225.3.3.1", 10, It.WAIT); // the template's learned entry exists now
            r2.await(S4, "225.3.2.2", 10, It.WAIT);
            r2.await(S4, "225.3.2.1", 10, It.WAIT);
            assertThat(k.cache()).extracting(ProcFiles.Mfc::group, ProcFiles.Mfc::oifs).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("225.3.2.1", Map.of(1, 1, 2, 1)),
                    org.assertj.core.groups.Tuple.tuple("225.3.2.2", Map.of(2, 1)),
                    org.assertj.core.groups.Tuple.tuple("225.3.3.1", Map.of(1, 1, 2, 1)));
            assertThat(k.joined("eth2", "225.3.2.9")).isTrue();

            r.exec("ip", "link", "set", "eth2", "multicast", "off").ok();
            long gone = k.awaitMillis(System.nanoTime(), "VIF 2 out of every entry", () ->
                    k.cache().stream().noneMatch(e -> e.oifs().containsKey(2)) && k.vifs().stream().noneMatch(v -> v.index() == 2));
            System.out.printf("HotplugIT: multicast off -> pruned after %d ms%n", gone);
            assertThat(k.cache()).extracting(ProcFiles.Mfc::group, ProcFiles.Mfc::oifs).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("225.3.2.1", Map.of(1, 1)),
                    org.assertj.core.groups.Tuple.tuple("225.3.2.2", Map.of()),
                    org.assertj.core.groups.Tuple.tuple("225.3.3.1", Map.of(1, 1)));
            assertThat(slots(d, "eth2").vif()).isEqualTo(2); // the slot is kept for its return
            // deactivation leaves the kernel joins (the record is kept for the re-join)
            k.awaitMillis(System.nanoTime(), "225.3.2.9 left on eth2", () -> !k.joined("eth2", "225.3.2.9"));
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r1.await(S4, "225.3.2.1", 20, It.WAIT);
            r1.await(S4, "225.3.3.1", 20, It.WAIT);

            r.exec("ip", "link", "set", "eth2", "multicast", "on").ok();
            long back = k.awaitMillis(System.nanoTime(), "VIF 2 back in every entry", () ->
                    k.vifs().stream().anyMatch(v -> v.index() == 2 && v.name().equals("eth2"))
                            && oifs(k.cache(), "225.3.2.1").equals(Map.of(1, 1, 2, 1))
                            && oifs(k.cache(), "225.3.2.2").equals(Map.of(2, 1))
                            && oifs(k.cache(), "225.3.3.1").equals(Map.of(1, 1, 2, 1)));
            System.out.printf("HotplugIT: multicast on -> restored after %d ms%n", back);
            // the re-join follows the routes in the same activation, so it may land a moment later
            k.awaitMillis(System.nanoTime(), "225.3.2.9 joined again on eth2", () -> k.joined("eth2", "225.3.2.9"));
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r1.await(S4, "225.3.2.1", 30, It.WAIT);
            r2.await(S4, "225.3.2.1", 20, It.WAIT);
            r2.await(S4, "225.3.2.2", 20, It.WAIT);
            r2.await(S4, "225.3.3.1", 20, It.WAIT);
            // three sender runs of 10 (sequence numbers restart with each run)
            Count twenty = new Count(20, 10);
            Count thirty = new Count(30, 10);
            assertThat(r1.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(S4, "225.3.2.1"), thirty, new Flow(S4, "225.3.3.1"), thirty));
            // nothing reached eth2's host while it was not multicast capable
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(S4, "225.3.2.1"), twenty, new Flow(S4, "225.3.2.2"), twenty, new Flow(S4, "225.3.3.1"), twenty));
            d.awaitLog("Interface eth2 is back (ifindex " + It.ifindex(r, "eth2") + ")");
            assertThat(d.log()).contains("Interface eth2 is back (ifindex " + It.ifindex(r, "eth2") + ")")
                    .doesNotContain("Reloading configuration");
            d.stopCleanly();
        }
    }

    @Test
    void reloadWithAnInterfaceStillAbsentPutsItsLinesBackOnThePendingList() {
        String conf = """
                mroute from eth0 source 10.0.0.2 group 225.3.4.1 to eth1 eth2
                mroute from eth2 source 10.0.2.2 group 225.3.4.2 to eth1
                mgroup from eth2 group 225.3.4.9
                """;
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), conf)) {
            Netns r = t.router();
            Kstate k = new Kstate(d);
            Ctl ctl = d.ctl();
            assertThat(ctl.run("-j", "show", "pending").ok().out()).isEqualTo("{\"pending\":[]}\n");
            assertThat(k.joined("eth2", "225.3.4.9")).isTrue();
            Exec.run("ip", "-n", r.name(), "link", "del", "eth2").ok();
            k.awaitMillis(System.nanoTime(), "VIF 2 gone", () -> k.vifs().stream().noneMatch(v -> v.index() == 2));

            int ready = It.occurrences(d.log(), "Ready, waiting for client request or kernel event.");
            d.reload(conf);
            It.await(() -> "reload did not complete\n" + d.log(),
                    () -> It.occurrences(d.log(), "Ready, waiting for client request or kernel event.") > ready);
            It.Wire pending = new It.Wire().data("PENDING ROUTES AND GROUPS")
                    .data("mroute  from eth0 source 10.0.0.2 group 225.3.4.1 to eth1 eth2")
                    .data("mroute  from eth2 source 10.0.2.2 group 225.3.4.2 to eth1")
                    .data("mgroup  from eth2 group 225.3.4.9");
            assertThat(ctl.run("-p", "show", "pending").ok().out()).isEqualTo(pending.plain());
            // eth2 was unreferenced at the sweep: its VIF is deleted and its row dropped
            assertThat(ctl.run("-j", "show", "interfaces").ok().out()).doesNotContain("\"eth2\"");
            assertThat(ProcFiles.mroutes(r, false)).containsExactly(
                    new ProcFiles.Mroute(S4, "225.3.4.1", "eth0", List.of("eth1"), "resolved"));
            assertThat(ctl.run("-j", "show", "groups").ok().out()).doesNotContain("225.3.4.9");

            // When it returns, the pending lines activate (a fresh slot: 2 was freed by the reload).
            long t0 = System.nanoTime();
            Exec.run("ip", "-n", r.name(), "link", "add", "eth2", "type", "veth",
                    "peer", "name", "eth0", "netns", t.receiver(2).host().name()).ok();
            long ms = k.awaitMillis(t0, "pending lines activated", () ->
                    oifs(k.cache(), "225.3.4.1").equals(Map.of(1, 1, 2, 1)) && oifs(k.cache(), "225.3.4.2").equals(Map.of(1, 1))
                            && k.joined("eth2", "225.3.4.9"));
            System.out.printf("HotplugIT: after reload, returning interface -> pending activated after %d ms%n", ms);
            assertThat(ms).isLessThanOrEqualTo(ACTIVATION.toMillis());
            assertThat(ctl.run("-j", "show", "pending").ok().out()).isEqualTo("{\"pending\":[]}\n");
            assertThat(slots(d, "eth2")).isEqualTo(new Slots(It.ifindex(r, "eth2"), 2, 2));
            address(r, "eth2", t.receiver(2).host(), 2, false);
            forwards(t, t.receiver(2).host(), "225.3.4.1", 10);
            d.stopCleanly();
        }
    }

    @Test
    void verifyModeAcceptsAGoodFileAndReportsBadLinesWithExit78() throws IOException {
        try (Topology t = Topology.create(1)) {
            Path dir = Files.createTempDirectory("smcr-it-verify-");
            try {
                Path good = dir.resolve("good.conf");
                Files.writeString(good, """
                        phyint eth0 enable
                        phyint lo enable
                        phyint + enable
                        mroute from eth0 source 10.0.0.2 group 225.3.5.1 to eth1
                        mroute from eth0 group 225.3.6.0/24 to eth1
                        mgroup from eth1 group 225.3.5.9
                        """);
                Exec.Result ok = verify(t.router(), good);
                assertThat(ok.exit()).as(ok.toString()).isZero();
                assertThat(ok.out()).startsWith("Verifying configuration file " + good + " ...\n")
                        .doesNotContain("Parse error");

                Path bad = dir.resolve("bad.conf");
                Files.writeString(bad, """
                        mroute from eth0 source 10.0.0.2 group 225.3.5.1 to eth1
                        mroute from eth0 group 10.1.2.3 to eth1
                        frobnicate eth0
                        mgroup from eth1 group 225.3.5.9
                        mroute from eth0 group 225.3.6.0/24 to eth1 eth7
                        mroute from eth9 group 225.3.7.1 to eth1
                        mgroup from eth9 group 225.3.7.2
                        mroute from eth0 ttl-threshold 0 group 225.3.8.1 to eth1
                        mroute from eth0 ttl-threshold 5 group 225.3.8.2 to eth1
                        """);
                Exec.Result ko = verify(t.router(), bad);
                assertThat(ko.exit()).as(ko.toString()).isEqualTo(78);
                String out = ko.out();
                assertThat(out).startsWith("Verifying configuration file " + bad + " ...\n")
                        .contains(bad + " line 2: ", bad + " line 3: ")
                        .contains(bad + " line 5: mroute: outbound eth7 does not exist on this system\n",
                                bad + " line 6: mroute: inbound eth9 does not exist on this system\n",
                                bad + " line 7: mgroup: interface eth9 does not exist on this system\n",
                                bad + " line 8: mroute: ttl-threshold 0 out of range (1-255)\n",
                                bad + " line 9: mroute: ttl-threshold applies to phyint lines only, ignored\n")
                        .doesNotContain(bad + " line 1: ", bad + " line 4: ")
                        .endsWith("Parse error in " + bad + "\n");
                // nothing was touched: the router has no multicast routing state
                assertThat(ProcFiles.vifs(t.router(), false)).isEmpty();
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(Exec::deleteQuietly);
                }
                Exec.deleteQuietly(dir);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Exec.Result verify(Netns ns, Path file) {
        return ns.exec("env", "JAVA_HOME=" + Project.javaHome(), Project.bin("smcrouted"), "-F", file.toString());
    }

    /** Sends {@code n} datagrams to (10.0.0.2, {@code group}) and checks that {@code host} gets exactly them. */
    private static void forwards(Topology t, Netns host, String group, int n) {
        try (Mcast.Receiver r = Mcast.receive(host, "eth0", 4001, group)) {
            Mcast.send(t.sender().host(), "eth0", group, 4001, n, 200);
            r.await(S4, group, n, It.WAIT);
            assertThat(r.stop()).containsExactlyEntriesOf(Map.of(new Flow(S4, group), new Count(n, n)));
        }
    }

    /**
     * Addresses the router end {@code rif} (10.0.k.1) and the host end eth0 (10.0.k.2) of a
     * re-created link and brings both up, as {@link Topology} does; {@code gateway}: the host
     * also gets its default routes back (they went with the old device).
     */
    private static void address(Netns router, String rif, Netns host, int k, boolean gateway) {
        router.sh("ip addr add 10.0." + k + ".1/24 dev " + rif + "\n"
                + "ip -6 addr add fd00:0:0:" + k + "::1/64 dev " + rif + " nodad\n"
                + "sysctl -qw net.ipv4.conf." + rif + ".rp_filter=0\n"
                + "ip link set " + rif + " up\n");
        host.sh("ip addr add 10.0." + k + ".2/24 dev eth0\n"
                + "ip -6 addr add fd00:0:0:" + k + "::2/64 dev eth0 nodad\n"
                + "sysctl -qw net.ipv4.conf.eth0.rp_filter=0\n"
                + "ip link set eth0 up\n"
                + (gateway ? "ip route add default via 10.0." + k + ".1\nip -6 route add default via fd00:0:0:" + k + "::1\n" : ""));
    }

    private static Map<Integer, Integer> oifs(List<ProcFiles.Mfc> cache, String group) {
        return cache.stream().filter(e -> e.group().equals(group)).findFirst()
                .map(ProcFiles.Mfc::oifs).orElse(Map.of(-1, -1));
    }

    /** One interface of {@code show -j interfaces}: ifindex and slots (-1 for null). */
    record Slots(int index, int vif, int mif) {
    }

    private static final Pattern IF_JSON = Pattern.compile(
            "\\{\"index\":(\\d+),\"name\":\"([^\"]+)\",\"present\":(?:true|false),\"vif\":(\\d+|null),\"mif\":(\\d+|null)}");

    private static Slots slots(Daemon d, String name) {
        String json = d.ctl().run("-j", "show", "interfaces").ok().out();
        Matcher m = IF_JSON.matcher(json);
        while (m.find()) {
            if (m.group(2).equals(name)) {
                return new Slots(Integer.parseInt(m.group(1)), slot(m.group(3)), slot(m.group(4)));
            }
        }
        throw new AssertionError("no " + name + " in " + json);
    }

    private static int slot(String s) {
        return s.equals("null") ? -1 : Integer.parseInt(s);
    }

    /** The daemon namespace's multicast state, read through /proc/PID/net: no process per poll. */
    static final class Kstate {
        private final Path net;

        Kstate(Daemon d) {
            this.net = Path.of("/proc", Long.toString(d.pid()), "net");
        }

        List<ProcFiles.Mfc> cache() {
            return ProcFiles.parseCache(read("ip_mr_cache"), false);
        }

        List<ProcFiles.Vif> vifs() {
            return ProcFiles.parseVifs(read("ip_mr_vif"), false);
        }

        /** Whether /proc/net/igmp lists {@code group} on {@code dev}. */
        boolean joined(String dev, String group) {
            String current = null;
            for (String line : read("igmp").split("\n")) {
                if (line.startsWith("Idx") || line.isBlank()) {
                    continue;
                }
                if (!line.startsWith("\t")) {
                    current = line.split("\\s+")[1];
                } else if (dev.equals(current) && ProcFiles.hexIpv4(line.strip().split("\\s+")[0]).equals(group)) {
                    return true;
                }
            }
            return false;
        }

        /** Polls every 2 ms until {@code cond} holds; returns the ms since {@code t0}, fails after 10 s. */
        long awaitMillis(long t0, String what, BooleanSupplier cond) {
            long deadline = t0 + It.WAIT.toNanos();
            while (!cond.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + It.WAIT + ": " + what + "\n" + read("ip_mr_cache")
                            + read("ip_mr_vif"));
                }
                Mcast.sleep(2);
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }

        private String read(String file) {
            try {
                return Files.readString(net.resolve(file));
            } catch (IOException e) {
                throw new AssertionError("cannot read " + net.resolve(file) + ": " + e);
            }
        }
    }
}
