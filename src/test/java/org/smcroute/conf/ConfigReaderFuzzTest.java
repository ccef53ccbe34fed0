package org.smcroute.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.conf.ReaderFixture.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.kernel.Kernel;
import org.smcroute.log.Log;
import org.smcroute.text.Words;

/**
 * Seeded mutation fuzzing: mutated variants of a sample configuration must never make the
 * reader throw, and the handler must only ever see well-formed directives.
 */
class ConfigReaderFuzzTest {

    private static final String SAMPLE = """
            # sample
            phyint eth0 enable ttl-threshold 1
            phyint eth1 enable ttl-threshold 3 mrdisc
            phyint eth2 disable
            mgroup from eth0 group 225.1.2.3
            ssmgroup from eth0 source 10.0.0.10 group 225.3.2.1
            mgroup from eth0 group 225.9.0.0/30          # four ASM joins
            mroute from eth0 source 10.0.0.10 group 225.3.2.1 to eth1 eth2
            mroute from eth0 group 225.1.2.3 to eth1 # eth3
            mroute from eth+ group ff2e::42/121 to eth1
            include inc*.conf
            include self.conf
            """;

    private static final String[] WORDS = {
        "mroute", "mgroup", "ssmgroup", "phyint", "include", "from", "source", "group", "to", "enable",
        "disable", "mrdisc", "ttl-threshold", "#", "eth0", "*", "?", "[", "[!a]", "\\", "inc*.conf", "mproxy",
        "igmp-version", "mld-version", "query-interval", "query-response-interval", "robustness",
        "last-member-query-interval"
    };
    private static final byte[] BYTES = {' ', '\t', '\n', '\r', 0x0b, '\f', '#', 0, (byte) 0xff, (byte) 0xc3, 'a', '*'};

    @TempDir
    Path dir;

    @Test
    void mutatedConfigsNeverBreakTheReader() throws IOException {
        write(dir.resolve("inc1.conf"), "phyint eth9\ninclude inc2.conf\n");
        write(dir.resolve("inc2.conf"), "mroute from eth9 group 225.0.0.1 to eth0\ninclude smcroute.conf\n");
        write(dir.resolve("self.conf"), "include self.conf\nmgroup from x\n");
        Path main = write(dir.resolve("smcroute.conf"), SAMPLE);
        byte[] sample = SAMPLE.getBytes(StandardCharsets.UTF_8);
        int[] directives = {0};
        for (long seed = 1; seed <= 4; seed++) {
            RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            for (int v = 0; v < 5000; v++) {
                byte[] text = sample;
                int ops = 1 + rnd.nextInt(4);
                for (int k = 0; k < ops; k++) {
                    text = mutate(text, rnd);
                }
                for (int i = 0; i < text.length; i++) {
                    if (text[i] == '/') {
                        text[i] = '_';
                    }
                }
                ReaderFixture fx = new ReaderFixture();
                fx.log.setLevel(rnd.nextBoolean() ? Log.DEBUG : Log.WARNING);
                ReadResult.Read read;
                if (v % 50 == 0) {
                    Files.write(main, text);
                    read = (ReadResult.Read) fx.read(main);
                } else {
                    read = fx.reader.read(main.toString(), new ByteArrayInputStream(text), d -> {
                        fx.seen.add(d);
                        return true;
                    });
                }
                assertThat(read.warnings()).isEqualTo(fx.warnings().size()); // Parse error is the caller's
                fx.seen.forEach(ConfigReaderFuzzTest::checkWellFormed);
                directives[0] += fx.seen.size();
            }
        }
        assertThat(directives[0]).isGreaterThan(20_000);
    }

    private static byte[] mutate(byte[] in, RandomGenerator rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
        int at = in.length == 0 ? 0 : rnd.nextInt(in.length + 1);
        int span = in.length == 0 ? 0 : rnd.nextInt(Math.min(16, in.length - at) + 1);
        out.write(in, 0, at);
        switch (rnd.nextInt(7)) {
            case 0 -> { // replace one byte
                out.write(rnd.nextBoolean() ? BYTES[rnd.nextInt(BYTES.length)] : rnd.nextInt(256));
                at = Math.min(at + 1, in.length);
            }
            case 1 -> at += span; // delete a range
            case 2 -> out.writeBytes((" " + WORDS[rnd.nextInt(WORDS.length)] + " ").getBytes(StandardCharsets.UTF_8));
            case 3 -> out.write(in, at, span); // duplicate a range
            case 4 -> out.writeBytes("x".repeat(rnd.nextInt(6000)).getBytes(StandardCharsets.UTF_8));
            case 5 -> out.writeBytes((" to" + " e".repeat(rnd.nextInt(40))).getBytes(StandardCharsets.UTF_8));
            default -> {
                byte[] junk = new byte[rnd.nextInt(32)];
                rnd.nextBytes(junk);
                out.writeBytes(junk);
            }
        }
        out.write(in, at, in.length - at);
        return out.toByteArray();
    }

    private static void checkWellFormed(Directive d) {
        boolean ok = d.origin() != null && d.origin().file() != null && d.origin().line() > 0;
        ok &= switch (d) {
            case Directive.Phyint p -> token(p.ifname()) && optional(p.ttl()) && querier(p.querier());
            case Directive.Mgroup g -> token(g.from()) && token(g.group()) && optional(g.source());
            case Directive.Mroute m -> token(m.from()) && token(m.group()) && optional(m.source())
                    && m.to().size() <= Kernel.MAX_VIFS && m.to().stream().allMatch(ConfigReaderFuzzTest::token);
            case Directive.Mproxy m -> token(m.from()) && optional(m.group()) && !m.to().isEmpty()
                    && m.to().size() <= Kernel.MAX_VIFS && m.to().stream().allMatch(ConfigReaderFuzzTest::token);
        };
        if (!ok) {
            throw new AssertionError("malformed directive: " + d);
        }
    }

    /** Querier values: absent, a token, or empty for a keyword that ended the line. */
    private static boolean querier(Directive.Querier q) {
        for (String v : List.of(String.valueOf(q.igmpVersion()), String.valueOf(q.mldVersion()),
                String.valueOf(q.queryInterval()), String.valueOf(q.queryResponseInterval()),
                String.valueOf(q.robustness()), String.valueOf(q.lastMemberQueryInterval()))) {
            if (!v.isEmpty() && !token(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean optional(String s) {
        return s == null || token(s);
    }

    /** A token: non-empty, no whitespace, no NUL, not a comment, not longer than a line. */
    private static boolean token(String s) {
        return s != null && !s.isEmpty() && s.charAt(0) != '#' && s.length() <= LineSource.MAX_LINE
                && s.chars().noneMatch(c -> c == 0 || Words.isSpace((char) c));
    }
}
