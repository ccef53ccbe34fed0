package org.smcroute.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.smcroute.conf.ReaderFixture.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncludeTest {

    @TempDir
    Path dir;

    ReaderFixture fx;
    String main;

    @BeforeEach
    void setUp() {
        fx = new ReaderFixture();
        main = dir.resolve("smcroute.conf").toString();
    }

    private Path file(String rel, String text) throws IOException {
        return write(dir.resolve(rel), text);
    }

    private List<String> names() {
        return fx.seen.stream().map(d -> ((Directive.Phyint) d).ifname()).toList();
    }

    private List<String> origins() {
        return fx.seen.stream().map(d -> d.origin().prefix()).toList();
    }

    @Test
    void matchesParsedInPlaceInByteOrderWithOwnLineNumbers() throws IOException {
        file("d/b.conf", "\nphyint b\n");
        file("d/10.conf", "phyint ten\n");
        file("d/a.conf", "phyint a1\nphyint a2\n");
        file("d/ignored.txt", "phyint no\n");
        file("d/.hidden.conf", "phyint hidden\n");
        Path m = file("smcroute.conf", "phyint first\ninclude d/*.conf\nphyint last\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(names()).containsExactly("first", "ten", "a1", "a2", "b", "last");
        String d = dir + "/d/";
        assertThat(origins()).containsExactly(main + " line 1: ", d + "10.conf line 1: ", d + "a.conf line 1: ",
                d + "a.conf line 2: ", d + "b.conf line 2: ", main + " line 3: ");
        assertThat(fx.debug()).contains(d + "b.conf line 2: phyint b", main + " line 2: include d/*.conf");
    }

    @Test
    void relativeToIncludingFileNotWorkingDirectory() throws IOException {
        file("d/one.conf", "include two.conf\n");
        file("d/two.conf", "phyint two\n");
        file("two.conf", "phyint wrong\n");
        Path m = file("smcroute.conf", "include d/one.conf\n");
        fx.read(m);
        assertThat(names()).containsExactly("two");
        assertThat(origins()).containsExactly(dir + "/d/two.conf line 1: ");
    }

    @Test
    void absolutePatternAndExtraTokensIgnored() throws IOException {
        Path other = Files.createDirectories(dir.resolve("abs"));
        file("abs/x.conf", "phyint x\n");
        Path m = file("smcroute.conf", "include " + other + "/?.conf phyint y # z\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(names()).containsExactly("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nothing.conf", "none/*.conf", "*.nomatch", "[x]y"})
    void noMatchIsSilent(String pattern) throws IOException {
        Path m = file("smcroute.conf", "include " + pattern + "\nphyint eth0\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(fx.warnings()).isEmpty();
        assertThat(names()).containsExactly("eth0");
    }

    @Test
    void unreadableMatchWarnsAndIncluderCarriesOn() throws IOException {
        Files.createDirectories(dir.resolve("sub.conf"));
        Files.createSymbolicLink(dir.resolve("dangle.conf"), dir.resolve("gone"));
        file("z.conf", "phyint z\n");
        Path m = file("smcroute.conf", "include sub.conf\ninclude dangle.conf\ninclude z.conf\nphyint after\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 2));
        assertThat(fx.warnings()).containsExactly(
                main + " line 1: Failed reading " + dir + "/sub.conf: Is a directory",
                main + " line 2: Failed reading " + dir + "/dangle.conf: No such file or directory");
        assertThat(names()).containsExactly("z", "after");
    }

    @Test
    void permissionDeniedInclude() throws IOException {
        assumeThat(System.getProperty("user.name")).isNotEqualTo("root");
        Path s = file("secret.conf", "phyint s\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("-w-------"));
        fx.read(file("smcroute.conf", "include secret.conf\n"));
        assertThat(fx.warnings()).containsExactly(main + " line 1: Failed reading " + s + ": Permission denied");
    }

    @Test
    void selfIncludeIsRecursive() throws IOException {
        Path m = file("smcroute.conf", "phyint a\ninclude smcroute.conf\nphyint b\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly(main + " line 2: include " + main + ": recursive include, skipping");
        assertThat(names()).containsExactly("a", "b");
    }

    @Test
    void mutualRecursionStopsAtChain() throws IOException {
        file("a.conf", "phyint a\ninclude b.conf\n");
        file("b.conf", "phyint b\ninclude a.conf\n");
        Path m = file("smcroute.conf", "include a.conf\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(names()).containsExactly("a", "b");
        assertThat(fx.warnings()).containsExactly(
                dir + "/b.conf line 2: include " + dir + "/a.conf: recursive include, skipping");
    }

    @Test
    void recursionDetectedThroughSymlinks() throws IOException {
        Files.createSymbolicLink(dir.resolve("loop"), dir);
        Path m = file("smcroute.conf", "include loop/smcroute.conf\n");
        fx.read(m);
        assertThat(fx.warnings()).containsExactly(
                main + " line 1: include " + dir + "/loop/smcroute.conf: recursive include, skipping");
    }

    @Test
    void wildcardIncludingItsOwnDirectory() throws IOException {
        file("a.conf", "phyint a\ninclude *.conf\n");
        file("b.conf", "phyint b\n");
        Path m = file("smcroute.conf", "include *.conf\n");
        assertThat(fx.read(m)).isInstanceOf(ReadResult.Read.class);
        // main -> a -> (a: recursive, b, smcroute: recursive); main -> b; main -> smcroute: recursive
        assertThat(names()).containsExactly("a", "b", "b");
        assertThat(fx.warnings()).hasSize(3).allMatch(w -> w.endsWith(": recursive include, skipping"));
    }

    @Test
    void diamondIsNotRecursion() throws IOException {
        file("a.conf", "include c.conf\n");
        file("b.conf", "include c.conf\n");
        file("c.conf", "phyint c\n");
        Path m = file("smcroute.conf", "include a.conf\ninclude b.conf\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 0));
        assertThat(names()).containsExactly("c", "c");
    }

    /** main includes f1, f1 includes f2, ...: f8 is the deepest allowed, f9 is refused. */
    @Test
    void nestingDepthLimit() throws IOException {
        for (int i = 1; i <= 9; i++) {
            file("f" + i + ".conf", "phyint f" + i + "\ninclude f" + (i + 1) + ".conf\n");
        }
        Path m = file("smcroute.conf", "include f1.conf\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(names()).containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
        assertThat(fx.warnings()).containsExactly(
                dir + "/f8.conf line 2: include f9.conf: nesting too deep (max 8), skipping");
    }

    @Test
    void failingLineInIncludeFailsWholeRead() throws IOException {
        file("inc.conf", "mroute group 225.1.1.1\n");
        Path m = file("smcroute.conf", "include inc.conf\nphyint eth0\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(false, 1));
        assertThat(fx.warnings()).containsExactly(
                dir + "/inc.conf line 1: mroute: missing 'from' interface");
        assertThat(names()).containsExactly("eth0");
    }

    @Test
    void handlerFailureInIncludeFailsWholeRead() throws IOException {
        file("inc.conf", "phyint bad\n");
        fx.verdict = d -> false;
        assertThat(fx.read(file("smcroute.conf", "include inc.conf\n"))).isEqualTo(new ReadResult.Read(false, 0));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void exponentialFanOutIsBounded() throws IOException {
        for (int i = 0; i < 12; i++) {
            file("x" + i + ".conf", "include *.conf\ninclude *.conf\n");
        }
        Path m = file("smcroute.conf", "include *.conf\n");
        ReadResult r = fx.read(m);
        assertThat(r.ok()).isTrue();
        assertThat(fx.warnings()).anyMatch(w -> w.endsWith("too many includes (max 4096), skipping"));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void manyIncludeLinesAreBounded() throws IOException {
        Path m = file("smcroute.conf", "include nomatch*\n".repeat(5000));
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 5000 - ConfigReader.MAX_INCLUDES));
        assertThat(fx.warnings().getFirst()).isEqualTo(
                main + " line 4097: include nomatch*: too many includes (max 4096), skipping");
    }

    @Test
    void fifoIncludeRefused() throws Exception {
        Path fifo = dir.resolve("p.conf");
        assumeThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        fx.read(file("smcroute.conf", "include p.conf\n"));
        assertThat(fx.warnings()).containsExactly(main + " line 1: Failed reading " + fifo + ": Not a regular file");
    }
    @Test
    void endlessIncludeHitsByteBudgetAndIncluderCarriesOn() throws IOException {
        Path m = file("smcroute.conf", "include /dev/zero\nphyint after\n");
        assertThat(fx.read(m)).isEqualTo(new ReadResult.Read(true, 1));
        assertThat(fx.warnings()).containsExactly(main + " line 1: Failed reading /dev/zero: File too large");
        assertThat(names()).containsExactly("after");
    }

    @Test
    void hardLinkToFileInChainIsRecursive() throws IOException {
        Path a = file("a.conf", "include link.conf\n");
        Files.createLink(dir.resolve("link.conf"), a);
        fx.read(file("smcroute.conf", "include a.conf\n"));
        assertThat(fx.warnings()).containsExactly(
                dir + "/a.conf line 1: include " + dir + "/link.conf: recursive include, skipping");
    }
}
