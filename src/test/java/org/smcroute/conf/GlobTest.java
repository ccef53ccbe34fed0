package org.smcroute.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *            | a.conf     | true
            *.conf       | a.conf     | true
            *.conf       | a.confx    | false
            *.conf       | .conf      | false
            *            | .hidden    | false
            .*           | .hidden    | true
            \\.h*        | .hidden    | true
            ?            | .          | false
            [.]x         | .x         | false
            ?.conf       | a.conf     | true
            ?.conf       | ab.conf    | false
            a*b*c        | aXXbYYc    | true
            a*b*c        | aXXbYY     | false
            a*b*c        | abcbc      | true
            **           | x          | true
            *a           | aaaa       | true
            a            | a          | true
            a            | A          | false
            [abc]        | b          | true
            [abc]        | d          | false
            [a-c]x       | bx         | true
            [a-c]x       | dx         | false
            [!a-c]x      | dx         | true
            [!a-c]x      | bx         | false
            [^a-c]x      | dx         | true
            []]          | ]          | true
            []a]         | a          | true
            [!]]         | ]          | false
            [!]]         | x          | true
            [a-]         | -          | true
            [-a]         | -          | true
            [[:digit:]]* | 10-x.conf  | true
            [[:digit:]]* | x10.conf   | false
            [[:alpha:][:digit:]] | 7  | true
            [[:upper:]]  | a          | false
            [[:bogus:]]  | a          | false
            [            | [          | true
            [a           | [a         | true
            a[           | a[         | true
            \\*          | *          | true
            \\*          | x          | false
            [\\]]        | ]          | true
            {a,b}        | a          | false
            {a,b}        | {a,b}      | true
            ab\\         | ab\\       | true
            *[0-9].conf  | 10-a9.conf | true
            """)
    void fnmatch(String pattern, String name, boolean expected) {
        assertThat(Glob.fnmatch(pattern, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            abc      | false
            a*       | true
            a?       | true
            a[b]     | true
            a[b      | false
            a\\*     | false
            """)
    void magic(String seg, boolean expected) {
        assertThat(Glob.hasMagic(seg)).isEqualTo(expected);
    }

    private void touch(String... names) throws IOException {
        for (String n : names) {
            Path p = dir.resolve(n);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "");
        }
    }

    @Test
    void sortsByteOrderAndSkipsDotFiles() throws IOException {
        touch("b.conf", "a.conf", "B.conf", "10.conf", "9.conf", ".x.conf", "c.txt", "_.conf");
        assertThat(Glob.expand("*.conf", dir.toString()))
                .containsExactly(p("10.conf"), p("9.conf"), p("B.conf"), p("_.conf"), p("a.conf"), p("b.conf"));
    }

    @Test
    void relativeAgainstBaseAbsoluteIgnoresBase() throws IOException {
        touch("sub/x.conf");
        assertThat(Glob.expand("sub/x.conf", dir.toString())).containsExactly(p("sub/x.conf"));
        assertThat(Glob.expand(dir + "/sub/*.conf", "/nonexistent")).containsExactly(p("sub/x.conf"));
    }

    @Test
    void literalMissingIsNoMatch() {
        assertThat(Glob.expand("nothing.conf", dir.toString())).isEmpty();
        assertThat(Glob.expand("nothing/*.conf", dir.toString())).isEmpty();
        assertThat(Glob.expand("*.conf", dir.resolve("missing").toString())).isEmpty();
    }

    @Test
    void wildcardsInDirectoryParts() throws IOException {
        touch("d1/a.conf", "d2/b.conf", "d2/c.txt", "f/x.conf");
        Files.writeString(dir.resolve("dfile"), "");
        assertThat(Glob.expand("d*/*.conf", dir.toString())).containsExactly(p("d1/a.conf"), p("d2/b.conf"));
    }

    @Test
    void doubleSlashesCollapse() throws IOException {
        touch("sub/x.conf");
        assertThat(Glob.expand("sub//*.conf", dir.toString())).containsExactly(p("sub/x.conf"));
    }

    @Test
    void escapedLiteral() throws IOException {
        touch("a*b");
        assertThat(Glob.expand("a\\*b", dir.toString())).containsExactly(p("a*b"));
    }

    @Test
    void danglingSymlinkIsAMatch() throws IOException {
        Files.createSymbolicLink(dir.resolve("dangle.conf"), dir.resolve("gone"));
        assertThat(Glob.expand("*.conf", dir.toString())).containsExactly(p("dangle.conf"));
    }

    @Test
    void emptyBaseStaysRelative() {
        assertThat(Glob.expand("pom.xm?", "")).isEqualTo(List.of("pom.xml"));
    }

    private String p(String rel) {
        return dir + "/" + rel;
    }
}
