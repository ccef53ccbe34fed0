package org.smcroute.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.function.Consumer;
import org.smcroute.cli.Version;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.TableException;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.LoopIo;
import org.smcroute.mrdisc.Mrdisc;
import org.smcroute.proxy.Proxy;
import org.smcroute.route.Routes;
import org.smcroute.sys.NetlinkMonitor;
import org.smcroute.sys.Poller;
import org.smcroute.sys.Posix;
import org.smcroute.sys.Privileges;
import org.smcroute.sys.SdNotify;
import org.smcroute.sys.Signals;
import org.smcroute.sys.UnixServer;

/**
 * Wires the daemon together and runs its life cycle in the order SPEC §4.1 and §4.5 fix:
 * IPC socket before the kernel API, configuration before readiness, and a shutdown that leaves
 * nothing behind in the kernel or the file system.
 */
public final class Daemon implements Commands.Control {

    private final Options opts;
    private final Log log;
    private final Kernel kernel;
    private final EventLoop loop;
    private final State state;
    private final Interfaces ifaces;
    private final Routes routes;
    private final Routing routing;
    private final Commands commands;
    private final ScriptHook script;
    private final Reloader reloader;
    private final Mrdisc mrdisc;
    private final Proxy proxy;
    private final SdNotify notify = SdNotify.fromEnvironment();
    private final Observability obs;
    private IpcServer ipc;
    private NetlinkMonitor netlink;
    private EventLoop.Timer refreshTimer;
    private Runnable onReady;
    private Identity drop;
    private boolean pidFileWritten;
    private int exitCode;

    public Daemon(Options opts, Log log, Kernel kernel) throws KernelException {
        this.opts = opts;
        this.log = log;
        this.kernel = kernel;
        this.loop = new EventLoop(log);
        this.script = new ScriptHook(opts.script(), log, loop);
        this.state = new State(kernel, log, opts.bareDisables(), opts.rangeLimit(), false);
        this.ifaces = state.ifaces();
        this.routes = state.routes();
        this.routing = state.routing();
        routes.setLearnedLimit(opts.cacheLimit());
        this.reloader = new Reloader(state, loop, log, opts.confFile(), this::reloaded);
        this.mrdisc = new Mrdisc(kernel, log, opts.mrdiscInterval(), LoopIo.of(loop));
        ifaces.addListener(mrdisc);
        this.proxy = new Proxy(kernel, ifaces, state.proxyLines(), routes, log, LoopIo.of(loop));
        state.proxyLines().setListener(proxy);
        ifaces.addListener(proxy);
        routes.addContributor(proxy);
        this.obs = new Observability(opts, state, loop, reloader, log);
        this.commands = new Commands(state, proxy, this, log, obs);
    }

    /** {@code -p}: the account to switch to once ready (null = stay). */
    public void dropPrivileges(Identity id) {
        this.drop = id;
    }

    /** Called once, when the daemon first becomes ready (releases a waiting launcher). */
    public void onReady(Runnable r) {
        this.onReady = r;
    }

    /** Runs from startup step 6 to exit; returns the process exit code. */
    public int run() {
        log.notice("SMCRoute v" + Version.VERSION);
        if (opts.startupDelay() > 0) {
            log.info("Startup delay requested, waiting " + opts.startupDelay() + " sec before continuing.");
            sleepSeconds(opts.startupDelay());
        }
        if (opts.exitAfter() != null) {
            loop.schedule(opts.exitAfter() * 1000L, this::shutdown);
        }
        int rc = openIpc();
        if (rc != 0) {
            return rc;
        }
        obs.openHttp();
        try {
            ifaces.refresh(kernel.links());
        } catch (KernelException e) {
            log.err("Failed enumerating interfaces: " + e.reason());
            obs.closeHttp();
            closeIpc();
            return 71;
        }
        rc = openKernel();
        if (rc != 0) {
            obs.closeHttp();
            closeIpc();
            return rc;
        }
        if (opts.cacheTimeout() > 0) {
            loop.every(opts.cacheTimeout() * 1000L, this::expire);
        }
        try {
            Privileges.raiseFileLimit();
        } catch (KernelException e) {
            log.debug("Cannot raise the open files limit: " + e.reason());
        }
        installSignals();
        openNetlink();
        boolean loaded = reloader.loadNow();
        ready();
        if (drop != null) {
            switchUser();
        }
        if (script.validate()) {
            routes.setInstallListener((f, src, grp) -> script.installed(src, grp));
            if (loaded) {
                script.reload();
            }
        }
        try {
            loop.run();
        } finally {
            // also when the loop dies (out of memory): nothing is left behind, half alive
            cleanup();
        }
        return exitCode;
    }

    private int openIpc() {
        String path = opts.socketPath();
        if (path.getBytes(StandardCharsets.UTF_8).length > UnixServer.MAX_PATH) {
            log.err("Too long socket path, max 108 chars");
            return 0;
        }
        Path sock = Path.of(path);
        if (Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
            if (UnixServer.probe(path)) {
                log.err("IPC socket " + path + " is in use, is another instance running?");
                return 69;
            }
            try {
                // nobody answers: a stale socket (or any other file) from an earlier run
                Files.delete(sock);
            } catch (IOException e) {
                log.debug("Cannot remove stale " + path + ": " + e.getMessage());
            }
        }
        try {
            UnixServer server = UnixServer.bind(path, 0660, drop == null ? 0 : drop.gid());
            ipc = new IpcServer(loop, server, log, commands::execute);
        } catch (KernelException e) {
            log.warn("Failed creating IPC socket " + path + ": " + e.reason() + ", client disabled.");
        }
        return 0;
    }

    private void closeIpc() {
        if (ipc != null) {
            ipc.close();
            ipc = null;
        }
    }

    /** Opens IPv4 then IPv6 independently; exits only when neither came up (§4.1 step 11). */
    private int openKernel() {
        boolean inUse = false;
        boolean denied = false;
        boolean any = false;
        Consumer<Upcall> upcalls = u -> {
            obs.upcall(u);
            routes.onUpcall(u);
        };
        for (Family f : Family.values()) {
            try {
                RoutingSocket socket = routing.open(f, opts.table());
                any = true;
                try {
                    socket.enableWrongVif();
                } catch (KernelException e) {
                    log.warn(f == Family.INET
                            ? "Failed enabling PIM IGMPMSG_WRONGVIF, ignoring: " + e.reason()
                            : "Failed enabling MRT6_ASSERT for WRONGMIF, ignoring: " + e.reason());
                }
                loop.register(socket.fd(), Poller.POLLIN, r -> socket.readUpcalls(upcalls));
            } catch (TableException e) {
                obs.openFailed(f, e);
                log.err("Failed setting " + f.label() + " multicast routing table id " + opts.table() + ": " + e.reason());
                log.err(f == Family.INET ? "Kernel needs CONFIG_IP_MROUTE_MULTIPLE_TABLES=y"
                        : "Kernel needs CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y");
            } catch (KernelException e) {
                obs.openFailed(f, e);
                if (e.errno() == Errno.EADDRINUSE) {
                    inUse = true;
                    log.err(f.label() + " multicast routing API already in use: " + e.reason());
                    log.err("Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?");
                } else {
                    denied |= e.errno() == Errno.EPERM || e.errno() == Errno.EACCES;
                    log.err("Failed initializing " + f.label() + " multicast routing API: " + e.reason());
                }
            }
        }
        if (any) {
            return 0;
        }
        if (inUse) {
            log.err("Another multicast routing application is already running.");
            return 69;
        }
        if (denied) {
            log.err("Not permitted to open the multicast routing API, need CAP_NET_ADMIN and CAP_NET_RAW.");
            return 77;
        }
        log.err("Kernel does not support multicast routing.");
        return 76;
    }

    /** Startup step 14: interface events; without them pending lines wait for a reload. */
    private void openNetlink() {
        try {
            netlink = NetlinkMonitor.open();
        } catch (KernelException e) {
            log.err("Failed opening netlink socket: " + e.reason());
            return;
        }
        loop.register(netlink.fd(), Poller.POLLIN, r -> {
            if (netlink.drain() > 0 && refreshTimer == null) {
                // coalesce bursts: one refresh per 100 ms
                refreshTimer = loop.schedule(100, () -> {
                    refreshTimer = null;
                    state.hotplug().refresh();
                    proxy.reconcile(); // an IPv6 link-local address may have come up
                });
            }
        });
    }

    private void installSignals() {
        Signals.handle("HUP", () -> loop.post(() -> requestReload(null)));
        Signals.handle("TERM", () -> loop.post(this::shutdown));
        Signals.handle("INT", () -> loop.post(this::shutdown));
    }

    private void expire() {
        log.info("Cache timeout, flushing unused (*,G) routes!");
        routes.expire(opts.cacheTimeout(), System.nanoTime() / 1_000_000_000L + 1);
    }

    private void ready() {
        boolean first = !pidFileWritten;
        writePidFile();
        // STATUS again after a reload, or systemctl status keeps showing "Reloading ..."
        notify("READY=1\nSTATUS=Ready, waiting for client request or kernel event."
                + (first ? "\nMAINPID=" + ProcessHandle.current().pid() : ""));
        log.notice("Ready, waiting for client request or kernel event.");
        if (first && onReady != null) {
            onReady.run();
        }
    }

    /**
     * SPEC §4.3: keep CAP_NET_ADMIN and CAP_NET_RAW across the UID change. Runs on the state
     * thread, the only thread that makes privileged calls, because capabilities are per thread.
     */
    private void switchUser() {
        try {
            Privileges.keepCapabilities();
            Privileges.initgroups(drop.user(), drop.gid());
            Privileges.setgid(drop.gid());
            Privileges.setuid(drop.uid());
            Privileges.limitCapabilities(Posix.CAP_NET_ADMIN, Posix.CAP_NET_RAW);
            if (Privileges.canRegainRoot()) {
                throw new KernelException("setuid", 0, "root could be regained");
            }
            log.info("Root privileges dropped: Current UID " + drop.uid() + ", GID " + drop.gid() + ".");
        } catch (KernelException e) {
            log.warn("Could not drop root privileges, continuing as root.");
        }
    }

    private void notify(String state) {
        if (notify != null) {
            notify.send(state);
        }
    }

    private void writePidFile() {
        Path p = Path.of(opts.pidFile());
        try {
            if (pidFileWritten) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now()));
                return;
            }
            Files.writeString(p, ProcessHandle.current().pid() + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            if (drop != null) {
                Files.setAttribute(p, "unix:uid", drop.uid());
                Files.setAttribute(p, "unix:gid", drop.gid());
            }
            pidFileWritten = true;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Failed create/chown pidfile: " + e.getMessage());
        }
    }

    @Override
    public void requestReload(Consumer<Reloader.Result> waiter) {
        // MONOTONIC_USEC lets a unit use Type=notify-reload (systemd 253 and later)
        notify("RELOADING=1\nSTATUS=Reloading configuration, please wait ...\nMONOTONIC_USEC="
                + System.nanoTime() / 1000);
        reloader.start(waiter);
    }

    /** End of a reload (§11 steps 9-10). */
    private void reloaded(boolean loaded) {
        obs.stats.reloaded();
        if (loaded) {
            script.reload();
        }
        ready();
    }

    @Override
    public void shutdown() {
        loop.stop();
    }

    /** SPEC §4.5 shutdown order. */
    private void cleanup() {
        notify("STOPPING=1");
        if (refreshTimer != null) {
            refreshTimer.cancel();
        }
        if (netlink != null) {
            loop.unregister(netlink.fd());
            netlink.close();
        }
        mrdisc.close();
        proxy.close();
        for (Family f : Family.values()) {
            if (routing.isOpen(f)) {
                loop.unregister(routing.socket(f).fd());
            }
        }
        state.close();
        obs.closeHttp();
        closeIpc();
        loop.close();
        log.notice("Exiting.");
        if (pidFileWritten) {
            try {
                Files.deleteIfExists(Path.of(opts.pidFile()));
            } catch (IOException ignored) {
                // a removal that fails after a privilege drop is ignored (§4.4)
            }
        }
    }

    private static void sleepSeconds(int s) {
        try {
            Thread.sleep(s * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
