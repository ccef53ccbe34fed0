package org.smcroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class GetoptTest {

    private static final String OPTS = "c:d:D:e:f:F:hI:i:l:m:nNp:P:st:u:v";

    /** Runs getopt to the end; returns "x", "x=ARG", "?MSG" and "LONG0=ARG" tokens plus operands. */
    private static List<String> run(String optstring, String... args) {
        Getopt g = new Getopt("prog", optstring, args, "range-limit:", "range-other:", "flag");
        List<String> out = new ArrayList<>();
        int c;
        while ((c = g.next()) != Getopt.END) {
            if (c == '?') {
                out.add("?" + g.error());
            } else if (c >= Getopt.LONG) {
                out.add("LONG" + (c - Getopt.LONG) + "=" + g.optarg());
            } else {
                out.add(g.optarg() == null ? String.valueOf((char) c) : (char) c + "=" + g.optarg());
            }
        }
        out.add("operands" + g.operands());
        return out;
    }

    @Test
    void groupedFlags() {
        assertThat(run(OPTS, "-ns", "-v")).containsExactly("n", "s", "v", "operands[]");
    }

    @Test
    void attachedAndSeparateArguments() {
        assertThat(run(OPTS, "-c10", "-c", "20", "-nc30", "-nc", "40"))
                .containsExactly("c=10", "c=20", "n", "c=30", "n", "c=40", "operands[]");
    }

    @Test
    void argumentMayLookLikeAnOption() {
        assertThat(run(OPTS, "-f", "-n", "-u", "--")).containsExactly("f=-n", "u=--", "operands[]");
    }

    @Test
    void permutationCollectsOperandsInOrder() {
        assertThat(run(OPTS, "a", "-n", "b", "-c", "5", "c"))
                .containsExactly("n", "c=5", "operands[a, b, c]");
    }

    @Test
    void doubleDashEndsOptions() {
        assertThat(run(OPTS, "-n", "--", "-s", "x")).containsExactly("n", "operands[-s, x]");
    }

    @Test
    void singleDashIsAnOperand() {
        assertThat(run(OPTS, "-", "-n")).containsExactly("n", "operands[-]");
    }

    @Test
    void posixModeStopsAtFirstOperand() {
        assertThat(run("+" + OPTS, "-n", "x", "-s")).containsExactly("n", "operands[x, -s]");
    }

    @Test
    void invalidOption() {
        assertThat(run(OPTS, "-x", "-nq")).containsExactly(
                "?prog: invalid option -- 'x'", "n", "?prog: invalid option -- 'q'", "operands[]");
    }

    @Test
    void colonIsNeverAnOption() {
        assertThat(run(OPTS, "-:")).containsExactly("?prog: invalid option -- ':'", "operands[]");
    }

    @Test
    void missingArgument() {
        assertThat(run(OPTS, "-n", "-c")).containsExactly(
                "n", "?prog: option requires an argument -- 'c'", "operands[]");
    }

    @Test
    void longOptionForms() {
        assertThat(run(OPTS, "--range-limit", "10", "--range-limit=20", "--range-l=30", "--range-other", "x"))
                .containsExactly("LONG0=10", "LONG0=20", "LONG0=30", "LONG1=x", "operands[]");
    }

    @Test
    void longOptionErrors() {
        assertThat(run(OPTS, "--nope", "--range", "--range-limit")).containsExactly(
                "?prog: unrecognized option '--nope'",
                "?prog: option '--range' is ambiguous; possibilities: '--range-limit' '--range-other'",
                "?prog: option '--range-limit' requires an argument",
                "operands[]");
    }

    @Test
    void emptyLongArgumentAfterEquals() {
        assertThat(run(OPTS, "--range-limit=")).containsExactly("LONG0=", "operands[]");
    }

    @Test
    void flagLongOptionsTakeNoArgument() {
        assertThat(run(OPTS, "--flag", "x", "--fl", "--flag=1")).containsExactly(
                "LONG2=null", "LONG2=null", "?prog: option '--flag' doesn't allow an argument", "operands[x]");
    }
}
