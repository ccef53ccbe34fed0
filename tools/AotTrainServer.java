import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for smcrouted during the client's AOT training run (tools/aot-train.sh): it speaks the
 * daemon's IPC framing and answers with canned show output, so the training exercises the client's
 * real connect/send/receive/render path without root or a kernel. Not a test double for
 * correctness: the replies are only plausible, not checked. Exits after 60 s at the latest.
 */
public class AotTrainServer {
    static final String ROUTES = """
            (*,G) Template Rules_
            ROUTE (S,G)                                IIF   OIFS=
            (*, 225.1.2.3)                             eth0  eth1
            (*, ff2e::42/121)                          eth0  eth1
            (S,G) Rules_
            ROUTE (S,G)                                IIF   OIFS=
            (10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2
            Kernel MFC Table_
            ROUTE (S,G)                                IIF   OIFS=
            (10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2
            """;
    static final String INTERFACES = """
             INDEX PHYINT  VIF  MIF=
                 1 lo      N/A  N/A
                 2 eth0      0    0
                 3 eth1      1    1
            """;
    static final String GROUPS = """
            Group Memberships Table_
            GROUP (S,G)                                IIF             =
            (*, 225.1.2.3)                             eth0
            """;
    static final String JSON = "{\"routes\": [], \"kernel\": []}\n";
    static final String METRICS = """
            # HELP smcroute_routes Kernel multicast routes (MFC entries) installed by the daemon.
            # TYPE smcroute_routes gauge
            smcroute_routes 1
            # HELP smcroute_route_packets_total Packets received for a kernel multicast route (S,G).
            # TYPE smcroute_route_packets_total counter
            smcroute_route_packets_total{iif="eth0",source="10.0.0.10",group="225.3.2.1"} 42
            """;
    static final String DOCTOR = "ok\trp-filter\tno inbound interface has a strict reverse-path filter\t\n"
            + "warn\tttl\t(10.0.0.10, 225.3.2.1) got 9 packets on eth0 in 1 s, but eth1 (threshold 1) sent none\t"
            + "raise the sender's multicast TTL\n";
    static final String EVENT = "{\"event\":\"reload-start\",\"time\":\"2026-01-01T00:00:00.000Z\"}\n";

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        Files.deleteIfExists(path);
        Thread.ofPlatform().daemon().start(() -> { sleep(60_000); System.exit(0); });
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            while (true) {
                try (SocketChannel c = server.accept()) {
                    serve(c);
                } catch (IOException e) {
                    // a client that hangs up early is fine here
                }
            }
        }
    }

    static void serve(SocketChannel c) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        while (head.hasRemaining() && c.read(head) >= 0) { }
        if (head.hasRemaining()) {
            return;
        }
        int len = (int) head.getLong(0);
        char cmd = (char) head.getShort(8);
        ByteBuffer body = ByteBuffer.allocate(Math.max(0, Math.min(len, 1024) - 16));
        while (body.hasRemaining() && c.read(body) >= 0) { }
        char what = body.position() > 0 ? (char) body.get(0) : 'r';
        String reply = switch (cmd) {
            case 's', 'S' -> what == 'i' ? INTERFACES : what == 'g' ? GROUPS : ROUTES;
            case 'J' -> JSON;
            case 'M' -> METRICS;
            case 'D' -> DOCTOR;
            case 'E' -> EVENT;
            default -> "";
        };
        // the event stream has no end: the canned one is cut off after its line
        c.write(ByteBuffer.wrap((cmd == 'E' ? reply : reply + "\0").getBytes(StandardCharsets.UTF_8)));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
