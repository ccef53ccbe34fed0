package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;
import org.smcroute.text.Words;

/** Show rendering, JSON pass-through and batch mode. */
class ShowAndBatchTest extends ClientTestBase {

    @Test
    void noCommandSendsPlainShow() throws IOException {
        daemon("");
        run();
        run("-d");
        run("-j", "-d");
        run("-d", "show", "groups");
        assertThat(daemon.requests).containsExactly(new Request('s', List.of()), new Request('S', List.of()),
                new Request('J', List.of()), new Request('S', List.of("groups")));
        assertThat(stdout).isEmpty();
    }

    @Test
    void proxyViewIsPrAndPStaysPending() throws IOException {
        daemon("");
        assertThat(run("show", "pr")).isZero();
        assertThat(run("show", "proxy")).isZero();
        assertThat(run("-j", "show", "p")).isZero();
        assertThat(run("show", "pe")).isZero();
        // the word goes to the daemon as typed; it picks the proxy by "pr", pending by any other "p"
        assertThat(daemon.requests).containsExactly(new Request('s', List.of("pr")), new Request('s', List.of("proxy")),
                new Request('J', List.of("p")), new Request('s', List.of("pe")));
        assertThat(run("show", "px")).isEqualTo(1);
        assertThat(stderr).contains("Unknown view px, try groups, interfaces, pending, proxy or routes");
    }

    static final String ROUTES_WIRE = String.join("\n",
            "(*,G) Template Rules_",
            "ROUTE (S,G)                                IIF   OIFS=",
            "(*, 225.1.2.3)                             eth0  eth1",
            "(*, ff2e::42/121)                          eth0  eth1",
            "(S,G) Rules_",
            "ROUTE (S,G)                                IIF   OIFS=",
            "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
            "Kernel MFC Table_",
            "ROUTE (S,G)                                IIF   OIFS=",
            "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
            "(10.0.0.1, 225.1.2.3)                      eth0  eth1",
            "(10.0.0.1, 225.7.7.7)                      eth0 ") + "\n";

    static final String ROUTES_PLAIN = String.join("\n",
            "_".repeat(79),
            "(*,G) Template Rules",
            "=".repeat(79),
            "ROUTE (S,G)                                IIF   OIFS",
            "=".repeat(79),
            "(*, 225.1.2.3)                             eth0  eth1",
            "(*, ff2e::42/121)                          eth0  eth1",
            "_".repeat(79),
            "(S,G) Rules",
            "=".repeat(79),
            "ROUTE (S,G)                                IIF   OIFS",
            "=".repeat(79),
            "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
            "_".repeat(79),
            "Kernel MFC Table",
            "=".repeat(79),
            "ROUTE (S,G)                                IIF   OIFS",
            "=".repeat(79),
            "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
            "(10.0.0.1, 225.1.2.3)                      eth0  eth1",
            "(10.0.0.1, 225.7.7.7)                      eth0 ") + "\n\n";

    @Test
    void plainRenderingIsByteExact() throws IOException {
        daemon(ROUTES_WIRE);
        assertThat(run("-p", "show")).isZero();
        assertThat(stdout).isEqualTo(ROUTES_PLAIN);
        assertThat(stderr).isEmpty();
    }

    @Test
    void optionsMayFollowCommandWords() throws IOException {
        daemon(ROUTES_WIRE);
        assertThat(run("show", "routes", "-p")).isZero();
        assertThat(stdout).isEqualTo(ROUTES_PLAIN);
        assertThat(daemon.requests).containsExactly(new Request('s', List.of("routes")));
    }

    @Test
    void noHeadings() throws IOException {
        daemon(ROUTES_WIRE);
        assertThat(run("-t", "-p", "s")).isZero();
        assertThat(stdout).isEqualTo(String.join("\n",
                "(*, 225.1.2.3)                             eth0  eth1",
                "(*, ff2e::42/121)                          eth0  eth1",
                "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
                "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2",
                "(10.0.0.1, 225.1.2.3)                      eth0  eth1",
                "(10.0.0.1, 225.7.7.7)                      eth0 ") + "\n\n");
    }

    @Test
    void ansiHeadings() {
        byte[] reply = "Group Memberships Table_\nGROUP (S,G)=\n(*, 225.1.2.3)  eth0\n".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(new Renderer(Renderer.Style.ANSI, 79).render(reply), StandardCharsets.UTF_8))
                .isEqualTo("\033[4m" + " ".repeat(79) + "\033[0m\nGroup Memberships Table\n"
                + "\033[7mGROUP (S,G)" + " ".repeat(79 - 11) + "\033[0m\n"
                + "(*, 225.1.2.3)  eth0\n\n");
    }

    @Test
    void noEscapeCodesIntoAPipe() throws IOException {
        // the test's stdout is not a terminal: headings are plain rules, as with -p
        daemon("Group Memberships Table_\nGROUP (S,G)=\n(*, 225.1.2.3)  eth0\n");
        assertThat(run("show", "g")).isZero();
        String plain = stdout;
        assertThat(plain).doesNotContain("\033");
        assertThat(run("-p", "show", "g")).isZero();
        assertThat(stdout).isEqualTo(plain);
    }

    @Test
    void longHeadingsWidenPlainRules() throws IOException {
        String h = "X".repeat(90);
        daemon(h + "=\n");
        run("-p");
        assertThat(stdout).isEqualTo("=".repeat(90) + "\n" + h + "\n" + "=".repeat(90) + "\n\n");
    }

    @Test
    void dataLinesEndingInBlankStayData() throws IOException {
        daemon("(*, 225.1.2.3)  eth0  br_ \nPENDING ROUTES AND GROUPS\n");
        run("-t");
        assertThat(stdout).isEqualTo("(*, 225.1.2.3)  eth0  br_ \nPENDING ROUTES AND GROUPS\n\n");
    }

    @Test
    void emptyShowPrintsNothing() throws IOException {
        daemon("");
        assertThat(run("show")).isZero();
        assertThat(stdout).isEmpty();
    }

    @Test
    void jsonIsWrittenUnchanged() throws IOException {
        String doc = "{\"routes\":{\"asm\":[" + "{\"x\":\"=_\"},".repeat(300) + "{}],\"ssm\":[],\"kernel\":[]}}\n";
        daemon(doc);
        assertThat(run("-j", "show")).isZero();
        assertThat(stdout).isEqualTo(doc);
    }

    @Test
    void batchSendsOneConnectionPerLine() throws IOException {
        daemon = new FakeDaemon(sock, r -> FakeDaemon.reply(r.cmd() == 'l' ? "No group (*,225.1.2.3) on eth0 to leave" : ""));
        String input = "join eth0 225.1.2.3\n"
                + "  add\teth0  10.0.0.1 225.1.2.3 eth1 eth2   # static route\n"
                + "\n"
                + "# a comment\n"
                + "   #another\n"
                + "rem  eth0 10.0.0.1 225.1.2.3\n"
                + "leave eth0 225.1.2.3\n"
                + "bogus\n"
                + "help\n"
                + "join eth0\n";
        assertThat(batch(input, "-b", "ignored", "words")).isEqualTo(3);
        assertThat(daemon.requests).containsExactly(
                new Request('j', List.of("eth0", "225.1.2.3"), Wire.WANTS_STATUS),
                new Request('a', List.of("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2"), Wire.WANTS_STATUS),
                new Request('r', List.of("eth0", "10.0.0.1", "225.1.2.3"), Wire.WANTS_STATUS),
                new Request('l', List.of("eth0", "225.1.2.3"), Wire.WANTS_STATUS));
        assertThat(daemon.raw).hasSize(4);
        assertThat(stderr).isEqualTo("smcroutectl: line 7: leave eth0 225.1.2.3: No group (*,225.1.2.3) on eth0 to leave\n"
                + "smcroutectl: line 8: bogus: Unknown command bogus\n"
                + "smcroutectl: line 10: join eth0: Not enough arguments to command join\n");
        assertThat(stdout).startsWith("Usage:");
    }

    @Test
    void batchRepliesInFlightAreReportedInLineOrder() throws IOException {
        // remove lines fail on the daemon, unknown words in the client: with several lines in
        // flight (ctl.Pipeline) every message must still come in line order
        daemon = new FakeDaemon(sock, r -> FakeDaemon.reply(r.cmd() == 'r' ? "No such route " + r.args().get(2) : ""));
        StringBuilder in = new StringBuilder();
        StringBuilder want = new StringBuilder();
        List<Request> sent = new ArrayList<>();
        for (int i = 0; i < 3 * Pipeline.WINDOW; i++) {
            String g = "225.1.0." + i;
            in.append("add eth0 10.0.0.1 ").append(g).append(" eth1\n");
            int line = in.toString().split("\n").length;
            sent.add(new Request('a', List.of("eth0", "10.0.0.1", g, "eth1"), Wire.WANTS_STATUS));
            if (i % 5 == 2) {
                in.append("rem eth0 10.0.0.1 ").append(g).append('\n');
                sent.add(new Request('r', List.of("eth0", "10.0.0.1", g), Wire.WANTS_STATUS));
                want.append("smcroutectl: line ").append(line + 1).append(": rem eth0 10.0.0.1 ").append(g)
                        .append(": No such route ").append(g).append('\n');
            }
            if (i % 17 == 9) {
                in.append("nope").append(i).append('\n');
                want.append("smcroutectl: line ").append(in.toString().split("\n").length).append(": nope").append(i)
                        .append(": Unknown command nope").append(i).append('\n');
            }
        }
        int failures = want.toString().split("\n").length;
        assertThat(batch(in.toString(), "-b")).isEqualTo(failures);
        assertThat(stderr).isEqualTo(want.toString());
        assertThat(daemon.requests).containsExactlyElementsOf(sent);
    }

    @Test
    void batchShowUsesCommandLineOptions() throws IOException {
        daemon(ROUTES_WIRE);
        assertThat(batch("show\n", "-b", "-p")).isZero();
        assertThat(stdout).isEqualTo(ROUTES_PLAIN);
    }

    @Test
    void batchExitIsCappedAt255() {
        assertThat(batch("nope\n".repeat(300), "-b")).isEqualTo(255);
        assertThat(batch("nope\n".repeat(254), "-b")).isEqualTo(254);
    }

    @Test
    void batchLineOverLimitsFailsAlone() throws IOException {
        daemon("");
        String many = "add eth0 225.1.2.3" + " o".repeat(40) + "\n";
        assertThat(batch(many + "kill\n", "-b")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: line 1: " + many.strip() + ": Failed constructing IPC command: Argument list too long\n");
        assertThat(daemon.requests).containsExactly(new Request('k', List.of(), Wire.WANTS_STATUS));
    }

    @Test
    void batchSplitting() {
        assertThat(Words.split("  a \t b  ")).containsExactly("a", "b");
        assertThat(Words.split("a #b c")).containsExactly("a");
        assertThat(Words.split("a b#c")).containsExactly("a", "b#c");
        assertThat(Words.split("#x")).isEmpty();
        assertThat(Words.split("")).isEmpty();
    }

    @Test
    void cursorReplyParsing() {
        byte[] ok = "\033[24;132R".getBytes(StandardCharsets.US_ASCII);
        assertThat(Terminal.parseCursorReply(ok, ok.length)).isEqualTo(132);
        assertThat(Terminal.parseCursorReply(ok, ok.length - 1)).isEqualTo(-1);
        byte[] bad = "\033[24R".getBytes(StandardCharsets.US_ASCII);
        assertThat(Terminal.parseCursorReply(bad, bad.length)).isEqualTo(-1);
    }

    @Test
    void stdoutBytesOfJsonAreExact() throws IOException {
        byte[] doc = {'{', '"', 'n', '"', ':', '"', (byte) 0xc3, (byte) 0xa9, '"', '}', '\n'};
        daemon = new FakeDaemon(sock, r -> Arrays.copyOf(doc, doc.length + 1));
        run("-j");
        assertThat(stdoutBytes).isEqualTo(doc);
    }
}
