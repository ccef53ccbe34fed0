package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;

/**
 * Reload on the real kernel: unchanged routes forward a steady stream without losing a single
 * datagram across ten reloads (SIGHUP and {@code smcroutectl reload}), their counters keep growing
 * and learned entries of kept templates survive; removed lines stop, added lines start, a removed
 * OIF stops receiving, and runtime additions are dropped.
 */
@ExtendWith(NetnsExtension.class)
class ReloadIT {

    static final String READY = "Ready, waiting for client request or kernel event.";

    private static String config(boolean toggle) {
        return """
                phyint eth0 enable
                mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
                mroute from eth0 group 225.1.3.0/24 to eth1
                mroute from eth0 source fd00::2 group ff0e::1:3 to eth1
                """ + (toggle ? "mroute from eth0 source 10.0.0.2 group 225.1.2.9 to eth2\n" : "mgroup from eth2 group 225.1.2.9\n");
    }

    @Test
    void tenReloadsLoseNoDatagramOfUnchangedRoutes() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), config(false));
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.1.2.3", "225.1.3.1", "ff0e::1:3");
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.1.2.3", "225.1.3.1", "ff0e::1:3")) {
            Netns snd = t.sender().host();
            List<String> groups = List.of("225.1.2.3", "225.1.3.1", "ff0e::1:3");
            // The template's flow gets its learned entry before the counted stream starts.
            Mcast.sendAll(snd, "eth0", List.of("225.1.3.1"), 4001, 1, 100);
            It.await(() -> "learned entry " + TemplatesIT.cache(t.router()),
                    () -> TemplatesIT.resolved(t.router()) == 3);

            // the stream runs until all ten reloads are done, however long they take
            Path stop = d.dir().resolve("stream.stop");
            CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(
                    () -> Mcast.sendUntil(snd, "eth0", groups, 4000, 200, 200, stop), r -> Thread.ofPlatform().daemon().start(r));
            r1.await("10.0.0.2", "225.1.2.3", 20, It.WAIT);
            long last = packets(d);
            for (int i = 1; i <= 10; i++) {
                int ready = It.occurrences(d.log(), READY);
                if (i % 2 == 1) {
                    d.reload(config(true));   // SIGHUP
                } else {
                    write(d, config(false));
                    d.ctl().run(i % 4 == 0 ? "reload" : "restart").ok();
                }
                It.await(() -> "reload did not complete\n" + d.log(), () -> It.occurrences(d.log(), READY) > ready);
                final long before = last;
                It.await(() -> "counter of (10.0.0.2, 225.1.2.3) stuck at " + before, () -> packets(d) > before);
                last = packets(d);
            }
            assertThat(stream).isNotDone(); // all ten reloads happened while the stream flowed
            Mcast.sleep(200); // and it goes on for a moment after the last one
            touch(stop);
            int rounds = stream.join();
            r1.await("fd00::2", "ff0e::1:3", rounds, It.WAIT);
            r1.await("10.0.0.2", "225.1.3.1", rounds, It.WAIT);
            r2.await("10.0.0.2", "225.1.2.3", rounds, It.WAIT);
            r1.await("10.0.0.2", "225.1.2.3", rounds, It.WAIT);
            Count all = new Count(rounds, rounds);
            assertThat(r1.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(new Flow("10.0.0.2", "225.1.2.3"), all,
                    new Flow("10.0.0.2", "225.1.3.1"), all, new Flow("fd00::2", "ff0e::1:3"), all));
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(new Flow("10.0.0.2", "225.1.2.3"), all));
            assertThat(packets(d)).isEqualTo(rounds); // both rows, now that the stream is over
            // The learned entry of the kept template survived every reload: one upcall only.
            assertThat(It.occurrences(d.log(), "New multicast data from 10.0.0.2 to group 225.1.3.1 on eth0")).isEqualTo(1);
            d.stopCleanly();
        }
    }

    @Test
    void reloadAppliesChangedLinesExactlyAndDropsRuntimeChanges() throws IOException {
        try (Topology t = Topology.create(3);
             Daemon d = Daemon.start(t.router(), """
                     mroute from eth0 source 10.0.0.2 group 225.2.0.1 to eth1 eth2
                     mroute from eth0 source 10.0.0.2 group 225.2.0.2 to eth1
                     mgroup from eth1 group 225.2.9.9
                     """);
             Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.2.0.1", "225.2.0.2", "225.2.0.3", "225.2.0.4");
             Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.2.0.1", "225.2.0.2", "225.2.0.3", "225.2.0.4");
             Mcast.Receiver r3 = Mcast.receive(t.receiver(3).host(), "eth0", 4000, "225.2.0.1", "225.2.0.2", "225.2.0.3", "225.2.0.4")) {
            Netns r = t.router();
            Ctl ctl = d.ctl();
            ctl.run("add", "eth0", "10.0.0.2", "225.2.0.4", "eth3").ok();
            ctl.run("join", "eth2", "225.2.8.8").ok();
            List<String> groups = List.of("225.2.0.1", "225.2.0.2", "225.2.0.3", "225.2.0.4");
            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r3.await("10.0.0.2", "225.2.0.4", 10, It.WAIT);
            r2.await("10.0.0.2", "225.2.0.1", 10, It.WAIT);
            r1.await("10.0.0.2", "225.2.0.2", 10, It.WAIT);
            r1.await("10.0.0.2", "225.2.0.1", 10, It.WAIT);
            assertThat(GroupsIT.memberships(r)).contains(new GroupsIT.Member("eth1", "225.2.9.9", null),
                    new GroupsIT.Member("eth2", "225.2.8.8", null));

            // The new file: eth2 leaves 225.2.0.1, 225.2.0.2 goes, 225.2.0.3 comes, the group goes.
            FileTime mtime = Files.getLastModifiedTime(d.pidFile());
            int ready = It.occurrences(d.log(), READY);
            d.reload("""
                    mroute from eth0 source 10.0.0.2 group 225.2.0.1 to eth1
                    mroute from eth0 source 10.0.0.2 group 225.2.0.3 to eth2
                    """);
            It.await(() -> "reload did not complete\n" + d.log(), () -> It.occurrences(d.log(), READY) > ready);
            assertThat(Files.getLastModifiedTime(d.pidFile())).isGreaterThan(mtime);
            assertThat(ProcFiles.mroutes(r, false)).containsExactlyInAnyOrder(
                    new ProcFiles.Mroute("10.0.0.2", "225.2.0.1", "eth0", List.of("eth1"), "resolved"),
                    new ProcFiles.Mroute("10.0.0.2", "225.2.0.3", "eth0", List.of("eth2"), "resolved"));
            // eth3 was used only by the runtime route: its VIF and MIF are gone, the others kept their numbers.
            assertThat(ProcFiles.vifs(r, false)).extracting(ProcFiles.Vif::index, ProcFiles.Vif::name)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "eth0"), org.assertj.core.groups.Tuple.tuple(1, "eth1"),
                            org.assertj.core.groups.Tuple.tuple(2, "eth2"));
            assertThat(ProcFiles.vifs(r, true)).extracting(ProcFiles.Vif::name).containsExactly("eth0", "eth1", "eth2");
            assertThat(GroupsIT.memberships(r)).doesNotContain(new GroupsIT.Member("eth1", "225.2.9.9", null),
                    new GroupsIT.Member("eth2", "225.2.8.8", null));
            assertThat(ctl.run("show", "groups").ok().out()).isEmpty();
            int w = It.width(r, 3);
            assertThat(ctl.run("-t", "show").ok().out()).isEqualTo(new It.Wire()
                    .data(It.routeRow(w, "(10.0.0.2, 225.2.0.1)", "eth0", "eth1"))
                    .data(It.routeRow(w, "(10.0.0.2, 225.2.0.3)", "eth0", "eth2"))
                    .data(It.routeRow(w, "(10.0.0.2, 225.2.0.1)", "eth0", "eth1"))
                    .data(It.routeRow(w, "(10.0.0.2, 225.2.0.3)", "eth0", "eth2")).terse());

            Mcast.sendAll(t.sender().host(), "eth0", groups, 4000, 10, 200);
            r2.await("10.0.0.2", "225.2.0.3", 10, It.WAIT);
            r1.await("10.0.0.2", "225.2.0.1", 20, It.WAIT);
            String s = "10.0.0.2";
            assertThat(r1.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(s, "225.2.0.1"), new Count(20, 10), new Flow(s, "225.2.0.2"), new Count(10, 10)));
            assertThat(r2.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    new Flow(s, "225.2.0.1"), new Count(10, 10), new Flow(s, "225.2.0.3"), new Count(10, 10)));
            assertThat(r3.stop()).containsExactlyInAnyOrderEntriesOf(Map.of(new Flow(s, "225.2.0.4"), new Count(10, 10)));
            d.stopCleanly();
        }
    }

    private static final Pattern SSM_ROW = Pattern.compile("^\\(10\\.0\\.0\\.2, 225\\.1\\.2\\.3\\)\\s+eth0\\s+(\\d+)\\s+\\d+ ", Pattern.MULTILINE);

    /** Packets of (10.0.0.2, 225.1.2.3) in {@code show -d} (its (S,G) Rules row). */
    private static long packets(Daemon d) {
        Matcher m = SSM_ROW.matcher(d.ctl().run("-t", "-d", "show").ok().out());
        List<Long> all = new ArrayList<>();
        while (m.find()) {
            all.add(Long.parseLong(m.group(1)));
        }
        // Each row reads the kernel counters on its own, so under traffic the two may differ.
        assertThat(all).as("rows of (10.0.0.2, 225.1.2.3): SSM rule and kernel entry").hasSize(2);
        return Math.min(all.get(0), all.get(1));
    }

    private static void write(Daemon d, String config) {
        try {
            Files.writeString(d.conf(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void touch(Path p) {
        try {
            Files.writeString(p, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
