package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.ConfigReaderAccess;
import org.smcroute.conf.ReadResult;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Link;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;

/**
 * Seeded mutation fuzzing of the whole configuration path, parser and applier together, against
 * the fake kernel: mutated files are applied to a live {@link State} (initial loads, and reloads
 * through the real {@link Reloader} on an event loop), with interfaces vanishing and returning in
 * between. Nothing may throw, and the kernel state must stay consistent: at most 32 VIFs/MIFs per
 * family, and no kernel entry forwarding to a VIF/MIF that is not registered. 4 seeds x 25,000
 * files; any seed that ever finds something stays in the list as a regression case.
 */
class ConfigFuzzTest {

    private static final int PER_SEED = 25_000;

    private static final String SAMPLE = """
            # sample
            phyint eth0 enable ttl-threshold 1
            phyint eth1 enable ttl-threshold 3 mrdisc
            phyint eth2 disable
            phyint eth+ enable
            mgroup from eth0 group 225.1.2.3
            ssmgroup from eth0 source 10.0.0.10 group 225.3.2.1
            mgroup from eth0 group 225.9.0.0/30
            mgroup from eth1 source fd00::1 group ff2e::1:0/124
            mroute from eth0 source 10.0.0.10 group 225.3.2.1 to eth1 eth2
            mroute from eth0 group 225.1.2.3 to eth1 # eth3
            mroute from eth0 group 225.1.0.0/16 to eth1 eth2 eth3
            mroute from eth1 source 10.0.0.0/24 group 225.4.4.4 to eth0
            mroute from eth+ group ff2e::42/121 to eth1
            mroute from eth3 source fd00::2 group ff0e::1:3 to eth0 eth1 eth2
            mroute from wg0 group 225.6.6.6 to eth0
            mgroup from wg0 group 225.6.6.6
            """;

    private static final String[] WORDS = {
        "mroute", "mgroup", "ssmgroup", "phyint", "from", "source", "group", "to", "enable", "disable",
        "mrdisc", "ttl-threshold", "#", "eth0", "eth1", "eth3", "wg0", "lo", "eth+", "*", "225.1.2.3",
        "225.0.0.0/4", "0.0.0.0/0", "::/0", "ff00::/8", "10.0.0.1", "/", "/33", "255", "0", "-1", "99999999999"
    };
    private static final byte[] BYTES = {' ', '\t', '\n', '\r', 0x0b, '\f', '#', 0, (byte) 0xff, (byte) 0xc3, 'a', '*', '/', '.', ':'};

    @TempDir
    Path dir;

    /** Regression seeds: each runs 25,000 mutated files. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void mutatedConfigsNeverBreakParserOrApplier(long seed) throws Exception {
        long t0 = System.nanoTime();
        Rig.pushes = 0;
        Rig.joins = 0;
        int directives = fuzz(seed, PER_SEED);
        // the mutants really reach the kernel, not just the parser
        System.out.println("ConfigFuzzTest seed " + seed + ": " + Rig.pushes + " kernel pushes, " + Rig.joins + " joins");
        assertThat(Rig.pushes).as("kernel entries pushed").isGreaterThan(PER_SEED);
        assertThat(Rig.joins).as("groups joined").isGreaterThan(PER_SEED / 10);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(directives).isGreaterThan(PER_SEED);
        System.out.println("ConfigFuzzTest seed " + seed + ": " + PER_SEED + " files in " + ms + " ms");
    }

    @Test
    void theSampleItselfAppliesCleanly() throws Exception {
        Rig rig = new Rig(dir);
        boolean ok = rig.apply(SAMPLE.getBytes(StandardCharsets.UTF_8)).success();
        assertThat(ok).isTrue();
        assertThat(rig.kernel.mfc(Family.INET, "10.0.0.10", "225.3.2.1")).isNotNull();
        rig.check("sample");
    }

    /** A State on a fake kernel with eth0..eth3 and lo, plus a Reloader on a real event loop. */
    private static final class Rig {
        final FakeKernel kernel = new FakeKernel().link("lo", 1).link("eth0", 2).link("eth1", 3).link("eth2", 4).link("eth3", 5);
        final List<String> errors = new ArrayList<>();
        final Log log = new Log(Log.DEBUG, (l, m) -> {
            if (m.contains("Internal error") || m.contains("Exception")) {
                errors.add(m);
            }
        });
        final State state = new State(kernel, log, false, 64, false);
        final Hotplug hotplug = state.hotplug();
        final Path file;
        final EventLoop loop;
        final Reloader reloader;
        static long pushes;
        static long joins;

        Rig(Path dir) throws Exception {
            this.file = dir.resolve("smcroute.conf");
            state.ifaces().refresh(kernel.links());
            state.routing().open(Family.INET, 0);
            state.routing().open(Family.INET6, 0);
            loop = new EventLoop(log);
            reloader = new Reloader(state, loop, log, file.toString(), ok -> loop.stop());
        }

        ReadResult.Read apply(byte[] text) {
            return ConfigReaderAccess.read(new ConfigReader(log), file.toString(), new ByteArrayInputStream(text), state.applier());
        }

        void reload(byte[] text) throws Exception {
            Files.write(file, text);
            reloader.start(null);
            loop.run();
        }

        /** Kernel consistency after every step. */
        void check(String what) {
            assertThat(errors).as(what).isEmpty();
            for (Family f : Family.values()) {
                Map<Integer, Integer> vifs = kernel.vifs(f);
                assertThat(vifs.size()).as(what).isLessThanOrEqualTo(32);
                for (var e : kernel.mfc(f).entrySet()) {
                    int oifs = e.getValue().oifMask();
                    for (int slot = 0; slot < 32; slot++) {
                        if ((oifs & (1 << slot)) != 0 && !vifs.containsKey(slot)) {
                            throw new AssertionError(what + ": " + f + " entry " + e.getKey() + " forwards to unregistered slot "
                                    + slot + "; vifs " + vifs);
                        }
                    }
                }
            }
            for (String c : kernel.calls) {
                pushes += c.startsWith("addMfc") ? 1 : 0;
                joins += c.startsWith("join") ? 1 : 0;
            }
            kernel.clearCalls();
        }

        void close() {
            loop.close();
        }
    }

    private int fuzz(long seed, int files) throws Exception {
        RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        byte[] sample = SAMPLE.getBytes(StandardCharsets.UTF_8);
        int directives = 0;
        Rig rig = new Rig(dir);
        try {
            for (int v = 0; v < files; v++) {
                if (v % 500 == 0) {
                    rig.close();
                    rig = new Rig(dir); // keep the state small: start over now and then
                }
                byte[] text = sample;
                int ops = 1 + rnd.nextInt(4);
                for (int k = 0; k < ops; k++) {
                    text = mutate(text, rnd);
                }
                for (int i = 0; i < text.length; i++) {
                    if (text[i] == 'i' && i + 7 <= text.length && new String(text, i, 7, StandardCharsets.ISO_8859_1).equals("include")) {
                        text[i] = 'I'; // includes are fuzzed by the reader's own test; no stray file reads here
                    }
                }
                String what = "seed " + seed + " file " + v;
                try {
                    if (v % 20 == 0) {
                        rig.reload(text);
                    } else {
                        rig.apply(text);
                    }
                    if (v % 50 == 25) {
                        churnLinks(rig, rnd);
                    }
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(what + " failed on:\n" + new String(text, StandardCharsets.UTF_8), e);
                }
                rig.check(what);
                directives += text.length > 0 ? 1 : 0;
                directives += count(text, (byte) '\n');
            }
        } finally {
            rig.close();
        }
        return directives;
    }

    /** An interface vanishes, returns with a new ifindex, or a new one appears. */
    private static void churnLinks(Rig rig, RandomGenerator rnd) {
        String name = "eth" + rnd.nextInt(4);
        List<Link> links = rig.kernel.links;
        boolean present = links.removeIf(l -> l.name().equals(name));
        if (!present || rnd.nextBoolean()) {
            links.add(new Link(name, 10 + rnd.nextInt(1000), Link.IFF_UP | Link.IFF_MULTICAST, null));
        }
        if (rnd.nextInt(4) == 0) {
            links.removeIf(l -> l.name().equals("wg0"));
            if (rnd.nextBoolean()) {
                links.add(new Link("wg0", 2000 + rnd.nextInt(100), Link.IFF_UP | Link.IFF_MULTICAST, null));
            }
        }
        rig.hotplug.refresh();
    }

    private static int count(byte[] b, byte c) {
        int n = 0;
        for (byte x : b) {
            n += x == c ? 1 : 0;
        }
        return n;
    }

    private static byte[] mutate(byte[] in, RandomGenerator rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
        int at = in.length == 0 ? 0 : rnd.nextInt(in.length + 1);
        int span = in.length == 0 ? 0 : rnd.nextInt(Math.min(24, in.length - at) + 1);
        out.write(in, 0, at);
        switch (rnd.nextInt(9)) {
            case 0 -> { // replace one byte
                out.write(rnd.nextBoolean() ? BYTES[rnd.nextInt(BYTES.length)] : rnd.nextInt(256));
                at = Math.min(at + 1, in.length);
            }
            case 1 -> at += span; // delete a range
            case 2, 3 -> out.writeBytes((" " + WORDS[rnd.nextInt(WORDS.length)] + " ").getBytes(StandardCharsets.UTF_8));
            case 4 -> out.write(in, at, span); // duplicate a range
            case 5 -> out.writeBytes("x".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 5000 : 20)).getBytes(StandardCharsets.UTF_8));
            case 6 -> out.writeBytes((" to" + " eth1".repeat(rnd.nextInt(40))).getBytes(StandardCharsets.UTF_8));
            case 7 -> { // flip a bit
                if (at < in.length) {
                    out.write(in[at] ^ (1 << rnd.nextInt(8)));
                    at++;
                }
            }
            default -> {
                byte[] junk = new byte[rnd.nextInt(32)];
                rnd.nextBytes(junk);
                out.writeBytes(junk);
            }
        }
        out.write(in, at, in.length - at);
        return out.toByteArray();
    }
}
