package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.route.ConfRoute;

/**
 * Reloads of a big file against the fake kernel: the routes of changed lines reach the kernel
 * before the other lines are compared, everything else still ends as a full reload would, and
 * a waiting client gets the warnings in file order.
 */
class ReloaderTest {

    private static final int N = 2000;

    @TempDir
    Path dir;

    private final FakeKernel kernel = new FakeKernel().link("eth0", 2).link("eth1", 3).link("eth2", 4);
    private final List<String> logged = new ArrayList<>();
    private final Log log = new Log(Log.INFO, (l, m) -> logged.add(m));
    private final State state = new State(kernel, log, false, 64, false);
    private EventLoop loop;
    private Path file;
    private Reloader reloader;

    private static String group(int i) {
        return "225.1." + (i >> 8) + "." + (i & 255);
    }

    private static String line(int i, String to) {
        return "mroute from eth0 source 10.0.0.2 group " + group(i) + " to " + to + "\n";
    }

    private void write(IntFunction<String> lines) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < N; i++) {
            sb.append(lines.apply(i));
        }
        Files.writeString(file, sb);
    }

    private void start() throws Exception {
        loop = new EventLoop(log);
        file = dir.resolve("smcroute.conf");
        write(i -> line(i, "eth1"));
        state.ifaces().refresh(kernel.links());
        state.routing().open(Family.INET, 0);
        reloader = new Reloader(state, loop, log, file.toString(), ok -> loop.stop());
        assertThat(reloader.loadNow()).isTrue();
        assertThat(kernel.mfc(Family.INET)).hasSize(N);
        kernel.clearCalls();
    }

    /** The MFC changes the fake kernel saw since the last {@code clearCalls} (VIFs are made on demand). */
    private List<String> mfcCalls() {
        return kernel.calls.stream().filter(c -> c.contains("Mfc")).toList();
    }

    /** Reloads and returns, per MFC change, how many conf routes no line had claimed yet. */
    private List<Long> reload(List<Reloader.Result> result) {
        List<Long> unclaimed = new ArrayList<>();
        kernel.afterMfc = () -> unclaimed.add(state.routes().ssmRoutes().stream().filter(ConfRoute::unused).count());
        reloader.start(result::add);
        loop.run();
        return unclaimed;
    }

    @Test
    void aChangedLineReachesTheKernelBeforeTheOthersAreCompared() throws Exception {
        start();
        write(i -> line(i, i == N / 2 ? "eth1 eth2" : "eth1"));
        List<Long> unclaimed = reload(new ArrayList<>());

        assertThat(mfcCalls()).containsExactly("addMfc INET (10.0.0.2," + group(N / 2) + ") 0 oifs=110");
        assertThat(unclaimed).singleElement().satisfies(n -> assertThat(n).isEqualTo(N - 1L));
    }

    @Test
    void aRouteWhoseOtherLineWasRemovedIsPushedFirstToo() throws Exception {
        start();
        Files.writeString(file, Files.readString(file) + line(7, "eth2"));
        reload(new ArrayList<>());
        kernel.clearCalls();

        write(i -> line(i, "eth1"));
        List<Long> unclaimed = reload(new ArrayList<>());

        assertThat(mfcCalls()).containsExactly("addMfc INET (10.0.0.2," + group(7) + ") 0 oifs=10");
        assertThat(unclaimed).singleElement().satisfies(n -> assertThat(n).isEqualTo(N - 1L));
    }

    @Test
    void anInterfaceLineChangeKeepsTheFileOrder() throws Exception {
        start();
        write(i -> (i == 0 ? "phyint eth2 ttl-threshold 5\n" : "") + line(i, i == N / 2 ? "eth1 eth2" : "eth1"));
        List<Long> unclaimed = reload(new ArrayList<>());

        assertThat(mfcCalls()).contains("addMfc INET (10.0.0.2," + group(N / 2) + ") 0 oifs=110");
        assertThat(unclaimed).isNotEmpty().allSatisfy(n -> assertThat(n).isZero());
    }

    @Test
    void aMovedLineIsNoChange() throws Exception {
        start();
        write(i -> line(i == 0 ? N - 1 : i == N - 1 ? 0 : i, "eth1"));
        List<Long> unclaimed = reload(new ArrayList<>());

        assertThat(kernel.calls).isEmpty();
        assertThat(unclaimed).isEmpty();
        assertThat(kernel.mfc(Family.INET)).hasSize(N);
    }

    @Test
    void aWaitingClientGetsTheWarningsInFileOrder() throws Exception {
        start();
        write(i -> switch (i) {
            case 5 -> "bogus line five\n";
            case N / 2 -> line(i, "eth1 eth2").replace(" to ", " ttl-threshold 999 to ");
            case N - 5 -> "bogus line " + i + "\n";
            default -> line(i, "eth1");
        });
        List<Reloader.Result> result = new ArrayList<>();
        List<Long> unclaimed = reload(result);

        // the changed route first; the routes of the two lines now in error leave at the end
        assertThat(mfcCalls().get(0)).startsWith("addMfc INET (10.0.0.2," + group(N / 2) + ")");
        assertThat(unclaimed.get(0)).isGreaterThan(N / 2);
        assertThat(mfcCalls()).hasSize(3);
        assertThat(result).singleElement().satisfies(r -> {
            assertThat(r.clean()).isFalse();
            assertThat(r.messages()).hasSize(3);
            assertThat(r.messages().get(0)).contains("line 6: Unknown command bogus");
            assertThat(r.messages().get(1)).contains("line " + (N / 2 + 1) + ": mroute: ttl-threshold 999 out of range");
            assertThat(r.messages().get(2)).contains("line " + (N - 4) + ": Unknown command bogus");
        });
    }
}
