package org.smcroute.show;

import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.iface.Pending;
import org.smcroute.json.Json;
import org.smcroute.kernel.Family;
import org.smcroute.text.Pad;

/** {@code show interfaces} and {@code show pending}, text and JSON. */
public final class InterfacesView {

    private final Interfaces ifaces;
    private final Pending pending;

    public InterfacesView(Interfaces ifaces, Pending pending) {
        this.ifaces = ifaces;
        this.pending = pending;
    }

    public String interfaces() {
        int w = ifaces.nameWidth(6);
        Lines out = new Lines().heading(" INDEX " + Pad.left("PHYINT", w) + "  VIF  MIF");
        for (Iface i : ifaces.all()) {
            // a vanished interface keeps its row and slots for its return: say so
            out.data(Pad.right(Integer.toString(i.index()), 6) + " " + Pad.left(i.name(), w) + " "
                    + Pad.right(slot(i, Family.INET), 4) + " " + Pad.right(slot(i, Family.INET6), 4)
                    + (i.present() ? "" : "  gone"));
        }
        return out.toString();
    }

    private static String slot(Iface i, Family f) {
        int s = i.slot(f);
        return s < 0 ? "N/A" : Integer.toString(s);
    }

    public String interfacesJson() {
        Json j = new Json().begin().key("interfaces").beginArray();
        for (Iface i : ifaces.all()) {
            j.begin().key("index").value(i.index()).key("name").value(i.name()).key("present").value(i.present());
            j.key("vif");
            if (i.slot(Family.INET) < 0) {
                j.nullValue();
            } else {
                j.value(i.slot(Family.INET));
            }
            j.key("mif");
            if (i.slot(Family.INET6) < 0) {
                j.nullValue();
            } else {
                j.value(i.slot(Family.INET6));
            }
            j.end();
        }
        return j.endArray().end().toString() + "\n";
    }

    public String pending() {
        Lines out = new Lines();
        if (pending.entries().isEmpty()) {
            return out.data("No pending routes or groups").toString();
        }
        out.data("PENDING ROUTES AND GROUPS");
        for (Pending.Entry e : pending.entries()) {
            StringBuilder b = new StringBuilder(Pad.left(e.kind(), 7)).append(" from ").append(e.iif());
            if (e.source() != null) {
                b.append(" source ").append(e.source());
            }
            if (e.group() != null) {
                b.append(" group ").append(e.group());
            }
            if (!e.oifs().isEmpty()) {
                b.append(" to");
                for (String o : e.oifs()) {
                    b.append(' ').append(o);
                }
            }
            out.data(b.toString());
        }
        return out.toString();
    }

    public String pendingJson() {
        Json j = new Json().begin().key("pending").beginArray();
        for (Pending.Entry e : pending.entries()) {
            j.begin().key("kind").value(e.kind()).key("iif").value(e.iif()).key("source").value(e.source());
            j.key("group").value(e.group()).key("oifs").beginArray();
            for (String o : e.oifs()) {
                j.value(o);
            }
            j.endArray().end();
        }
        return j.endArray().end().toString() + "\n";
    }
}
