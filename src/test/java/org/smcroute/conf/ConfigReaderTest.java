package org.smcroute.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.smcroute.conf.ReaderFixture.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smcroute.log.Log;
import org.smcroute.text.Bytes;

class ConfigReaderTest {

    @TempDir
    Path dir;

    ReaderFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ReaderFixture();
    }

    private Path conf(String text) throws IOException {
        return write(dir.resolve("smcroute.conf"), text);
    }

    @Test
    void missingFile() {
        assertThat(fx.read(dir.resolve("nope.conf"))).isEqualTo(new ReadResult.Missing());
        assertThat(fx.messages).isEmpty();
    }

    @Test
    void missingDirectoryPartIsMissing() {
        assertThat(fx.read(dir.resolve("no/such.conf"))).isEqualTo(new ReadResult.Missing());
    }

    @Test
    void directoryIsUnreadable() {
        assertThat(fx.read(dir)).isEqualTo(new ReadResult.Unreadable("Is a directory"));
    }

    /** Java reports ENOTDIR as NoSuchFileException; "does not exist" is close enough. */
    @Test
    void fileAsDirectoryPartIsMissing() throws IOException {
        Path f = conf("");
        assertThat(fx.read(f.resolve("x"))).isEqualTo(new ReadResult.Missing());
    }

    @Test
    void permissionDenied() throws IOException {
        assumeThat(System.getProperty("user.name")).isNotEqualTo("root");
        Path f = conf("phyint eth0\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Unreadable("Permission denied"));
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(p.waitFor()).isZero();
        assertThat(fx.read(fifo)).isEqualTo(new ReadResult.Unreadable("Not a regular file"));
    }

    @Test
    void devNullIsAnEmptyConfig() {
        assertThat(fx.read(Path.of("/dev/null"))).isEqualTo(new ReadResult.Read(true, 0));
    }

    @Test
    void endlessDeviceStopsAtByteBudget() {
        assertThat(fx.read(Path.of("/dev/zero"))).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly("Failed reading /dev/zero: File too large");
    }

    @Test
    void emptyFileIsSuccess() throws IOException {
        assertThat(fx.read(conf(""))).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(fx.read(conf("")).ok()).isTrue();
    }

    @Test
    void directivesInOrderWithOrigins() throws IOException {
        Path f = conf("""
                # comment
                phyint eth0 enable

                mgroup from eth0 group 225.1.2.3
                mroute from eth0 group 225.1.2.3 to eth1 eth2""");
        String n = f.toString();
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(fx.seen).containsExactly(
                new Directive.Phyint(new Origin(n, 2), "eth0", true, false, null),
                new Directive.Mgroup(new Origin(n, 4), "eth0", null, "225.1.2.3"),
                new Directive.Mroute(new Origin(n, 5), "eth0", null, "225.1.2.3", List.of("eth1", "eth2")));
        assertThat(fx.debug()).containsExactly(
                n + " line 1: # comment",
                n + " line 2: phyint eth0 enable",
                n + " line 4: mgroup from eth0 group 225.1.2.3",
                n + " line 5: mroute from eth0 group 225.1.2.3 to eth1 eth2");
        assertThat(fx.warnings()).isEmpty();
    }

    @Test
    void fileNameAsGivenRelative() throws IOException {
        Path f = conf("foo\n");
        Path rel = Path.of("").toAbsolutePath().relativize(f);
        fx.read(rel);
        assertThat(fx.warnings()).containsExactly(rel + " line 1: Unknown command foo, skipping.");
    }

    @Test
    void crlfAndBlankLines() throws IOException {
        Path f = conf("phyint eth0\r\n\r\n \t\nphyint eth1\r");
        fx.read(f);
        assertThat(fx.seen).extracting(d -> d.origin().line()).containsExactly(1, 4);
        assertThat(fx.debug()).containsExactly(f + " line 1: phyint eth0", f + " line 4: phyint eth1");
    }

    @Test
    void unknownCommandWarns() throws IOException {
        Path f = conf("\n\nfrobnicate eth0\nphyint eth0\n");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly(f + " line 3: Unknown command frobnicate, skipping.");
        assertThat(fx.seen).hasSize(1);
    }

    @Test
    void failingLinesMakeReadUnsuccessfulButOthersApply() throws IOException {
        Path f = conf("""
                mroute group 225.1.2.3
                mroute from eth0
                mgroup group 225.1.2.3
                mgroup from eth0
                phyint eth0
                """);
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(false, 4));
        assertThat(fx.warnings()).containsExactly(
                f + " line 1: mroute: missing 'from' interface",
                f + " line 2: mroute: missing 'group' address",
                f + " line 3: mgroup: missing 'from' interface",
                f + " line 4: mgroup: missing 'group' address");
        assertThat(fx.seen).hasSize(1);
        // "Parse error in FILE" is the caller's, once everything is applied (Reloader, Verify)
        assertThat(fx.messages).noneMatch(m -> m.text().startsWith("Parse error"));
    }

    @Test
    void handlerFalseFailsTheRead() throws IOException {
        Path f = conf("mgroup from eth0 group 225.1.2.3\nmgroup from eth1 group 225.1.2.3\n");
        fx.verdict = d -> !((Directive.Mgroup) d).from().equals("eth0");
        ReadResult r = fx.read(f);
        assertThat(r).isEqualTo(new ReadResult.Read(false, 0));
        assertThat(r.ok()).isFalse();
        assertThat(fx.seen).hasSize(2);
        assertThat(fx.warnings()).isEmpty(); // the caller logs Parse error
    }

    @Test
    void invalidLinesDoNotFail() throws IOException {
        Path f = conf("phyint\ninclude\nbogus\nmroute from a group g to " + "x ".repeat(33) + "\n");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 4));
        assertThat(fx.warnings()).containsExactly(
                f + " line 1: phyint missing interface pattern",
                f + " line 2: include missing file pattern",
                f + " line 3: Unknown command bogus, skipping.",
                f + " line 4: mroute: too many outbound interfaces (max 32)");
        assertThat(fx.seen).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {4094, 4095})
    void longestLineAccepted(int len) throws IOException {
        String line = "phyint " + "x".repeat(len - 7);
        Path f = conf(line + "\nphyint eth1\n");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(((Directive.Phyint) fx.seen.getFirst()).ifname()).hasSize(len - 7);
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 4097, 9000, 100_000})
    void overLongLineSkippedWholeNotSplit(int len) throws IOException {
        String line = "phyint " + "x".repeat(len - 7 - 12) + " phyint eth9";
        Path f = conf("phyint eth0\n" + line + "\nphyint eth1");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly(f + " line 2: line too long, max 4095 characters, skipping");
        assertThat(fx.seen).extracting(d -> ((Directive.Phyint) d).ifname()).containsExactly("eth0", "eth1");
        assertThat(fx.seen.getLast().origin().line()).isEqualTo(3);
    }

    @Test
    void overLongLastLineWithoutNewline() throws IOException {
        Path f = conf("phyint eth0\n" + "y".repeat(5000));
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly(f + " line 2: line too long, max 4095 characters, skipping");
    }

    @Test
    void lineLengthCountsBytes() throws IOException {
        String line = "phyint " + "\u00e9".repeat(2045);
        Path f = conf(line + "\n");
        fx.read(f);
        assertThat(fx.warnings()).containsExactly(f + " line 1: line too long, max 4095 characters, skipping");
    }

    @Test
    void utf8DecodedAndOtherBytesKept() throws IOException {
        Path f = dir.resolve("smcroute.conf");
        byte[] text = "phyint \u00e9th0\nphyint X\n".getBytes(StandardCharsets.UTF_8);
        text[text.length - 2] = (byte) 0xe9;
        Files.write(f, text);
        fx.read(f);
        assertThat(fx.seen).extracting(d -> ((Directive.Phyint) d).ifname()).containsExactly("\u00e9th0", "\udce9");
        // both encode back to the bytes that were written, for messages and the kernel
        assertThat(Bytes.encode("\u00e9th0")).isEqualTo("\u00e9th0".getBytes(StandardCharsets.UTF_8));
        assertThat(Bytes.encode("\udce9")).containsExactly((byte) 0xe9);
    }

    @Test
    void nulEndsTheLineText() throws IOException {
        Path f = conf("phyint eth0\u0000 disable\nphyint\u0000eth1\n");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.seen).containsExactly(new Directive.Phyint(new Origin(f.toString(), 1), "eth0", null, false, null));
        assertThat(fx.warnings()).containsExactly(f + " line 2: phyint missing interface pattern");
    }

    @Test
    void binaryGarbageNeverThrows() throws IOException {
        byte[] junk = new byte[200_000];
        new Random(42).nextBytes(junk);
        Path f = dir.resolve("junk.conf");
        Files.write(f, junk);
        ReadResult r = fx.read(f);
        assertThat(r).isInstanceOf(ReadResult.Read.class);
        assertThat(((ReadResult.Read) r).warnings()).isEqualTo(fx.warnings().size() - (r.ok() ? 0 : 1));
    }

    @Test
    void debugSkippedWhenLevelIsLower() throws IOException {
        fx.log.setLevel(Log.INFO);
        fx.read(conf("phyint eth0\nbad\n"));
        assertThat(fx.debug()).isEmpty();
        assertThat(fx.warnings()).hasSize(1);
    }

    @Test
    void warningsCountedEvenWhenFilteredOut() throws IOException {
        fx.log.setLevel(Log.ERR);
        assertThat(fx.read(conf("bad\nworse\n"))).isEqualTo(new ReadResult.Read(true, 2));
        assertThat(fx.messages).isEmpty();
    }

    @Test
    void readerIsReusable() throws IOException {
        Path f = conf("mroute from eth0\n");
        assertThat(fx.read(f)).isEqualTo(new ReadResult.Read(false, 1));
        assertThat(fx.read(conf("phyint eth0\n"))).isEqualTo(new ReadResult.Read(true, 0));
    }
}
