package org.smcroute.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smcroute.text.Words;

class LineParserTest {

    private static final Origin O = new Origin("f.conf", 7);

    private static LineParser.Parsed p(String text) {
        return LineParser.parse(O, text);
    }

    private static Directive d(String text) {
        LineParser.Parsed r = p(text);
        assertThat(r).isInstanceOf(LineParser.Apply.class);
        return ((LineParser.Apply) r).directive();
    }

    static Stream<Arguments> tokenCases() {
        return Stream.of(
                Arguments.of("", List.of()),
                Arguments.of("   \t ", List.of()),
                Arguments.of("a b", List.of("a", "b")),
                Arguments.of(" a\tb\u000bc\fd\re ", List.of("a", "b", "c", "d", "e")),
                Arguments.of("a #b c", List.of("a")),
                Arguments.of("#a b", List.of()),
                Arguments.of("a b#c d", List.of("a", "b#c", "d")),
                Arguments.of("eth0#x", List.of("eth0#x")),
                Arguments.of("a ##", List.of("a")),
                Arguments.of("a\u00a0b", List.of("a\u00a0b")),
                Arguments.of("x\r", List.of("x")));
    }

    @ParameterizedTest
    @MethodSource("tokenCases")
    void tokens(String text, List<String> expected) {
        assertThat(Words.split(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "# comment", "   # c d e", "\t#"})
    void blankLines(String text) {
        assertThat(p(text)).isInstanceOf(LineParser.Blank.class);
    }

    static Stream<Arguments> mrouteCases() {
        return Stream.of(
                Arguments.of("mroute from eth0 group 225.1.2.3", "eth0", null, "225.1.2.3", List.of()),
                Arguments.of("mroute from eth0 group 225.1.2.3 to", "eth0", null, "225.1.2.3", List.of()),
                Arguments.of("mroute from eth0 source 10.0.0.1 group 225.1.2.3 to eth1 eth2",
                        "eth0", "10.0.0.1", "225.1.2.3", List.of("eth1", "eth2")),
                Arguments.of("mroute to eth1 eth2", null, null, null, List.of("eth1", "eth2")),
                Arguments.of("mroute group 225.1.2.3 source 1.2.3.4 from eth0", "eth0", "1.2.3.4", "225.1.2.3", List.of()),
                Arguments.of("mroutefoo fromage eth0 groupie g tomato a b", "eth0", null, "g", List.of("a", "b")),
                Arguments.of("mroute from eth0 foo group g bar", "eth0", null, "g", List.of()),
                Arguments.of("mroute from eth0 from eth1 group g group h", "eth1", null, "h", List.of()),
                Arguments.of("mroute from to group g", "to", null, "g", List.of()),
                Arguments.of("mroute from group group g", "group", null, "g", List.of()),
                Arguments.of("mroute from eth0 group g to eth1 # eth2 eth3", "eth0", null, "g", List.of("eth1")),
                Arguments.of("mroute from eth0 group g to eth1 from x", "eth0", null, "g", List.of("eth1", "from", "x")),
                Arguments.of("mroute from eth0 to a b group g", "eth0", null, null, List.of("a", "b", "group", "g")),
                Arguments.of("mroute from eth0 to a to b group g", "eth0", null, null, List.of()),
                Arguments.of("mroute from eth0 group g to a#b c", "eth0", null, "g", List.of("a#b", "c")),
                Arguments.of("mroute from eth+ group ff2e::42/121 to +", "eth+", null, "ff2e::42/121", List.of("+")),
                Arguments.of("mroute source 1.2.3.4 source", null, null, null, List.of()),
                Arguments.of("mroute from eth0 group g enable disable mrdisc ttl-threshold 3", "eth0", null, "g", List.of()));
    }

    /** Keyword scanning; a null from/group means the line must fail with the proper warning. */
    @ParameterizedTest
    @MethodSource("mrouteCases")
    void mroute(String text, String from, String source, String group, List<String> to) {
        LineParser.Parsed r = p(text);
        if (from == null) {
            assertThat(r).isEqualTo(new LineParser.Failing("mroute: missing 'from' interface"));
        } else if (group == null) {
            assertThat(r).isEqualTo(new LineParser.Failing("mroute: missing 'group' address"));
        } else {
            String ttl = text.contains("ttl-threshold 3") ? "3" : null; // carried for its range check
            assertThat(r).isEqualTo(new LineParser.Apply(new Directive.Mroute(O, from, source, group, to, ttl)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            mgroup from eth0 group 225.1.2.3                     | eth0 | -        | 225.1.2.3
            ssmgroup from eth0 source 10.0.0.1 group 225.1.2.3   | eth0 | 10.0.0.1 | 225.1.2.3
            mgroupX from eth0 group g                            | eth0 | -        | g
            ssmgroupies fromage eth0 groupie g sourcery s        | eth0 | s        | g
            mgroup group g from eth0 to eth1 eth2                | eth0 | -        | g
            mgroup from eth0 group g source                      | eth0 | -        | g
            mgroup from eth0 group #g                            | eth0 | -        | -
            mgroup from                                           | -    | -        | -
            mgroup from eth0                                      | eth0 | -        | -
            mgroup                                                | -    | -        | -
            mgroup group g                                        | -    | -        | g
            mgroup from eth0 group g from                         | -    | -        | g
            """)
    void mgroup(String text, String from, String source, String group) {
        LineParser.Parsed r = p(text);
        if (from == null) {
            assertThat(r).isEqualTo(new LineParser.Failing("mgroup: missing 'from' interface"));
        } else if (group == null) {
            assertThat(r).isEqualTo(new LineParser.Failing("mgroup: missing 'group' address"));
        } else {
            assertThat(r).isEqualTo(new LineParser.Apply(new Directive.Mgroup(O, from, source, group)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            phyint eth0                                      | eth0   | -     | false | -
            phyint eth0 enable                               | eth0   | true  | false | -
            phyint eth0 disable                              | eth0   | false | false | -
            phyint eth0 enable disable                       | eth0   | false | false | -
            phyint eth0 disable enable                       | eth0   | true  | false | -
            phyint eth0 enabled mrdiscovery                  | eth0   | true  | true  | -
            phyint eth1 enable ttl-threshold 3 mrdisc        | eth1   | true  | true  | 3
            phyint eth1 ttl-threshold                        | eth1   | -     | false | -
            phyint eth1 ttl-threshold 3 ttl-threshold 9      | eth1   | -     | false | 9
            phyint eth1 ttl-threshold enable                 | eth1   | -     | false | enable
            phyint enable                                    | enable | -     | false | -
            phyint enable disable                            | enable | false | false | -
            phyint from enable                               | from   | true  | false | -
            phyint ttl-threshold 5                           | ttl-threshold | - | false | -
            phyint mrdisc mrdisc                             | mrdisc | -     | true  | -
            phyint eth+ to enable                            | eth+   | -     | false | -
            phyint eth0 from enable                          | eth0   | -     | false | -
            phyintX eth0 # enable                            | eth0   | -     | false | -
            phyint eth0 group x source y enable              | eth0   | true  | false | -
            """)
    void phyint(String text, String ifname, Boolean enable, boolean mrdisc, String ttl) {
        assertThat(d(text)).isEqualTo(new Directive.Phyint(O, ifname, enable, mrdisc, ttl));
    }

    @ParameterizedTest
    @ValueSource(strings = {"phyint", "phyint   ", "phyint # eth0", "phyintfoo"})
    void phyintMissingPattern(String text) {
        assertThat(p(text)).isEqualTo(new LineParser.Invalid("phyint missing interface pattern"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            include /etc/smcroute.d/*.conf        | /etc/smcroute.d/*.conf
            include a.conf b.conf                 | a.conf
            includes x                            | x
            include enable                        | enable
            include a#b                           | a#b
            """)
    void include(String text, String pattern) {
        assertThat(p(text)).isEqualTo(new LineParser.Include(pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"include", "include #x", "include\t"})
    void includeMissingPattern(String text) {
        assertThat(p(text)).isEqualTo(new LineParser.Invalid("include missing file pattern"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            foo bar          | foo
            Mroute from a    | Mroute
            MGROUP x         | MGROUP
            from eth0        | from
            route            | route
            mrout            | mrout
            phyin eth0       | phyin
            group g          | group
            smgroup x        | smgroup
            incl x           | incl
            mprox x          | mprox
            proxy x          | proxy
            eth0#x           | eth0#x
            """)
    void unknownCommand(String text, String token) {
        assertThat(p(text)).isEqualTo(new LineParser.Invalid("Unknown command " + token + ", skipping."));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32})
    void oifsUpToLimit(int n) {
        List<String> oifs = Collections.nCopies(n, "eth1");
        Directive r = d("mroute from eth0 group g to " + String.join(" ", oifs));
        assertThat(((Directive.Mroute) r).to()).hasSize(n);
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 100})
    void tooManyOifs(int n) {
        String line = "mroute from eth0 group g to " + String.join(" ", Collections.nCopies(n, "e"));
        assertThat(p(line)).isEqualTo(new LineParser.Invalid("mroute: too many outbound interfaces (max 32)"));
    }

    @Test
    void thirtyThreeTokensWithCommentAfterThirtyTwoIsFine() {
        String line = "mroute from eth0 group g to " + String.join(" ", Collections.nCopies(32, "e")) + " #e";
        assertThat(((Directive.Mroute) d(line)).to()).hasSize(32);
    }

    @Test
    void missingFromCheckedBeforeGroupAndOifCount() {
        String line = "mroute to " + String.join(" ", Collections.nCopies(40, "e"));
        assertThat(p(line)).isEqualTo(new LineParser.Failing("mroute: missing 'from' interface"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            mproxy from eth0 to eth1 eth2                      | eth0 | -            | eth1 eth2
            mproxy from eth0 group 239.0.0.0/8 to eth3         | eth0 | 239.0.0.0/8  | eth3
            mproxyfoo fromage eth+ groupie ff0e::/16 tomato e+ | eth+ | ff0e::/16    | e+
            mproxy group 239.1.1.1 from eth0 to eth1           | eth0 | 239.1.1.1    | eth1
            mproxy from eth0 to eth1 # eth2                    | eth0 | -            | eth1
            mproxy from eth0 source 1.2.3.4 to eth1            | eth0 | -            | eth1
            mproxy from eth0 robustness 3 to eth1              | eth0 | -            | eth1
            """)
    void mproxy(String text, String from, String group, String to) {
        assertThat(d(text)).isEqualTo(new Directive.Mproxy(O, from, group, List.of(to.split(" ")), null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mproxy to eth1                       | mproxy: missing 'from' interface
            mproxy from eth0                     | mproxy: missing 'to' interface
            mproxy from eth0 group g to          | mproxy: missing 'to' interface
            mproxy from eth0 to # eth1           | mproxy: missing 'to' interface
            mproxy                               | mproxy: missing 'from' interface
            """)
    void mproxyFails(String text, String warning) {
        assertThat(p(text)).isEqualTo(new LineParser.Failing(warning));
    }

    @Test
    void mproxyHasAsManyDownstreamsAsRoutesHaveOifs() {
        String line = "mproxy from eth0 to " + String.join(" ", Collections.nCopies(33, "e"));
        assertThat(p(line)).isEqualTo(new LineParser.Invalid("mproxy: too many downstream interfaces (max 32)"));
    }

    @Test
    void phyintQuerierKeywordsArePrefixMatchedAndTakeTheNextToken() {
        assertThat(d("phyint eth1 enable igmp-version 2 mld-version 1 query-interval 60 query-response-interval 50"
                + " robustness 3 last-member-query-interval 5")).isEqualTo(new Directive.Phyint(O, "eth1", true, false, null,
                new Directive.Querier("2", "1", "60", "50", "3", "5")));
        assertThat(d("phyint eth1 robustnessy 4 query-intervals 9 query-interval 10"))
                .isEqualTo(new Directive.Phyint(O, "eth1", null, false, null, new Directive.Querier(null, null, "10", null, "4", null)));
        // a keyword at the end of the line has an empty value, which its range check refuses
        assertThat(d("phyint eth1 robustness")).isEqualTo(new Directive.Phyint(O, "eth1", null, false, null,
                new Directive.Querier(null, null, null, null, "", null)));
        assertThat(((Directive.Phyint) d("phyint eth1 enable")).querier()).isSameAs(Directive.Querier.NONE);
    }

    @Test
    void routeAndGroupLinesReadQuerierKeywordsAsTheOriginalDoes() {
        // ignored words, not keywords: "robustness" does not swallow "group"
        assertThat(d("mroute from eth0 robustness group 225.1.2.3 to eth1"))
                .isEqualTo(new Directive.Mroute(O, "eth0", null, "225.1.2.3", List.of("eth1")));
        assertThat(d("mgroup from eth0 query-interval group 225.1.2.3"))
                .isEqualTo(new Directive.Mgroup(O, "eth0", null, "225.1.2.3"));
    }

    @Test
    void toListIsImmutableCopy() {
        Directive.Mroute m = (Directive.Mroute) d("mroute from a group g to x y");
        assertThat(m.to()).isUnmodifiable();
        assertThat(m.origin()).isEqualTo(O);
    }
}
