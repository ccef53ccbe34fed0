package org.smcroute.observe;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.conf.Origin;
import org.smcroute.group.Groups;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.FakeKernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Routing;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.route.IfaceSlots;
import org.smcroute.route.Phyints;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;

/** The routing domain on a {@link FakeKernel}, with an event loop to run streams on and made-up sysctls. */
final class Domain implements Doctor.Self {

    final FakeKernel kernel = new FakeKernel();
    final Routing routing = new Routing(kernel);
    final List<String> messages = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (l, m) -> messages.add(m));
    final Interfaces ifaces;
    final Pending pending = new Pending();
    final Routes routes;
    final RouteEditor editor;
    final Phyints phyints;
    final Groups groups;
    final EventLoop loop;
    final Stats stats = new Stats(1_700_000_000_123L);
    final Map<String, String> sysctls = new HashMap<>();
    final KernelException[] openFailures = new KernelException[2];
    String configProblem;

    Domain(String... names) throws Exception {
        int idx = 1;
        for (String n : names) {
            kernel.link(n, ++idx);
        }
        ifaces = new Interfaces(routing, log);
        ifaces.refresh(kernel.links());
        routing.open(Family.INET, 0);
        routing.open(Family.INET6, 0);
        routes = new Routes(routing, log, new IfaceSlots(ifaces));
        editor = new RouteEditor(ifaces, routes, pending, log, false);
        phyints = new Phyints(ifaces, routes, log, false);
        groups = new Groups(kernel, ifaces, log, 4096);
        loop = new EventLoop(log);
    }

    void add(String iif, String src, String grp, String... oifs) {
        if (!editor.add(Origin.IPC, iif, src, grp, List.of(oifs)).ok()) {
            throw new IllegalStateException("add failed: " + messages);
        }
    }

    Sysctl sysctl() {
        return path -> sysctls.get(String.join("/", path));
    }

    Doctor doctor() {
        return new Doctor(loop, routing, ifaces, routes, groups, pending, phyints, sysctl(), this);
    }

    Checks checks() {
        return new Checks(routing, ifaces, routes, groups, pending, phyints, sysctl(), this);
    }

    Metrics metrics(EventHub hub) {
        return new Metrics(loop, routing, ifaces, routes, groups, stats, hub);
    }

    EventHub hub() {
        return new EventHub(new IfaceSlots(ifaces), stats, log, () -> 0L);
    }

    /** Opens {@code s} and runs the loop until the stream ends; everything it produced. */
    String drain(Stream s) {
        return drain(s, true);
    }

    /** Runs the loop until {@code s} ends ({@code open}: open it first); everything it produced. */
    String drain(Stream s, boolean open) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Runnable[] pull = new Runnable[1];
        boolean[] ended = new boolean[1];
        pull[0] = () -> {
            while (!ended[0]) {
                byte[] b = s.next();
                if (b == null || b == Stream.ABORT) {
                    ended[0] = true; // a pull still queued from a wake-up does nothing
                    loop.stop();
                    return;
                }
                if (b == Stream.WAIT) {
                    return;
                }
                out.writeBytes(b);
            }
        };
        if (open) {
            s.open(() -> loop.post(pull[0]));
        }
        loop.post(pull[0]);
        assertTimeoutPreemptively(Duration.ofSeconds(20), loop::run);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int table() {
        return 0;
    }

    @Override
    public KernelException openFailure(Family f) {
        return openFailures[f.ordinal()];
    }

    @Override
    public String configFile() {
        return "/etc/smcroute.conf";
    }

    @Override
    public String configProblem() {
        return configProblem;
    }
}
