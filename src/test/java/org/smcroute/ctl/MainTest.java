package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smcroute.cli.Version;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;

/** Commands, help, options and connection errors of smcroutectl. */
class MainTest extends ClientTestBase {

    @Test
    void joinSendsTheSpecBytesAndSucceedsSilently() throws IOException {
        daemon("");
        assertThat(run("join", "eth0", "225.1.2.3")).isZero();
        // SPEC §14.2 bytes, but for byte 12: the padding carries WANTS_STATUS (the original ignores it)
        assertThat(daemon.raw.get(0)).isEqualTo(HexFormat.ofDelimiter(" ").parseHex(
                "20 00 00 00 00 00 00 00 6a 00 02 00 01 00 00 00 65 74 68 30 00 32 32 35 2e 31 2e 32 2e 33 00 00"));
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
                new Request('F', List.of(), Wire.WANTS_STATUS),
                new Request('k', List.of(), Wire.WANTS_STATUS),
                new Request('H', List.of(), Wire.WANTS_STATUS),
                new Request('H', List.of(), Wire.WANTS_STATUS),
                new Request('a', List.of("eth0", "10.0.0.1", "225.1.2.3", "eth1"), Wire.WANTS_STATUS),
                new Request('r', List.of("eth0", "225.1.2.3"), Wire.WANTS_STATUS),
                new Request('r', List.of("eth0", "225.1.2.3", "eth1"), Wire.WANTS_STATUS),
                new Request('l', List.of("eth0", "10.0.0.1", "225.1.2.3"), Wire.WANTS_STATUS));
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
    void abbreviationTable() {
        String[][] cases = {
            {"", "help"}, {"h", "help"}, {"v", "version"}, {"f", "flush"}, {"k", "kill"}, {"r", "reload"},
            {"re", "reload"}, {"rel", "reload"}, {"res", "restart"}, {"rem", "remove"}, {"s", "show"},
            {"showfoo", "show"}, {"a", "add"}, {"d", "del"}, {"j", "join"}, {"l", "leave"},
            {"helpme", "help"}, {"remove", "remove"},
            // this implementation's words come last: none of the above changed meaning
            {"m", "metrics"}, {"me", "metrics"}, {"mo", "monitor"}, {"do", "doctor"}, {"de", "del"},
            {"metricsx", "metrics"},
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
        assertThat(daemon.requests).containsExactly(new Request('r', List.of("eth0", "225.1.2.3"), Wire.WANTS_STATUS),
                new Request('H', List.of(), Wire.WANTS_STATUS), new Request('r', List.of("eth0", "225.1.2.3"), Wire.WANTS_STATUS));
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
                .contains("  show [groups|interfaces|pending|proxy|routes]\n").contains("+");
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
        assertThat(daemon.requests).containsExactly(new Request('j', List.of("eth0", "-x"), Wire.WANTS_STATUS));
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
        System.setProperty("smcroute.ctl.retry-ms", "100"); // 30 tries: 3 s, ample on a busy machine
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
}
