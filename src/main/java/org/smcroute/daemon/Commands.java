package org.smcroute.daemon;

import java.util.List;
import org.smcroute.conf.Origin;
import org.smcroute.group.Groups;
import org.smcroute.ipc.IpcServer.Reply;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
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

    Commands(State state, RoutesView routesView, InterfacesView ifView, GroupsView groupsView, Control control, Log log) {
        this.editor = state.editor;
        this.routes = state.routes;
        this.groups = state.groups;
        this.routesView = routesView;
        this.ifView = ifView;
        this.groupsView = groupsView;
        this.control = control;
        this.log = log;
    }

    Reply execute(Request req) {
        List<String> a = req.args();
        return switch (req.cmd()) {
            case 'a', 'r' -> Reply.of(mroute(req.cmd(), a));
            case 'j', 'l' -> Reply.of(group(req.cmd(), a));
            case 's', 'S', 'J' -> Reply.of(show(req.cmd(), a.isEmpty() ? "" : a.get(0)));
            case 'F' -> {
                int n = routes.flush();
                log.info("Flushed " + n + " dynamic routes.");
                yield Reply.of("");
            }
            case 'H' -> {
                control.requestReload();
                yield Reply.of("");
            }
            case 'k' -> new Reply("", control::shutdown);
            default -> Reply.of(error(Wire.malformed(req.cmd())));
        };
    }

    private String error(String text) {
        log.warn(text);
        return text;
    }

    /** Positional parsing of {@code add}/{@code remove} arguments (§14.3). */
    private String mroute(char cmd, List<String> a) {
        // argument counts (at least 2, a group after a source, at most 32 OIFs) were checked by
        // Wire.checkArgs before the request reached the state thread
        String iif = a.get(0);
        String first = Prefix.Text.split(a.get(1)).addr();
        Addr x = Addr.parse(first);
        if (x == null) {
            return error("mroute: invalid source/group address: " + first);
        }
        String src = null;
        String grp = a.get(1);
        int next = 2;
        if (!x.isMulticast()) {
            src = a.get(1);
            grp = a.get(2);
            next = 3;
            String g = Prefix.Text.split(grp).addr();
            Addr ga = Addr.parse(g);
            if (ga == null || !ga.isMulticast()) {
                return error("mroute: invalid multicast group: " + g);
            }
        }
        List<String> oifs = a.subList(next, a.size());
        RouteEditor.Outcome o = cmd == 'a'
                ? editor.add(Origin.IPC, iif, src, grp, oifs)
                : editor.remove(Origin.IPC, iif, src, grp, oifs);
        return o.ok() ? "" : o.error();
    }

    /** {@code join}/{@code leave}: exactly 3 words are IIF SOURCE GROUP, else IIF GROUP (§14.3). */
    private String group(char cmd, List<String> a) {
        String src = a.size() == 3 ? a.get(1) : null;
        String grp = a.size() == 3 ? a.get(2) : a.get(1);
        Groups.Outcome o = cmd == 'j'
                ? groups.join(Origin.IPC, a.get(0), src, grp)
                : groups.leave(Origin.IPC, a.get(0), src, grp);
        return o.ok() ? "" : o.error();
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
