package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A source flood against a (*,G/16) template: 100,000 forged sources, sent several times over, to a
 * daemon started with {@code --cache-limit 20000}. The learned cache stops at the limit with one
 * warning, the daemon's memory stays bounded, {@code show routes} keeps answering within 1 s, and a
 * flow learned before the flood keeps forwarding throughout.
 */
@ExtendWith(NetnsExtension.class)
class FloodIT {

    private static final int LIMIT = 20_000;
    private static final int SOURCES = 100_000;
    private static final String LEGIT_GROUP = "225.1.255.1";
    private static final String FULL = "Learned route cache full";

    private Thread prober;

    @org.junit.jupiter.api.AfterEach
    void stopProber() throws InterruptedException {
        if (prober != null) {
            prober.interrupt();
            prober.join(10_000);
        }
    }

    @Test
    void aSourceFloodIsBoundedAndLegitimateTrafficFlows() throws Exception {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), """
                     phyint eth0 enable
                     phyint eth1 enable
                     mroute from eth0 group 225.1.0.0/16 to eth1
                     """, "-l", "notice", "--cache-limit", String.valueOf(LIMIT));
             Mcast.Receiver r = Mcast.receive(t.receiver(1).host(), "eth0", 4000, LEGIT_GROUP)) {
            String legitSource = t.sender().hostV4();
            int legitRate = 100;
            int legitCount = legitRate * 30; // 30 s: before, during and after the flood
            AtomicReference<Throwable> legitFailure = new AtomicReference<>();
            Thread legit = Thread.ofPlatform().daemon().name("legit-sender").start(() -> {
                try {
                    Mcast.send(t.sender().host(), "eth0", LEGIT_GROUP, 4000, legitCount, legitRate);
                } catch (RuntimeException e) {
                    legitFailure.set(e);
                }
            });
            r.await(legitSource, LEGIT_GROUP, 20, Duration.ofSeconds(15));
            long rssBefore = IpcFuzzIT.rssKib(d.pid());

            // show routes every 250 ms during the flood: the slowest answer is what counts
            AtomicLong slowest = new AtomicLong();
            AtomicLong probes = new AtomicLong();
            List<String> slow = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            AtomicReference<String> probeFailure = new AtomicReference<>();
            prober = Thread.ofPlatform().daemon().name("show-prober").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    RawIpc.Outcome o = RawIpc.exchange(d.socket(), RawIpc.request('s', "routes"), Duration.ofSeconds(5));
                    if (!o.closed() || !o.text().contains("225.1.0.0/16")) {
                        probeFailure.compareAndSet(null, "show routes: closed=" + o.closed() + " after " + o.millis() + " ms");
                    }
                    slowest.accumulateAndGet(o.millis(), Math::max);
                    if (o.millis() > 300) {
                        slow.add(o.millis() + "ms@" + (System.nanoTime() - t0) / 1_000_000);
                    }
                    probes.incrementAndGet();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            Process flood = t.sender().host().start(new ProcessBuilder(Project.java(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                    "-cp", Project.home().resolve("target/test-classes") + ":" + Project.home().resolve("target/classes"),
                    FloodTool.class.getName(), "flood", "--count", String.valueOf(SOURCES), "--rate", "40000",
                    "--seconds", "15", "--min", String.valueOf(2 * LIMIT), "--max-seconds", "120",
                    "--source", "10.128.0.0", "--group", "225.1.0.0", "--ttl", "8")
                    .redirectErrorStream(true).redirectOutput(d.dir().resolve("flood.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
            // the legitimate flow's count must grow in every 5-second window of the flood
            List<Long> samples = new ArrayList<>();
            long last = legit(r, legitSource);
            while (flood.isAlive() && legit.isAlive() && samples.size() < 20) {
                flood.waitFor(5, TimeUnit.SECONDS);
                long now = legit(r, legitSource);
                samples.add(now);
                assertThat(now).as("legit flow grows during the flood; samples %s", samples).isGreaterThan(last);
                last = now;
            }
            // the flood ends after its work (twice the cache limit in distinct sources) or its
            // own hard limit; a busy machine only makes it slower
            assertThat(flood.waitFor(150, TimeUnit.SECONDS)).as("flood ends").isTrue();
            String floodOut = Files.readString(d.dir().resolve("flood.out"));
            prober.interrupt();
            prober.join(10_000);

            long rssAfter = IpcFuzzIT.rssKib(d.pid());
            long heapAfter = liveHeapKib(d.pid());
            List<ProcFiles.Mfc> cache = ProcFiles.cache(t.router(), false);
            long resolved = cache.stream().filter(m -> m.iif() >= 0).count();
            legit.join(40_000);
            assertThat(legit.isAlive()).as("legit sender done").isFalse();
            assertThat(legitFailure.get()).isNull();
            long legitSent = legitCount;
            // at most 1 % lost: the legit flow was never evicted or starved
            r.await(legitSource, LEGIT_GROUP, legitSent * 99 / 100, Duration.ofSeconds(5));
            long legitGot = legit(r, legitSource);
            String log = d.log();
            System.out.printf("FloodIT: flood %s; kernel entries %d (resolved %d); VmRSS %d -> %d MiB; show routes "
                            + "slowest %d ms over %d probes (slow: %s); legit %d received of %d sent; samples %s; heap after GC %d KiB%n",
                    floodOut.strip(), cache.size(), resolved, rssBefore / 1024, rssAfter / 1024, slowest.get(),
                    probes.get(), slow, legitGot, legitSent, samples, heapAfter);

            assertThat(floodOut).startsWith("sent ");
            Matcher distinct = Pattern.compile("distinct (\\d+)").matcher(floodOut);
            assertThat(distinct.find()).isTrue();
            assertThat(Long.parseLong(distinct.group(1))).as("distinct sources flooded").isGreaterThanOrEqualTo(2L * LIMIT);
            assertThat(IpcHardeningIT.count(log, FULL)).as("cache-full warnings in\n%s", log).isEqualTo(1);
            assertThat(resolved).as("resolved kernel entries").isBetween((long) LIMIT - 10, (long) LIMIT + 1);
            // what the learned entries really hold: the live heap right after a full GC
            assertThat(heapAfter).as("live heap KiB after GC").isLessThan(32 * 1024);
            // the process as a whole: the heap may grow to -Xmx128m under the churn of 1 MB
            // show replies, plus the JVM's own ~50 MiB; never beyond
            assertThat(rssAfter).as("daemon VmRSS KiB").isLessThan(192 * 1024);
            assertThat(probeFailure.get()).isNull();
            assertThat(probes.get()).isGreaterThan(10);
            // the flood never starves IPC: far below the 5 s an unanswered client waits (a busy
            // machine stretches every answer, so this bound is generous on purpose)
            assertThat(slowest.get()).as("slowest show routes during the flood, ms").isLessThan(4000);
            Map<Mcast.Flow, Mcast.Count> counts = r.counts();
            assertThat(counts).containsOnlyKeys(new Mcast.Flow(legitSource, LEGIT_GROUP));
            assertThat(d.isAlive()).isTrue();
            d.stopCleanly();
        }
    }

    /** Heap in use right after a full GC, from jcmd (GC.run, then GC.heap_info). */
    static long liveHeapKib(long pid) {
        String jcmd = Path.of(Project.javaHome(), "bin", "jcmd").toString();
        Exec.run(jcmd, String.valueOf(pid), "GC.run").ok();
        String info = Exec.run(jcmd, String.valueOf(pid), "GC.heap_info").ok().out();
        long used = 0;
        Matcher m = Pattern.compile("^ ?\\S+\\s+total \\d+K, used (\\d+)K", Pattern.MULTILINE).matcher(info);
        while (m.find()) {
            used += Long.parseLong(m.group(1));
        }
        if (used == 0) {
            throw new IllegalStateException("cannot parse heap info:\n" + info);
        }
        return used;
    }

    private static long legit(Mcast.Receiver r, String source) {
        Mcast.Count c = r.counts().get(new Mcast.Flow(source, LEGIT_GROUP));
        return c == null ? 0 : c.packets();
    }
}
