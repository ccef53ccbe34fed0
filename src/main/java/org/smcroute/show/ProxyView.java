package org.smcroute.show;

import java.util.List;
import java.util.Map;
import org.smcroute.iface.Interfaces;
import org.smcroute.json.Json;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;
import org.smcroute.proxy.Proxy;
import org.smcroute.proxy.ProxyStatus;
import org.smcroute.text.Pad;

/**
 * {@code show proxy}: per downstream link the querier and the packets counted, every group hosts
 * reported with its filter mode, sources, last reporter and expiry, and the memberships held on
 * the upstream interfaces. Text with the heading markers of the other views, and JSON.
 */
public final class ProxyView {

    private final Interfaces ifaces;
    private final Proxy proxy;

    public ProxyView(Interfaces ifaces, Proxy proxy) {
        this.ifaces = ifaces;
        this.proxy = proxy;
    }

    private static String protocol(Family f, int version) {
        return (f.v6() ? "MLDv" : "IGMPv") + version;
    }

    /** The host version a group record is in: IGMPv1-3, MLDv1-2. */
    private static int hostVersion(Family f, int compat) {
        return f.v6() ? compat - 1 : compat;
    }



    private static String seconds(long millis) {
        return (millis + 999) / 1000 + "s";
    }

    private static String join(List<Addr> sources) {
        StringBuilder b = new StringBuilder();
        for (Addr s : sources) {
            b.append(b.isEmpty() ? "" : " ").append(s);
        }
        return b.toString();
    }

    /** {@code detail}: the dropped packets by reason too. */
    public String text(boolean detail) {
        List<ProxyStatus.Downlink> links = proxy.links();
        List<ProxyStatus.UpstreamJoin> joined = proxy.joined();
        Lines out = new Lines();
        if (links.isEmpty() && joined.isEmpty()) {
            return "";
        }
        int w = ifaces.nameWidth(6);
        if (!links.isEmpty()) {
            out.title("IGMP/MLD Proxy Queriers").heading(Pad.left("PHYINT", w) + "  PROTOCOL  " + Pad.left("QUERIER", 39)
                    + " " + Pad.right("REPORTS", 9) + " " + Pad.right("QUERIES", 9) + " " + Pad.right("DROPPED", 9));
            for (ProxyStatus.Downlink l : links) {
                String querier = l.querier() == null ? "?" : l.querier() + (l.self() ? " (this router)" : "");
                out.data(Pad.left(l.ifname(), w) + "  " + Pad.left(protocol(l.family(), l.version()), 8) + "  "
                        + Pad.left(querier, 39) + " " + Pad.right(Long.toString(l.reports()), 9) + " "
                        + Pad.right(Long.toString(l.queries()), 9) + " " + Pad.right(Long.toString(l.dropped()), 9));
            }
            if (detail) {
                out.title("IGMP/MLD Proxy Dropped Packets");
                for (ProxyStatus.Downlink l : links) {
                    StringBuilder b = new StringBuilder(Pad.left(l.ifname(), w)).append("  ")
                            .append(Pad.left(protocol(l.family(), l.version()), 8));
                    for (Map.Entry<String, Long> e : l.drops().entrySet()) {
                        b.append(' ').append(e.getKey()).append(' ').append(e.getValue());
                    }
                    out.data(b.toString());
                }
            }
            out.title("IGMP/MLD Proxy Memberships").heading(Pad.left("GROUP", 42) + " " + Pad.left("PHYINT", w)
                    + "  HOSTS   MODE     EXPIRES  " + Pad.left("REPORTER", 25) + "  SOURCES");
            for (ProxyStatus.Downlink l : links) {
                for (ProxyStatus.Member m : l.members()) {
                    String reporter = m.reporter() == null ? "-" : m.reporter().toString();
                    out.data(Pad.left(m.group().toString(), 42) + " " + Pad.left(l.ifname(), w) + "  "
                            + Pad.left((l.family().v6() ? "MLDv" : "IGMPv") + hostVersion(l.family(), m.compat()), 6) + "  "
                            + Pad.left(m.exclude() ? "exclude" : "include", 7) + "  " + Pad.right(seconds(m.expires()), 7) + "  "
                            + Pad.left(reporter, 25) + "  " + join(m.sources()));
                }
            }
        }
        if (!joined.isEmpty()) {
            out.title("IGMP/MLD Proxy Upstream Memberships").heading(Pad.left("GROUP", 42) + " " + Pad.left("IIF", w)
                    + "  MODE     SOURCES");
            for (ProxyStatus.UpstreamJoin j : joined) {
                out.data(Pad.left(j.group().toString(), 42) + " " + Pad.left(j.ifname(), w) + "  "
                        + Pad.left(j.exclude() ? "exclude" : "include", 7) + "  " + join(j.sources()));
            }
        }
        return out.toString();
    }

    public String json() {
        Json j = new Json().begin().key("proxy").begin().key("interfaces").beginArray();
        for (ProxyStatus.Downlink l : proxy.links()) {
            j.begin().key("name").value(l.ifname()).key("protocol").value(protocol(l.family(), l.version()))
                    .key("querier").value(l.querier() == null ? null : l.querier().toString())
                    .key("self").value(l.self())
                    .key("reports").value(l.reports()).key("queries").value(l.queries()).key("dropped").begin();
            for (Map.Entry<String, Long> e : l.drops().entrySet()) {
                j.key(e.getKey()).value(e.getValue());
            }
            j.end().key("groups").beginArray();
            for (ProxyStatus.Member m : l.members()) {
                j.begin().key("group").value(m.group().toString()).key("mode").value(m.exclude() ? "exclude" : "include")
                        .key("version").value(hostVersion(l.family(), m.compat()));
                sources(j, m.sources());
                j.key("reporter").value(m.reporter() == null ? null : m.reporter().toString())
                        .key("expires").value((m.expires() + 999) / 1000).end();
            }
            j.endArray().end();
        }
        j.endArray().key("upstream").beginArray();
        for (ProxyStatus.UpstreamJoin u : proxy.joined()) {
            j.begin().key("iif").value(u.ifname()).key("group").value(u.group().toString())
                    .key("mode").value(u.exclude() ? "exclude" : "include");
            sources(j, u.sources());
            j.end();
        }
        return j.endArray().end().end().toString() + "\n";
    }

    private static void sources(Json j, List<Addr> sources) {
        j.key("sources").beginArray();
        for (Addr s : sources) {
            j.value(s.toString());
        }
        j.endArray();
    }
}
