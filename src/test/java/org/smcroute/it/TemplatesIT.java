package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.it.It.routeHeading;
import static org.smcroute.it.It.routeRow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * Route templates, the (*,G) emulation, on the real kernel: every template form forwards flows
 * inside its range and only those, flows outside get stop filters, {@code flush} empties the
 * learned cache at once, idle learned entries expire after one to two {@code -c} periods while
 * active ones stay, the {@code -e} script runs with {@code reload} and {@code install}, and
 * WRONGVIF/WRONGMIF re-parents an entry when its source moves.
 */
@ExtendWith(NetnsExtension.class)
class TemplatesIT {

    /** One sampled flow: source, group, and the receivers (1..3) that must get it. */
    record Sample(String source, String group, Set<Integer> receivers) {
    }

    private static final String CONFIG = """
            mroute from eth0 group 225.1.0.1 to eth1
            mroute from eth0 group 225.2.0.9/24 to eth2
            mroute from eth0 source 10.0.0.0/24 group 225.3.0.1 to eth3
            mroute from eth0 source 10.0.0.77/24 group 225.4.0.0/16 to eth1 eth2
            mroute from eth0 group ff0e::1:1 to eth1
            mroute from eth0 group ff0e::2:9/112 to eth2
            mroute from eth0 source fd00::/64 group ff0e::3:1 to eth3
            mroute from eth0 source fd00::77/64 group ff0e::4:0/112 to eth1 eth2
            """;

    /** Sender's own source (10.0.0.2 / fd00::2) and a second one outside the source ranges. */
    private static final String OTHER4 = "10.9.0.2";
    private static final String OTHER6 = "fd09::2";

    private static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            String src = v6 ? "fd00::2" : "10.0.0.2";
            String other = v6 ? OTHER6 : OTHER4;
            s.add(new Sample(src, v6 ? "ff0e::1:1" : "225.1.0.1", Set.of(1)));        // (*,G) exact
            s.add(new Sample(src, v6 ? "ff0e::1:2" : "225.1.0.2", Set.of()));         //   other G
            s.add(new Sample(src, v6 ? "ff0e::2:7" : "225.2.0.7", Set.of(2)));        // (*,G/LEN) inside
            s.add(new Sample(src, v6 ? "ff0e::2:c8" : "225.2.0.200", Set.of(2)));     //   inside
            s.add(new Sample(src, v6 ? "ff0e::12:1" : "225.2.1.1", Set.of()));        //   outside
            s.add(new Sample(src, v6 ? "ff0e::3:1" : "225.3.0.1", Set.of(3)));        // (S/LEN,G) inside
            s.add(new Sample(src, v6 ? "ff0e::4:9" : "225.4.9.9", Set.of(1, 2)));     // (S/LEN,G/LEN) inside
            s.add(new Sample(src, v6 ? "ff0e::4:c8" : "225.4.200.1", Set.of(1, 2)));  //   inside
            s.add(new Sample(src, v6 ? "ff0e::5:1" : "225.5.0.1", Set.of()));         //   group outside
            s.add(new Sample(other, v6 ? "ff0e::1:1" : "225.1.0.1", Set.of(1)));      // (*,G): any source
            s.add(new Sample(other, v6 ? "ff0e::3:1" : "225.3.0.1", Set.of()));       // source outside
            s.add(new Sample(other, v6 ? "ff0e::4:9" : "225.4.9.9", Set.of()));       // source outside
        }
        return s;
    }

    @Test
    void everyTemplateFormForwardsInsideItsRangeOnlyAndFlushEmptiesTheCache() throws Exception {
        List<Sample> samples = samples();
        try (Topology t = Topology.create(3)) {
            t.sender().host().sh("ip addr add " + OTHER4 + "/24 dev eth0\nip -6 addr add " + OTHER6 + "/64 dev eth0 nodad\n");
            Path dir = Files.createTempDirectory("smcr-it-");
            Files.writeString(dir.resolve("smcroute.conf"), CONFIG);
            Path out = dir.resolve("script.out");
            Path script = dir.resolve("script.sh");
            Files.writeString(script, "#!/bin/sh\necho \"$1 ${source-unset} ${group-unset}\" >> " + out + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> groups = samples.stream().map(Sample::group).distinct().toList();
            try (Daemon d = Daemon.start(t.router(), dir, "-e", script.toString());
                 Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, groups.toArray(String[]::new));
                 Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, groups.toArray(String[]::new));
                 Mcast.Receiver r3 = Mcast.receive(t.receiver(3).host(), "eth0", 4000, groups.toArray(String[]::new))) {
                // -e: "reload" once the initial load succeeded, without source/group
                It.await(() -> "script output " + It.read(out), () -> It.read(out).equals("reload unset unset\n"));

                // Prime every flow with one datagram to another port and wait until the kernel has
                // resolved them all, so the counted datagrams below never meet an unresolved entry.
                Netns snd = t.sender().host();
                // Every send names its source: with two addresses on eth0 the kernel's choice
                // for multicast is not the one the test means.
                Map<String, List<String>> bySource = new LinkedHashMap<>();
                samples.forEach(x -> bySource.computeIfAbsent(x.source(), k -> new ArrayList<>()).add(x.group()));
                bySource.forEach((src, gs) -> Mcast.sendAll(snd, "eth0", gs, 4001, 1, 100, "--source", src));
                It.await(() -> "kernel cache " + cache(t.router()), () -> resolved(t.router()) == samples.size());
                bySource.forEach((src, gs) -> Mcast.sendAll(snd, "eth0", gs, 4000, 10, 200, "--source", src));
                List<Mcast.Receiver> rs = List.of(r1, r2, r3);
                for (Sample x : samples) {
                    for (int i : x.receivers()) {
                        rs.get(i - 1).await(x.source(), x.group(), 10, It.WAIT);
                    }
                }
                for (int i = 1; i <= 3; i++) {
                    Map<Flow, Count> want = new LinkedHashMap<>();
                    for (Sample x : samples) {
                        if (x.receivers().contains(i)) {
                            want.put(new Flow(x.source(), x.group()), new Count(10, 10));
                        }
                    }
                    assertThat(rs.get(i - 1).stop()).as("receiver " + i).containsExactlyInAnyOrderEntriesOf(want);
                }

                // Kernel: forwarding entries with exactly the OIFs, stop filters without any.
                List<ProcFiles.Mroute> want = new ArrayList<>();
                List<String> forwarding = new ArrayList<>();
                List<String> stopFilters = new ArrayList<>();
                int w = It.width(t.router(), 3);
                for (Sample x : samples) {
                    List<String> oifs = x.receivers().stream().sorted().map(i -> "eth" + i).toList();
                    want.add(new ProcFiles.Mroute(x.source(), x.group(), "eth0", oifs, "resolved"));
                    String row = routeRow(w, "(" + x.source() + ", " + x.group() + ")", "eth0", oifs.toArray(String[]::new));
                    (oifs.isEmpty() ? stopFilters : forwarding).add(row);
                }
                List<ProcFiles.Mroute> kernel = new ArrayList<>(ProcFiles.mroutes(t.router(), false));
                kernel.addAll(ProcFiles.mroutes(t.router(), true));
                assertThat(kernel).containsExactlyInAnyOrderElementsOf(want);

                // show: templates as written (not masked), then the kernel table, forwarding
                // entries first and stop filters (no OIFs, trailing blank) after them.
                String show = d.ctl().run("-p", "show").ok().out();
                String templates = new It.Wire().title("(*,G) Template Rules").heading(routeHeading(w))
                        .data(routeRow(w, "(*, 225.1.0.1)", "eth0", "eth1"))
                        .data(routeRow(w, "(*, 225.2.0.9/24)", "eth0", "eth2"))
                        .data(routeRow(w, "(10.0.0.0/24, 225.3.0.1)", "eth0", "eth3"))
                        .data(routeRow(w, "(10.0.0.77/24, 225.4.0.0/16)", "eth0", "eth1", "eth2"))
                        .data(routeRow(w, "(*, ff0e::1:1)", "eth0", "eth1"))
                        .data(routeRow(w, "(*, ff0e::2:9/112)", "eth0", "eth2"))
                        .data(routeRow(w, "(fd00::/64, ff0e::3:1)", "eth0", "eth3"))
                        .data(routeRow(w, "(fd00::77/64, ff0e::4:0/112)", "eth0", "eth1", "eth2"))
                        .title("Kernel MFC Table").heading(routeHeading(w)).plain();
                assertThat(show).startsWith(templates.substring(0, templates.length() - 1)).doesNotContain("(S,G) Rules");
                List<String> rows = List.of(show.substring(templates.length() - 1).split("\n"));
                assertThat(rows.subList(0, forwarding.size())).containsExactlyInAnyOrderElementsOf(forwarding);
                assertThat(rows.subList(forwarding.size(), rows.size())).containsExactlyInAnyOrderElementsOf(stopFilters);
                String json = d.ctl().run("-j", "show").ok().out();
                assertThat(json).startsWith("{\"routes\":{\"asm\":[{\"source\":null,\"group\":\"225.1.0.1\",\"iif\":\"eth0\",\"oifs\":[\"eth1\"]},"
                        + "{\"source\":null,\"group\":\"225.2.0.9/24\",\"iif\":\"eth0\",\"oifs\":[\"eth2\"]},"
                        + "{\"source\":\"10.0.0.0/24\",\"group\":\"225.3.0.1\",\"iif\":\"eth0\",\"oifs\":[\"eth3\"]},"
                        + "{\"source\":\"10.0.0.77/24\",\"group\":\"225.4.0.0/16\",\"iif\":\"eth0\",\"oifs\":[\"eth1\",\"eth2\"]},")
                        .contains("\"ssm\":[],\"kernel\":[", "{\"source\":\"10.9.0.2\",\"group\":\"225.4.9.9\",\"iif\":\"eth0\",\"oifs\":[]}");
                assertThat(d.log()).contains("Multicast from 10.9.0.2, group 225.3.0.1, on eth0 does not match any (*,G) rule",
                        "Multicast from fd00::2, group ff0e::5:1, on eth0 does not match any (*,G) rule");

                // -e: one "install" per flow a template resolved, none for stop filters.
                List<String> installs = new ArrayList<>(List.of("reload unset unset"));
                samples.stream().filter(x -> !x.receivers().isEmpty())
                        .forEach(x -> installs.add("install " + x.source() + " " + x.group()));
                It.await(() -> "script output " + It.read(out), () -> It.read(out).lines().count() >= installs.size());
                assertThat(It.read(out).lines()).containsExactlyInAnyOrderElementsOf(installs);

                // flush: every learned entry, forwarding or stop filter, goes at once.
                d.ctl().run("flush").ok();
                assertThat(cache(t.router())).isEmpty();
                assertThat(d.ctl().run("-t", "show").ok().out()).doesNotContain("(10.0.0.2, ").doesNotContain("(fd00::2, ");
                assertThat(d.log()).contains("Flushed " + samples.size() + " dynamic routes.");
                d.stopCleanly();
            }
        }
    }

    @Test
    void idleLearnedEntriesExpireWithinTwoPeriodsWhileActiveOnesStay() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 group 225.6.0.0/24 to eth1
                     mroute from eth0 group ff0e::6:0/112 to eth1
                     """, "-c", "2")) {
            Netns snd = t.sender().host();
            // Active flows: 20 datagrams/s for 10 s, in the background.
            CompletableFuture<Void> active = It.background(
                    () -> Mcast.sendAll(snd, "eth0", List.of("225.6.0.2", "ff0e::6:2"), 4000, 200, 20));
            It.await(() -> "active entries " + cache(t.router()),
                    () -> cache(t.router()).containsAll(List.of("10.0.0.2 225.6.0.2", "fd00::2 ff0e::6:2")));
            // Idle flows: a few datagrams, then silence; 225.7.0.1 has no rule (stop filter).
            Mcast.sendAll(snd, "eth0", List.of("225.6.0.1", "ff0e::6:1", "225.7.0.1"), 4000, 3, 100);
            long last = System.nanoTime();
            List<String> idle = List.of("10.0.0.2 225.6.0.1", "fd00::2 ff0e::6:1", "10.0.0.2 225.7.0.1");
            It.await(() -> "idle entries " + cache(t.router()), () -> cache(t.router()).containsAll(idle));
            Map<String, Double> gone = new LinkedHashMap<>();
            double until = 6.0;
            while ((System.nanoTime() - last) / 1e9 < until) {
                List<String> c = cache(t.router());
                assertThat(d.isAlive()).as("smcrouted still running\n" + d.log()).isTrue();
                assertThat(c).as("active entries must never expire").contains("10.0.0.2 225.6.0.2", "fd00::2 ff0e::6:2");
                double age = (System.nanoTime() - last) / 1e9;
                for (String e : idle) {
                    if (!c.contains(e)) {
                        gone.putIfAbsent(e, age);
                    }
                }
                if (gone.size() == idle.size() && until == 6.0) {
                    until = age + 2.5; // one more period: the active flows must survive it
                }
                Mcast.sleep(100);
            }
            assertThat(gone).as("idle entries and when they vanished (s after the last packet)").containsOnlyKeys(idle)
                    .allSatisfy((e, s) -> assertThat(s).isBetween(1.5, 5.0));
            assertThat(d.log()).contains("Cache timeout, flushing unused (*,G) routes!", "-> Yup, stale route.");
            active.join();
            d.stopCleanly();
        }
    }

    @Test
    void wrongVifReparentsALearnedEntryWhenTheSourceMovesToAnotherInterface() {
        try (Topology t = Topology.create(3);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 group 225.5.0.1 to eth1
                     mroute from eth3 group 225.5.0.1 to eth2
                     mroute from eth0 group ff0e::5:1 to eth1
                     mroute from eth3 group ff0e::5:1 to eth2
                     """);
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.5.0.1", "ff0e::5:1");
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.5.0.1", "ff0e::5:1")) {
            // Receiver 3's namespace becomes a second network whose sender has the same addresses
            // as the real sender (colliding sources: WRONGVIF moves the entry's inbound).
            Netns twin = t.receiver(3).host();
            twin.sh("ip addr add 10.0.0.2/32 dev eth0\nip -6 addr add fd00::2/128 dev eth0 nodad\n");
            List<String> groups = List.of("225.5.0.1", "ff0e::5:1");
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4001, 1, 100);
            It.await(() -> "kernel cache " + cache(t.router()), () -> resolved(t.router()) == 2);
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r1.await("10.0.0.2", "225.5.0.1", 10, It.WAIT);
            r1.await("fd00::2", "ff0e::5:1", 10, It.WAIT);

            // The same (S,G) now arrives on eth3: WRONGVIF/WRONGMIF moves the entry there.
            CompletableFuture<Void> v4 = It.background(() ->
                    Mcast.send(twin, "eth0", "225.5.0.1", 4001, 40, 20, "--source", "10.0.0.2"));
            CompletableFuture<Void> v6 = It.background(() ->
                    Mcast.send(twin, "eth0", "ff0e::5:1", 4001, 40, 20, "--source", "fd00::2"));
            It.await(() -> "no re-parent; ip mroute " + ProcFiles.mroutes(t.router(), false) + ProcFiles.mroutes(t.router(), true)
                            + "\n" + d.log(),
                    () -> ProcFiles.mroutes(t.router(), false).contains(new ProcFiles.Mroute("10.0.0.2", "225.5.0.1", "eth3", List.of("eth2"), "resolved"))
                            && ProcFiles.mroutes(t.router(), true).contains(new ProcFiles.Mroute("fd00::2", "ff0e::5:1", "eth3", List.of("eth2"), "resolved")));
            v4.join();
            v6.join();
            assertThat(d.log()).contains("Moved (10.0.0.2,225.5.0.1) inbound to eth3 after WRONGVIF",
                    "Moved (fd00::2,ff0e::5:1) inbound to eth3 after WRONGVIF");
            // One entry per (S,G), in the kernel and in the daemon's cache.
            assertThat(cache(t.router())).containsExactlyInAnyOrder("10.0.0.2 225.5.0.1", "fd00::2 ff0e::5:1");
            int w = It.width(t.router(), 3);
            // (the two re-parents happen in either order, and with them the cache order)
            List<String> rows = List.of(d.ctl().run("-t", "show").ok().out().split("\n"));
            assertThat(rows.subList(4, rows.size())).containsExactlyInAnyOrder(
                    routeRow(w, "(10.0.0.2, 225.5.0.1)", "eth3", "eth2"), routeRow(w, "(fd00::2, ff0e::5:1)", "eth3", "eth2"));

            // Now the twin's traffic reaches receiver 2, exactly, and receiver 1 gets no more.
            Mcast.sendAll(twin, "eth0", List.of("225.5.0.1"), 4000, 10, 200, "--source", "10.0.0.2");
            Mcast.sendAll(twin, "eth0", List.of("ff0e::5:1"), 4000, 10, 200, "--source", "fd00::2");
            r2.await("10.0.0.2", "225.5.0.1", 10, It.WAIT);
            r2.await("fd00::2", "ff0e::5:1", 10, It.WAIT);
            Map<Flow, Count> ten = Map.of(new Flow("10.0.0.2", "225.5.0.1"), new Count(10, 10),
                    new Flow("fd00::2", "ff0e::5:1"), new Count(10, 10));
            assertThat(r1.stop()).containsExactlyInAnyOrderEntriesOf(ten);
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(ten);
            d.stopCleanly();
        }
    }

    /** "S G" of every kernel cache entry of both families. */
    static List<String> cache(Netns router) {
        List<ProcFiles.Mfc> all = new ArrayList<>(ProcFiles.cache(router, false));
        all.addAll(ProcFiles.cache(router, true));
        return all.stream().map(m -> m.origin() + " " + m.group()).collect(Collectors.toList());
    }

    /** Number of resolved kernel cache entries of both families. */
    static long resolved(Netns router) {
        return ProcFiles.cache(router, false).stream().filter(m -> m.iif() >= 0).count()
                + ProcFiles.cache(router, true).stream().filter(m -> m.iif() >= 0).count();
    }
}
