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

/** {@code show routes} in text and JSON. */
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

    /**
     * The text table in {@link Pieces}. The rows are those of the tables when the show starts (a
     * reference each, not the text); a kernel entry gone by the time its row is due is left out.
     */
    public Pieces text(boolean detail) {
        int w = ifaces.nameWidth(3);
        String heading = detail
                ? Pad.left("ROUTE (S,G)", 42) + " " + Pad.left("IIF", w) + " " + Pad.right("PACKETS", 10) + " "
                        + Pad.right("BYTES", 10) + "  OIFS"
                : Pad.left("ROUTE (S,G)", 42) + " " + Pad.left("IIF", w) + "  OIFS";
        ConfRoute[] templates = routes.templates().toArray(new ConfRoute[0]);
        ConfRoute[] ssm = routes.ssmRoutes().toArray(new ConfRoute[0]);
        KernelEntry[] cache = routes.cache().toArray(new KernelEntry[0]);
        return new Pieces() {
            /** 0 templates, 1 (S,G) rules, 2 kernel entries that forward, 3 stop filters. */
            int part;
            int i = -1;

            @Override
            public boolean next(StringBuilder into) {
                Lines out = new Lines(into);
                int start = into.length();
                while (into.length() - start < Pieces.SIZE) {
                    ConfRoute[] conf = part == 0 ? templates : part == 1 ? ssm : null;
                    int size = conf != null ? conf.length : part < 4 ? cache.length : 0;
                    if (part == 4) {
                        return false;
                    }
                    if (i < 0) {
                        if (size > 0 && part != 3) {
                            out.title(part == 0 ? "(*,G) Template Rules" : part == 1 ? "(S,G) Rules" : "Kernel MFC Table")
                                    .heading(heading);
                        }
                        i = 0;
                    }
                    if (i == size) {
                        part++;
                        i = -1;
                        continue;
                    }
                    if (conf != null) {
                        ConfRoute r = conf[i++];
                        Counters c = detail && part == 1 ? counters(r.family(), r.source().addr(), r.group().addr())
                                : Counters.ZERO;
                        out.data(row(w, detail, r.family(), sg(r.source(), r.group()), r.inbound(), r.oifs(), c));
                        continue;
                    }
                    KernelEntry e = cache[i++];
                    if ((e.oifs() != 0) == (part == 2) && routes.isCached(e)) {
                        Counters c = detail ? counters(e.family(), e.source(), e.group()) : Counters.ZERO;
                        // entries the IGMP/MLD proxy forwards carry a mark after their (S,G)
                        String sg = "(" + e.source() + ", " + e.group() + ")" + (e.contributed() ? " proxy" : "");
                        out.data(row(w, detail, e.family(), sg, e.inbound(), e.oifs(), c));
                    }
                }
                return true;
            }
        };
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

    /** The JSON document in {@link Pieces}, from the tables as they are when it starts. */
    public Pieces json() {
        ConfRoute[] templates = routes.templates().toArray(new ConfRoute[0]);
        ConfRoute[] ssm = routes.ssmRoutes().toArray(new ConfRoute[0]);
        KernelEntry[] cache = routes.cache().toArray(new KernelEntry[0]);
        return new Pieces() {
            /** 0 asm, 1 ssm, 2 kernel, 3 done. */
            int part;
            int i = -1;
            boolean first;

            @Override
            public boolean next(StringBuilder into) {
                int start = into.length();
                while (into.length() - start < Pieces.SIZE) {
                    if (i < 0) {
                        into.append(part == 0 ? "{\"routes\":{\"asm\":[" : part == 1 ? "],\"ssm\":[" : part == 2 ? "],\"kernel\":[" : "]}}\n");
                        if (part == 3) {
                            return false;
                        }
                        i = 0;
                        first = true;
                    }
                    int size = part == 0 ? templates.length : part == 1 ? ssm.length : cache.length;
                    if (i == size) {
                        part++;
                        i = -1;
                        continue;
                    }
                    Json j = new Json();
                    if (part < 2) {
                        ConfRoute r = (part == 0 ? templates : ssm)[i++];
                        jsonRoute(j, r.family(), r.anySource() ? null : r.source().toString(), r.group().toString(),
                                r.inbound(), r.oifs(), false);
                    } else {
                        KernelEntry e = cache[i++];
                        if (!routes.isCached(e)) {
                            continue;
                        }
                        jsonRoute(j, e.family(), e.source().toString(), e.group().toString(), e.inbound(), e.oifs(),
                                e.contributed());
                    }
                    into.append(first ? "" : ",").append(j);
                    first = false;
                }
                return true;
            }
        };
    }

    /** {@code proxy}: a kernel entry the IGMP/MLD proxy forwards gets {@code "proxy":true} last. */
    private void jsonRoute(Json j, Family f, String source, String group, int inbound, int oifs, boolean proxy) {
        String iif = name(f, inbound);
        j.begin().key("source").value(source).key("group").value(group).key("iif").value(iif == null ? "" : iif);
        j.key("oifs").beginArray();
        for (String o : oifNames(f, oifs)) {
            j.value(o);
        }
        j.endArray();
        if (proxy) {
            j.key("proxy").value(true);
        }
        j.end();
    }
}
