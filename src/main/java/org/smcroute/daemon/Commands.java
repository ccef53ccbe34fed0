package org.smcroute.daemon;

import org.smcroute.conf.Origin;
import org.smcroute.conf.Outcome;
import org.smcroute.daemon.IpcServer.Reply;
import org.smcroute.group.Groups;
import org.smcroute.ipc.Action;
import org.smcroute.ipc.Wire;
import org.smcroute.log.Log;
import org.smcroute.route.RouteEditor;
import org.smcroute.route.Routes;
import org.smcroute.show.GroupsView;
import org.smcroute.show.InterfacesView;
import org.smcroute.show.RoutesView;

/**
 * Executes IPC requests on the state thread (SPEC §14.3, §14.4): every request gets exactly
 * one reply, an empty text for success or the error text of the failure.
 */
final class Commands {

    /** What the daemon does for commands that act on the process itself. */
    interface Control {
        void requestReload();

        void shutdown();
    }

    private final RouteEditor editor;
    private final Routes routes;
    private final Groups groups;
    private final RoutesView routesView;
    private final InterfacesView ifView;
    private final GroupsView groupsView;
    private final Control control;
    private final Log log;

    Commands(State state, Control control, Log log) {
        this.editor = state.editor();
        this.routes = state.routes();
        this.groups = state.groups();
        this.routesView = new RoutesView(state.ifaces(), state.routes(), state.routing());
        this.ifView = new InterfacesView(state.ifaces(), state.pending());
        this.groupsView = new GroupsView(state.groups());
        this.control = control;
        this.log = log;
    }

    /** An instanceof chain, not a pattern switch (start-up rule, see the README). */
    Reply execute(Action a) {
        if (a instanceof Action.Route r) {
            return reply(r.add()
                    ? editor.add(Origin.IPC, r.iif(), r.source(), r.group(), r.oifs())
                    : editor.remove(Origin.IPC, r.iif(), r.source(), r.group(), r.oifs()));
        }
        if (a instanceof Action.Membership m) {
            return reply(m.join()
                    ? groups.join(Origin.IPC, m.iif(), m.source(), m.group())
                    : groups.leave(Origin.IPC, m.iif(), m.source(), m.group()));
        }
        if (a instanceof Action.Show s) {
            return Reply.of(show(s.style(), s.view()));
        }
        if (a instanceof Action.Refused r) {
            log.warn(r.error());
            return Reply.of(r.error());
        }
        char cmd = ((Action.Control) a).cmd();
        switch (cmd) {
            case 'F' -> {
                int n = routes.flush();
                log.info("Flushed " + n + " dynamic routes.");
                return Reply.of("");
            }
            case 'H' -> {
                control.requestReload();
                return Reply.of("");
            }
            case 'k' -> {
                return new Reply("", control::shutdown);
            }
            default -> {
                String text = Wire.malformed(cmd);
                log.warn(text);
                return Reply.of(text);
            }
        }
    }

    private static Reply reply(Outcome o) {
        return Reply.of(o.ok() ? "" : o.error());
    }

    private String show(char cmd, String what) {
        char sel = what.isEmpty() ? 'r' : what.charAt(0);
        boolean json = cmd == 'J';
        return switch (sel) {
            case 'g' -> json ? groupsView.json() : groupsView.text(cmd == 'S');
            case 'i' -> json ? ifView.interfacesJson() : ifView.interfaces();
            case 'p' -> json ? ifView.pendingJson() : ifView.pending();
            default -> json ? routesView.json() : routesView.text(cmd == 'S');
        };
    }
}
