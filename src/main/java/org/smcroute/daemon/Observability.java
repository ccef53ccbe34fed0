package org.smcroute.daemon;

import java.time.Instant;
import java.util.Optional;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.net.HostPort;
import org.smcroute.observe.Doctor;
import org.smcroute.observe.EventHub;
import org.smcroute.observe.HttpEndpoint;
import org.smcroute.observe.Metrics;
import org.smcroute.observe.Stats;
import org.smcroute.observe.Sysctl;
import org.smcroute.route.IfaceSlots;
import org.smcroute.sys.TcpServer;

/**
 * What the daemon tells about itself, wired to its state: the counts kept for metrics, the
 * event stream the domain reports to, the metrics (over IPC and, with
 * {@code --metrics-listen}, HTTP) and the doctor, with the few facts about the daemon the
 * doctor needs that no state object holds.
 */
final class Observability implements Doctor.Self {

    private final Options opts;
    private final Log log;
    private final EventLoop loop;
    private final Reloader reloader;
    final Stats stats;
    final EventHub hub;
    final Metrics metrics;
    final Doctor doctor;
    /** Why each family's routing API did not open (null: open, or not tried). */
    private final KernelException[] openFailures = new KernelException[Family.values().length];
    private HttpEndpoint http;

    Observability(Options opts, State state, EventLoop loop, Reloader reloader, Log log) {
        this.opts = opts;
        this.log = log;
        this.loop = loop;
        this.reloader = reloader;
        this.stats = new Stats(startMillis());
        this.hub = new EventHub(new IfaceSlots(state.ifaces()), stats, log, System::currentTimeMillis);
        state.setEvents(hub);
        reloader.setEvents(hub);
        this.metrics = new Metrics(loop, state.routing(), state.ifaces(), state.routes(), state.groups(), stats, hub);
        this.doctor = new Doctor(loop, state.routing(), state.ifaces(), state.routes(), state.groups(), state.pending(),
                state.phyints(), Sysctl.proc(), this);
    }

    /** When this process started, in milliseconds since the Unix epoch (now, if unknown). */
    private static long startMillis() {
        Optional<Instant> start = ProcessHandle.current().info().startInstant();
        return start.isPresent() ? start.get().toEpochMilli() : System.currentTimeMillis();
    }

    /** Counts an upcall before the routing domain handles it. */
    void upcall(Upcall u) {
        stats.upcall(u);
    }

    void openFailed(Family f, KernelException e) {
        openFailures[f.ordinal()] = e;
    }

    /** {@code --metrics-listen}: a listener that cannot be opened is logged, and the daemon routes on. */
    void openHttp() {
        HostPort at = opts.metricsListen();
        if (at == null) {
            return;
        }
        try {
            http = new HttpEndpoint(loop, TcpServer.bind(at.addr(), at.port()), log, metrics);
            log.info("Serving metrics on http://" + at + "/metrics");
        } catch (KernelException e) {
            log.err("Failed opening metrics listener " + at + ": " + e.reason() + ", metrics endpoint disabled.");
        }
    }

    void closeHttp() {
        if (http != null) {
            http.close();
            http = null;
        }
    }

    @Override
    public int table() {
        return opts.table();
    }

    @Override
    public KernelException openFailure(Family f) {
        return openFailures[f.ordinal()];
    }

    @Override
    public String configFile() {
        return opts.confFile();
    }

    @Override
    public String configProblem() {
        return reloader.lastProblem();
    }
}
