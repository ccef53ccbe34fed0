package org.smcroute.show;

import org.smcroute.group.ConfGroup;
import org.smcroute.group.Groups;
import org.smcroute.group.KernelJoin;
import org.smcroute.json.Json;
import org.smcroute.net.Prefix;
import org.smcroute.text.Pad;

/** {@code show groups}, text and JSON. */
public final class GroupsView {

    private final Groups groups;

    public GroupsView(Groups groups) {
        this.groups = groups;
    }

    private static String sg(Prefix source, Prefix group) {
        return "(" + (source == null ? "*" : source.toString()) + ", " + group + ")";
    }

    /** A kernel join shows its expanded addresses with the configured lengths [COMPAT]. */
    private static String sg(KernelJoin j) {
        ConfGroup g = j.owner();
        Prefix s = j.source() == null ? null : new Prefix(j.source(), g.source().len());
        return sg(s, new Prefix(j.group(), g.group().len()));
    }

    public String text(boolean detail) {
        Lines out = new Lines();
        if (groups.configured().isEmpty()) {
            return "";
        }
        out.title("Group Memberships Table").heading(Pad.left("GROUP (S,G)", 42) + " " + Pad.left("IIF", 16));
        for (ConfGroup g : groups.configured()) {
            out.data(Pad.left(sg(g.source(), g.group()), 42) + " " + g.ifname());
        }
        if (detail) {
            out.title("Kernel Group Membership Table");
            for (KernelJoin j : groups.kernelJoins()) {
                out.data(Pad.left(sg(j), 42) + " " + j.owner().ifname());
            }
        }
        return out.toString();
    }

    public String json() {
        Json j = new Json().begin().key("groups").begin().key("conf").beginArray();
        for (ConfGroup g : groups.configured()) {
            entry(j, g.source() == null ? null : g.source().toString(), g.group().toString(), g.ifname());
        }
        j.endArray().key("kernel").beginArray();
        for (KernelJoin k : groups.kernelJoins()) {
            ConfGroup g = k.owner();
            String s = k.source() == null ? null : new Prefix(k.source(), g.source().len()).toString();
            entry(j, s, new Prefix(k.group(), g.group().len()).toString(), g.ifname());
        }
        return j.endArray().end().end().toString() + "\n";
    }

    private static void entry(Json j, String source, String group, String iif) {
        j.begin().key("source").value(source).key("group").value(group).key("iif").value(iif).end();
    }
}
