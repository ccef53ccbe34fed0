package org.smcroute.show;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.json.Json;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.net.Addr;
import org.smcroute.net.Prefix;
import org.smcroute.route.ConfRoute;
import org.smcroute.route.KernelEntry;
import org.smcroute.route.Routes;
import org.smcroute.text.Pad;

/** {@code show routes} in text (SPEC §15.2) and JSON (§15.7). */
public final class RoutesView {

    private final Interfaces ifaces;
    private final Routes routes;
    private final Routing routing;

    public RoutesView(Interfaces ifaces, Routes routes, Routing routing) {
        this.ifaces = ifaces;
        this.routes = routes;
        this.routing = routing;
    }

    /** {@code (S, G)} with {@code *} for any source and /LEN only when shorter than full. */
    public static String sg(Prefix source, Prefix group) {
        String s = source.addr().isAny() ? "*" : source.toString();
        return "(" + s + ", " + group + ")";
    }

    private String name(Family f, int slot) {
        Iface i = ifaces.bySlot(f, slot);
        return i == null ? null : i.name();
    }

    private List<String> oifNames(Family f, int mask) {
        List<String> out = new ArrayList<>();
        for (int rest = mask; rest != 0; rest &= rest - 1) {
            String n = name(f, Integer.numberOfTrailingZeros(rest));
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }

    private Counters counters(Family f, Addr s, Addr g) {
        RoutingSocket k = routing.socket(f);
        return k == null ? Counters.ZERO : k.counters(s, g);
    }

    public String text(boolean detail) {
        int w = ifaces.nameWidth(3);
        String heading = detail
                ? Pad.left("ROUTE (S,G)", 42) + " " + Pad.left("IIF", w) + " " + Pad.right("PACKETS", 10) + " "
                        + Pad.right("BYTES", 10) + "  OIFS"
                : Pad.left("ROUTE (S,G)", 42) + " " + Pad.left("IIF", w) + "  OIFS";
        int rows = routes.templates().size() + routes.ssmRoutes().size() + routes.cache().size();
        Lines out = new Lines(1024 + rows * (64 + 2 * w));
        if (!routes.templates().isEmpty()) {
            out.title("(*,G) Template Rules").heading(heading);
            for (ConfRoute r : routes.templates()) {
                out.data(row(w, detail, r.family(), sg(r.source(), r.group()), r.inbound(), r.oifs(), Counters.ZERO));
            }
        }
        if (!routes.ssmRoutes().isEmpty()) {
            out.title("(S,G) Rules").heading(heading);
            for (ConfRoute r : routes.ssmRoutes()) {
                Counters c = detail ? counters(r.family(), r.source().addr(), r.group().addr()) : Counters.ZERO;
                out.data(row(w, detail, r.family(), sg(r.source(), r.group()), r.inbound(), r.oifs(), c));
            }
        }
        if (!routes.cache().isEmpty()) {
            out.title("Kernel MFC Table").heading(heading);
            for (int pass = 0; pass < 2; pass++) {
                for (KernelEntry e : routes.cache()) {
                    if ((e.oifs() != 0) == (pass == 0)) {
                        Counters c = detail ? counters(e.family(), e.source(), e.group()) : Counters.ZERO;
                        String sg = "(" + e.source() + ", " + e.group() + ")";
                        out.data(row(w, detail, e.family(), sg, e.inbound(), e.oifs(), c));
                    }
                }
            }
        }
        return out.toString();
    }

    private String row(int w, boolean detail, Family f, String sg, int inbound, int oifs, Counters c) {
        String iif = name(f, inbound);
        StringBuilder b = new StringBuilder(96);
        b.append(Pad.left(sg, 42)).append(' ').append(Pad.left(iif == null ? "?" : iif, w)).append(' ');
        if (detail) {
            b.append(Pad.right(Long.toUnsignedString(c.packets()), 10)).append(' ');
            b.append(Pad.right(Long.toUnsignedString(c.bytes()), 10)).append(' ');
        }
        for (String o : oifNames(f, oifs)) {
            b.append(' ').append(o);
        }
        return b.toString();
    }

    public String json() {
        Json j = new Json().begin().key("routes").begin();
        j.key("asm").beginArray();
        for (ConfRoute r : routes.templates()) {
            jsonRoute(j, r.family(), r.anySource() ? null : r.source().toString(), r.group().toString(), r.inbound(), r.oifs());
        }
        j.endArray().key("ssm").beginArray();
        for (ConfRoute r : routes.ssmRoutes()) {
            jsonRoute(j, r.family(), r.source().toString(), r.group().toString(), r.inbound(), r.oifs());
        }
        j.endArray().key("kernel").beginArray();
        for (KernelEntry e : routes.cache()) {
            jsonRoute(j, e.family(), e.source().toString(), e.group().toString(), e.inbound(), e.oifs());
        }
        return j.endArray().end().end().toString() + "\n";
    }

    private void jsonRoute(Json j, Family f, String source, String group, int inbound, int oifs) {
        String iif = name(f, inbound);
        j.begin().key("source").value(source).key("group").value(group).key("iif").value(iif == null ? "" : iif);
        j.key("oifs").beginArray();
        for (String o : oifNames(f, oifs)) {
            j.value(o);
        }
        j.endArray().end();
    }
}
