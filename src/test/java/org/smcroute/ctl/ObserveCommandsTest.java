package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smcroute.ipc.Request;

/** {@code metrics}, {@code monitor} and {@code doctor}: requests sent, replies copied or rendered, exit status. */
class ObserveCommandsTest extends ClientTestBase {

    private static final String METRICS = "# HELP smcroute_routes Routes.\n# TYPE smcroute_routes gauge\nsmcroute_routes 1\n";

    /** Stops the fake daemon so that another can take its socket. */
    private void restart() throws IOException {
        daemon.close();
        Files.deleteIfExists(sock);
    }

    @Test
    void metricsAreCopiedWithoutTheNul() throws IOException {
        daemon(METRICS);
        assertThat(run("metrics")).isZero();
        assertThat(stdout).isEqualTo(METRICS);
        assertThat(stderr).isEmpty();
        assertThat(daemon.requests).containsExactly(new Request('M', List.of()));
    }

    @Test
    void bigMetricsArriveWhole() throws IOException {
        StringBuilder sb = new StringBuilder("# HELP x X.\n# TYPE x counter\n");
        for (int i = 0; i < 50_000; i++) {
            sb.append("x{i=\"").append(i).append("\"} ").append(i).append('\n');
        }
        daemon(sb.toString());
        assertThat(run("m")).isZero();
        assertThat(stdout).isEqualTo(sb.toString());
    }

    @Test
    void aCutReplyOrAnErrorTextFails() throws IOException {
        daemon = new FakeDaemon(sock, r -> METRICS.getBytes(StandardCharsets.UTF_8));
        assertThat(run("metrics")).isEqualTo(1);
        assertThat(stdout).isEqualTo(METRICS);
        assertThat(stderr).isEqualTo("smcroutectl: Daemon closed connection before the end of the metrics\n");

        restart();
        daemon("Unknown or malformed IPC message 'M' from client.");
        assertThat(run("metrics")).isEqualTo(1);
        assertThat(stdout).isEmpty();
        assertThat(stderr).isEqualTo("smcroutectl: Unknown or malformed IPC message 'M' from client.\n");

        restart();
        daemon = new FakeDaemon(sock, r -> new byte[0]);
        assertThat(run("metrics")).isEqualTo(1);
        assertThat(stderr).isEqualTo("smcroutectl: Daemon closed connection without reply\n");
    }

    @Test
    void monitorCopiesEventsUntilTheDaemonEndsTheStream() throws IOException {
        String events = "{\"event\":\"reload-start\",\"time\":\"2026-01-01T00:00:00.000Z\"}\n"
                + "{\"event\":\"reload-done\",\"time\":\"2026-01-01T00:00:00.010Z\",\"ok\":true}\n";
        daemon = new FakeDaemon(sock, r -> events.getBytes(StandardCharsets.UTF_8));
        assertThat(run("monitor")).isEqualTo(1);
        assertThat(stdout).isEqualTo(events);
        assertThat(stderr).isEqualTo("smcroutectl: Event stream ended by the daemon\n");
        assertThat(daemon.requests).containsExactly(new Request('E', List.of()));

        restart();
        daemon("Too many event stream clients, at most 16.");
        assertThat(run("mo")).isEqualTo(1);
        assertThat(stdout).isEmpty();
        assertThat(stderr).isEqualTo("smcroutectl: Too many event stream clients, at most 16.\n");
    }

    private static final String FINDINGS = "ok\trp-filter\tno inbound interface has a strict reverse-path filter\t\n"
            + "warn\tttl\t(10.0.0.2, 225.1.2.3) got 9 packets\traise the TTL\n";

    @Test
    void doctorRendersTextAndJson() throws IOException {
        daemon(FINDINGS);
        assertThat(run("doctor")).isZero();
        assertThat(stdout).isEqualTo("ok: [rp-filter] no inbound interface has a strict reverse-path filter\n"
                + "warn: [ttl] (10.0.0.2, 225.1.2.3) got 9 packets; raise the TTL\n");
        assertThat(run("-j", "do")).isZero();
        assertThat(stdout).isEqualTo("{\"findings\":[{\"level\":\"ok\",\"code\":\"rp-filter\",\"message\":"
                + "\"no inbound interface has a strict reverse-path filter\",\"fix\":null},{\"level\":\"warn\",\"code\":\"ttl\","
                + "\"message\":\"(10.0.0.2, 225.1.2.3) got 9 packets\",\"fix\":\"raise the TTL\"}]}\n");
        assertThat(daemon.requests).containsExactly(new Request('D', List.of()), new Request('D', List.of()));
    }

    @Test
    void doctorExitsOneOnAnError() throws IOException {
        daemon(FINDINGS + "error\tmc-forwarding\tthe table is owned by another process\tstop it\n");
        assertThat(run("doctor")).isEqualTo(1);
        assertThat(stdout).endsWith("error: [mc-forwarding] the table is owned by another process; stop it\n");
        assertThat(run("-j", "doctor")).isEqualTo(1);
        assertThat(stdout).contains("\"level\":\"error\"");
    }

    @Test
    void doctorReportsAnErrorText() throws IOException {
        daemon("Unknown or malformed IPC message 'D' from client.");
        assertThat(run("doctor")).isEqualTo(1);
        assertThat(stdout).isEmpty();
        assertThat(stderr).isEqualTo("smcroutectl: Unknown or malformed IPC message 'D' from client.\n");
    }

    @Test
    void helpCoversTheNewCommands() {
        assertThat(run("help")).isZero();
        assertThat(stdout).contains("  metrics", "  monitor", "  doctor");
        for (String c : new String[] {"metrics", "monitor", "doctor"}) {
            assertThat(run("help", c)).isZero();
            assertThat(stdout).startsWith("Help:\n").contains("smcroutectl " + c);
        }
        assertThat(Arrays.asList(Commands.NAMES).subList(0, 12)).containsExactly("help", "version", "flush", "kill",
                "reload", "restart", "show", "add", "remove", "del", "join", "leave");
    }

    @Test
    void eachEventLineIsPrintedAsItArrives() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread daemonSide = Thread.ofPlatform().daemon().start(() -> {
                try (SocketChannel ch = server.accept()) {
                    ch.read(ByteBuffer.allocate(1024));
                    ch.write(ByteBuffer.wrap("{\"event\":\"reload-start\"}\n".getBytes(StandardCharsets.UTF_8)));
                    seen.await(10, TimeUnit.SECONDS);
                    ch.write(ByteBuffer.wrap("{\"event\":\"reload-done\"}\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException | InterruptedException e) {
                    // the test reports what the client saw
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            int[] rc = {-1};
            Thread client = Thread.ofPlatform().start(() -> rc[0] = Main.run(new String[] {"monitor"},
                    new ByteArrayInputStream(new byte[0]), ps, new PrintStream(new ByteArrayOutputStream(), true)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!outText(out, ps).equals("{\"event\":\"reload-start\"}\n") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(outText(out, ps)).as("the first line, before the stream goes on").isEqualTo("{\"event\":\"reload-start\"}\n");
            seen.countDown();
            client.join(10_000);
            daemonSide.join(10_000);
            assertThat(rc[0]).isEqualTo(1);
            assertThat(outText(out, ps)).isEqualTo("{\"event\":\"reload-start\"}\n{\"event\":\"reload-done\"}\n");
        }
    }

    private static String outText(ByteArrayOutputStream out, PrintStream ps) {
        synchronized (ps) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
