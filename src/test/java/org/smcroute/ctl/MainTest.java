package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.cli.Version;
import org.smcroute.ipc.Request;

class MainTest {

    @TempDir
    Path dir;
    private Path sock;
    private FakeDaemon daemon;
    private String stdout;
    private String stderr;
    private byte[] stdoutBytes;

    @BeforeEach
    void setUp() {
        System.setProperty("smcroute.runstatedir", dir.toString());
        sock = dir.resolve("smcroute.sock");
        Connection.retryDelayMs = 5;
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("smcroute.runstatedir");
        Connection.retryDelayMs = 100;
        if (daemon != null) {
            daemon.close();
        }
    }

    private void daemon(String reply) throws IOException {
        daemon = new FakeDaemon(sock, r -> FakeDaemon.reply(reply));
    }

    private int batch(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        stdoutBytes = out.toByteArray();
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        return rc;
    }

    private int run(String... args) {
        return batch("", args);
    }

    @Test
    void joinSendsTheSpecBytesAndSucceedsSilently() throws IOException {
        daemon("");
        assertThat(run("join", "eth0", "225.1.2.3")).isZero();
        assertThat(daemon.raw.get(0)).isEqualTo(HexFormat.ofDelimiter(" ").parseHex(
                "20 00 00 00 00 00 00 00 6a 00 02 00 00 00 00 00 65 74 68 30 00 32 32 35 2e 31 2e 32 2e 33 00 00"));
        assertThat(stdout).isEmpty();
        assertThat(stderr).isEmpty();
    }

    @Test
    void commandCodes() throws IOException {
        daemon("");
        run("flush");
        run("kill");
        run("reload");
        run("restart");
        run("add", "eth0", "10.0.0.1", "225.1.2.3", "eth1");
        run("remove", "eth0", "225.1.2.3");
        run("del", "eth0", "225.1.2.3", "eth1");
        run("leave", "eth0", "10.0.0.1", "225.1.2.3");
        assertThat(daemon.requests).containsExactly(
                new Request('F', List.of()),
                new Request('k', List.of()),
                new Request('H', List.of()),
                new Request('H', List.of()),
                new Request('a', List.of("eth0", "10.0.0.1", "225.1.2.3", "eth1")),
                new Request('r', List.of("eth0", "225.1.2.3")),
                new Request('r', List.of("eth0", "225.1.2.3", "eth1")),
                new Request('l', List.of("eth0", "10.0.0.1", "225.1.2.3")));
    }

    @Test
    void errorReplyPrintsFirstLine() throws IOException {
        daemon("Already joined (*,225.1.2.3) on eth0\nsecond line\n");
        assertThat(run("join", "eth0", "225.1.2.3")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Already joined (*,225.1.2.3) on eth0\n");
        assertThat(stdout).isEmpty();
    }

    @Test
    void emptyReplyIsAnError() throws IOException {
        daemon = new FakeDaemon(sock, r -> new byte[0]);
        assertThat(run("kill")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Daemon closed connection without reply\n");
    }

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
    void plainRenderingMatchesSpecExample() throws IOException {
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
    void ansiHeadings() throws IOException {
        daemon("Group Memberships Table_\nGROUP (S,G)=\n(*, 225.1.2.3)  eth0\n");
        assertThat(run("show", "g")).isZero();
        assertThat(stdout).isEqualTo("\033[4m" + " ".repeat(79) + "\033[0m\nGroup Memberships Table\n"
                + "\033[7mGROUP (S,G)" + " ".repeat(79 - 11) + "\033[0m\n"
                + "(*, 225.1.2.3)  eth0\n\n");
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
    void abbreviationTable() {
        String[][] cases = {
            {"", "help"}, {"h", "help"}, {"v", "version"}, {"f", "flush"}, {"k", "kill"}, {"r", "reload"},
            {"re", "reload"}, {"rel", "reload"}, {"res", "restart"}, {"rem", "remove"}, {"s", "show"},
            {"showfoo", "show"}, {"a", "add"}, {"d", "del"}, {"j", "join"}, {"l", "leave"},
            {"helpme", "help"}, {"remove", "remove"},
        };
        for (String[] c : cases) {
            assertThat(Commands.NAMES[Commands.lookup(c[0])]).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(Commands.lookup("x")).isEqualTo(-1);
        assertThat(Commands.lookup("shaw")).isEqualTo(-1);
    }

    @Test
    void abbreviationsEndToEnd() throws IOException {
        daemon("");
        run("rem", "eth0", "225.1.2.3");
        run("res");
        run("d", "eth0", "225.1.2.3");
        assertThat(daemon.requests).containsExactly(new Request('r', List.of("eth0", "225.1.2.3")),
                new Request('H', List.of()), new Request('r', List.of("eth0", "225.1.2.3")));
    }

    @Test
    void unknownCommand() {
        assertThat(run("bogus", "x")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Unknown command bogus\n");
        assertThat(stdout).isEmpty();
    }

    @Test
    void notEnoughArguments() {
        assertThat(run("add", "eth0", "225.1.2.3")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Not enough arguments to command add\n");
        assertThat(stdout).isEqualTo(Commands.helpBlock(Commands.ADD)).startsWith("Help:\n");
        assertThat(run("j", "eth0")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Not enough arguments to command join\n");
    }

    @Test
    void helpVariants() {
        assertThat(run("-h")).isZero();
        assertThat(stdout).startsWith("Usage:\n  smcroutectl ").contains(sock.toString())
                .contains("  show [groups|interfaces|pending|routes]\n").contains("+");
        assertThat(run("help")).isZero();
        String usage = stdout;
        assertThat(run("")).isZero();
        assertThat(stdout).isEqualTo(usage);
        assertThat(run("-h", "add")).isZero();
        assertThat(stdout).isEqualTo(Commands.helpBlock(Commands.ADD));
        assertThat(stdout).contains("Example:\n  smcroutectl add ");
        assertThat(run("help", "del")).isZero();
        assertThat(stdout).isEqualTo(Commands.helpBlock(Commands.REMOVE));
        assertThat(run("help", "restart")).isZero();
        assertThat(stdout).isEqualTo(Commands.helpBlock(Commands.RELOAD));
        assertThat(run("help", "zz")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Unknown command zz\n");
        assertThat(run("-i", "other", "-h")).isZero();
        assertThat(stdout).contains(dir.resolve("other.sock").toString());
    }

    @Test
    void helpTextsFitIn79Columns() {
        String all = Commands.usage("/run/smcroute.sock");
        for (int i = 0; i < Commands.NAMES.length; i++) {
            all += Commands.helpBlock(i);
        }
        for (String line : all.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(79);
        }
    }

    @Test
    void version() {
        assertThat(run("-v")).isZero();
        assertThat(stdout).isEqualTo(Version.text());
        assertThat(run("ver")).isZero();
        assertThat(stdout).isEqualTo(Version.text());
    }

    @Test
    void unknownOption() {
        assertThat(run("-x")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: invalid option -- 'x'\n");
        assertThat(stdout).startsWith("Usage:");
        assertThat(run("-u")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: option requires an argument -- 'u'\n");
    }

    @Test
    void doubleDashEndsOptions() throws IOException {
        daemon("");
        assertThat(run("--", "join", "eth0", "-x")).isZero();
        assertThat(daemon.requests).containsExactly(new Request('j', List.of("eth0", "-x")));
    }

    @Test
    void socketFromIdentAndU() throws IOException {
        Path other = dir.resolve("other.sock");
        daemon = new FakeDaemon(other, r -> FakeDaemon.reply(""));
        assertThat(run("-i", "other", "kill")).isZero();
        assertThat(run("-I", "other", "kill")).isZero();
        assertThat(run("-i", "nope", "-u", other.toString(), "kill")).isZero();
        assertThat(daemon.requests).hasSize(3);
    }

    @Test
    void missingSocketDefaultPath() {
        assertThat(run("kill")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Cannot find IPC socket " + sock + "\n"
                + "smcroutectl: Daemon may be running with another -i NAME\n");
    }

    @Test
    void missingSocketWithU() {
        Path p = dir.resolve("x.sock");
        assertThat(run("-u", p.toString(), "kill")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Cannot find IPC socket " + p + "\n"
                + "smcroutectl: Failed connecting to daemon: No such file or directory\n");
    }

    @Test
    void otherConnectError() {
        String p = dir.resolve("y".repeat(120)).toString();
        assertThat(run("-u", p, "kill")).isEqualTo(1);
        assertThat(stderr).startsWith("smcroutectl: Failed connecting to daemon: ").doesNotContain("Cannot find");
    }

    private void refusedSocket(Path p) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        s.close();
        assertThat(Files.exists(p)).isTrue();
    }

    @Test
    void refusedRetriesThenGivesUp() throws IOException {
        refusedSocket(sock);
        long t0 = System.nanoTime();
        assertThat(run("kill")).isEqualTo(1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stderr).isEqualTo("smcroutectl: Daemon not running\n");
        assertThat(ms).isGreaterThanOrEqualTo(29 * 5);
    }

    @Test
    void refusedRetriesUntilDaemonAppears() throws Exception {
        refusedSocket(sock);
        Connection.retryDelayMs = 20;
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(150);
                Files.delete(sock);
                daemon = new FakeDaemon(sock, r -> FakeDaemon.reply(""));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        starter.start();
        assertThat(run("kill")).isZero();
        starter.join();
        assertThat(stderr).isEmpty();
    }

    @Test
    void requestTooLong() {
        assertThat(run("add", "eth0", "225.1.2.3", "x".repeat(1100))).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Failed constructing IPC command: Message too long\n");
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
                new Request('j', List.of("eth0", "225.1.2.3")),
                new Request('a', List.of("eth0", "10.0.0.1", "225.1.2.3", "eth1", "eth2")),
                new Request('r', List.of("eth0", "10.0.0.1", "225.1.2.3")),
                new Request('l', List.of("eth0", "225.1.2.3")));
        assertThat(daemon.raw).hasSize(4);
        assertThat(stderr).isEqualTo("smcroutectl: No group (*,225.1.2.3) on eth0 to leave\n"
                + "smcroutectl: Unknown command bogus\n"
                + "smcroutectl: Not enough arguments to command join\n");
        assertThat(stdout).startsWith("Usage:");
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
        assertThat(stderr).isEqualTo("smcroutectl: Failed constructing IPC command: Argument list too long\n");
        assertThat(daemon.requests).containsExactly(new Request('k', List.of()));
    }

    @Test
    void batchSplitting() {
        assertThat(Main.split("  a \t b  ")).containsExactly("a", "b");
        assertThat(Main.split("a #b c")).containsExactly("a");
        assertThat(Main.split("a b#c")).containsExactly("a", "b#c");
        assertThat(Main.split("#x")).isEmpty();
        assertThat(Main.split("")).isEmpty();
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
        daemon = new FakeDaemon(sock, r -> java.util.Arrays.copyOf(doc, doc.length + 1));
        run("-j");
        assertThat(stdoutBytes).isEqualTo(doc);
    }
}
