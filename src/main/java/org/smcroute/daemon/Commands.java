package org.smcroute.daemon;

import java.util.List;
import java.util.function.Consumer;
import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.daemon.IpcServer.Reply;
import org.smcroute.group.Groups;
import org.smcroute.ipc.Action;
import org.smcroute.ipc.Wire;
import org.smcroute.log.Log;
import org.smcroute.loop.Deferred;
import org.smcroute.loop.Stream;
import org.smcroute.observe.EventHub;
import org.smcroute.proxy.Proxy;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;
import org.smcroute.show.GroupsView;
import org.smcroute.show.InterfacesView;
import org.smcroute.show.ProxyView;
import org.smcroute.show.RoutesView;
import org.smcroute.text.Bytes;

/**
 * Executes IPC requests on the state thread (SPEC §14.3, §14.4): every request gets exactly
 * one reply, an empty text for success or the error text of the failure.
 */
final class Commands {

    /** What the daemon does for commands that act on the process itself. */
    interface Control {
        /** Starts a reload; {@code waiter} (may be null) gets its result. */
        void requestReload(Consumer<Reloader.Result> waiter);

        void shutdown();
    }

    private final RouteEditor editor;
    private final Routes routes;
    private final Groups groups;
    private final RoutesView routesView;
    private final InterfacesView ifView;
    private final GroupsView groupsView;
    private final ProxyView proxyView;
    private final Control control;
    private final Log log;
    private final Observability obs;

    Commands(State state, Proxy proxy, Control control, Log log, Observability obs) {
        this.editor = state.editor();
        this.routes = state.routes();
        this.groups = state.groups();
        this.routesView = new RoutesView(state.ifaces(), state.routes(), state.routing());
        this.ifView = new InterfacesView(state.ifaces(), state.pending());
        this.groupsView = new GroupsView(state.groups());
        this.proxyView = new ProxyView(state.ifaces(), proxy);
        this.control = control;
        this.log = log;
        this.obs = obs;
    }

    /**
     * Executes one request. With {@link Wire#WANTS_STATUS} the reply carries a status and the
     * warnings (our client), else exactly the original's (§14.4). An instanceof chain, not a
     * pattern switch (start-up rule, see the README).
     */
    Reply execute(Action a, int flags) {
        boolean status = (flags & Wire.WANTS_STATUS) != 0;
        if (a instanceof Action.Route r) {
            return reply(r.add()
                    ? editor.add(Origin.IPC, r.iif(), r.source(), r.group(), r.oifs())
                    : editor.remove(Origin.IPC, r.iif(), r.source(), r.group(), r.oifs()), status);
        }
        if (a instanceof Action.Membership m) {
            return reply(m.join()
                    ? groups.join(Origin.IPC, m.iif(), m.source(), m.group())
                    : groups.leave(Origin.IPC, m.iif(), m.source(), m.group()), status);
        }
        if (a instanceof Action.Show s) {
            return show(s.style(), s.view());
        }
        if (a instanceof Action.Observe o) {
            return observe(o.cmd());
        }
        if (a instanceof Action.Refused r) {
            log.warn(r.error());
            return reply(Outcome.failing(r.error()), status);
        }
        char cmd = ((Action.Control) a).cmd();
        switch (cmd) {
            case 'F' -> {
                int n = routes.flush();
                log.info("Flushed " + n + " dynamic routes.");
                return reply(Outcome.OK, status);
            }
            case 'H' -> {
                if (!status) {
                    control.requestReload(null);
                    return Reply.of("");
                }
                // the client waits for the reload's result
                Deferred later = new Deferred();
                control.requestReload(result -> later.complete(Bytes.encode(
                        (result.clean() ? Wire.DONE : Wire.FAILED) + lines(result.messages()))));
                return Reply.of(later);
            }
            case 'k' -> {
                return new Reply(status ? String.valueOf(Wire.DONE) : "", control::shutdown);
            }
            default -> {
                String text = Wire.malformed(cmd);
                log.warn(text);
                return reply(Outcome.failing(text), status);
            }
        }
    }

    /** {@code M}, {@code E}, {@code D}: replies streamed as they are made. */
    private Reply observe(char cmd) {
        if (cmd == 'M') {
            return Reply.of(obs.metrics.scrape());
        }
        if (cmd == 'D') {
            return Reply.of(obs.doctor.examine());
        }
        Stream events = obs.hub.open();
        if (events == null) {
            String text = "Too many event stream clients, at most " + EventHub.MAX_MONITORS + ".";
            log.warn(text);
            return Reply.of(text);
        }
        log.info("Event stream client connected.");
        return Reply.of(events);
    }

    /** The reply of an edit: the original's (empty or the error), or status and messages. */
    private static Reply reply(Outcome o, boolean status) {
        if (!status) {
            return Reply.of(o.ok() ? "" : o.error());
        }
        StringBuilder b = new StringBuilder().append(o.ok() ? Wire.DONE : Wire.FAILED);
        if (!o.ok()) {
            b.append(o.error()).append('\n');
        }
        return Reply.of(b.append(lines(o.warnings())).toString());
    }

    private static String lines(List<String> messages) {
        StringBuilder b = new StringBuilder();
        for (String m : messages) {
            b.append(m).append('\n');
        }
        return b.toString();
    }

    /**
     * The view the first character of the word selects (SPEC §14.3); {@code pr} selects the
     * proxy, every other word starting with {@code p} still the pending list.
     */
    private Reply show(char cmd, String what) {
        char sel = what.isEmpty() ? 'r' : what.charAt(0);
        boolean json = cmd == 'J';
        return switch (sel) {
            case 'g' -> Reply.of(json ? groupsView.json() : groupsView.text(cmd == 'S'));
            case 'i' -> Reply.of(json ? ifView.interfacesJson() : ifView.interfaces());
            case 'p' -> Reply.of(what.startsWith("pr") ? (json ? proxyView.json() : proxyView.text(cmd == 'S'))
                    : json ? ifView.pendingJson() : ifView.pending());
            default -> Reply.of(new PieceStream(json ? routesView.json() : routesView.text(cmd == 'S'), log));
        };
    }
}
